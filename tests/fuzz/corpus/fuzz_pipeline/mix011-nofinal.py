"""Module."""
import torch
y = [torch.serialization.load(p) for p in ps]