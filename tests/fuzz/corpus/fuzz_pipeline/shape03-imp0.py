"""Module."""
import torch

x = torch.load()
