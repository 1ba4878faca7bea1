import torch
from torch import *


def load(path):
    """Project loader with safe defaults."""
    return torch.load(path, map_location="cpu", weights_only=True)


state = load("checkpoints/best.pt")
