"""Module."""
import torch

x = torch.load(path, weights_only=False, pickle_module=dill)
