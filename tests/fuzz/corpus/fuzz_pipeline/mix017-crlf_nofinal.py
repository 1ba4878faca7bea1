"""Module."""
import torch
def f(path, paths, flag, kwargs, args):
    x = torch.serialization.load(path)  # nosec B614
    x = torch.serialization.load(path, map_location='cpu')