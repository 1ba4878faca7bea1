import torch
import torchvision


def build(weights_path):
    model = torchvision.models.resnet50()
    model.load_state_dict(torch.load(weights_path))
    return model.eval()
