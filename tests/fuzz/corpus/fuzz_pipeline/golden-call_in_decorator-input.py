import torch
import torch.nn as nn

from .registry import register_model


@register_model(defaults=torch.load("configs/defaults.pt"))
class Encoder(nn.Module):
    pass
