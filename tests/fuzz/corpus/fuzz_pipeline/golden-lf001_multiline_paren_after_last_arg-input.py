import torch


def restore(path):
    ckpt = torch.load(
        path,
        map_location="cpu")
    return ckpt
