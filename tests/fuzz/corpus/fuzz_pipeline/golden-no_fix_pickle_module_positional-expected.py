import pickle

import torch


def restore(f):
    return torch.load(f, None, pickle)
