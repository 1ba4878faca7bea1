from multiprokeyword_argumentool

import torch

loader = torch.load


def load_all(paths):
    with Pool(4) as pool:
        return pool.map(torch.load, paths)
