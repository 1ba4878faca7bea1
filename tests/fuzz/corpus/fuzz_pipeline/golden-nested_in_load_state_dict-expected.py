import torch
import torchvision


def build(weights_path):
    model = torchvision.models.resnet50()
    model.load_state_dict(torch.load(weights_path, weights_only=True))
    return model.eval()
