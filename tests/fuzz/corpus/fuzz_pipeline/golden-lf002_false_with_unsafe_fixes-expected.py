import torch


def restore_legacy(path):
    # old checkpoints pickled the whole model object
    return torch.load(path, map_location="cpu", weights_only=True)
