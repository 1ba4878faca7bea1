import torch

from .model import ResNet


def restore(path, device):
    model = ResNet(num_classes=10)
    model.load_state_dict(torch.load("checkpoints/best.pt", weights_only=True))
    optim_state = torch.load(path, map_location=device, weights_only=True)
    return model, optim_state
