"""Module."""
import torch

@cache(torch.load(path))
def f():
    pass
