"""Module."""
import torch

def f(path=torch.load('x')):
    pass
