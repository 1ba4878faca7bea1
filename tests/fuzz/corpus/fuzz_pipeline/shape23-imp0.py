"""Module."""
import torch

x = torch.load(
    path, map_location='cpu'
    )
