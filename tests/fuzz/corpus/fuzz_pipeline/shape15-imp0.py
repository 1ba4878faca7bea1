"""Module."""
import torch

x = torch.load(path)  # noqa
