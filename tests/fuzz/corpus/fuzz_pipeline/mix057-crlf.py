
import torch
def f(path, paths, flag, kwargs, args):
    x = torch.load(
        path, map_location='cpu'
        )
    s = 'torch.load(path)'  # torch.load(x)
