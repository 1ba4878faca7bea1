"""Module."""
import torch

with open(p, 'rb') as f:
    y = torch.load(f, map_location='cpu')
