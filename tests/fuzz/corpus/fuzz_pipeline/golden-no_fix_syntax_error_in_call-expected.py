import torch


def restore(path):
    return torch.load(path, map_location=)
