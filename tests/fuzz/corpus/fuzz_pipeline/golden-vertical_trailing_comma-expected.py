import torch


def restore(path):
    ckpt = torch.load(
        path,
        map_location="cpu",
        weights_only=True,
    )
    return ckpt
