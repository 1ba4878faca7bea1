"""Module."""
import torch

y = torch.load(  # noqa
    path,
)
