"""Module."""
import torch

s = 'torch.load(path)'  # torch.load(x)
