"""Module."""
import torch

y = torch.load(torch.load(torch.load(torch.load(a))))
