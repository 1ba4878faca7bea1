"""Module."""
import torch

x = torch.load(path, weights_only=False)  # noqa: LF002
