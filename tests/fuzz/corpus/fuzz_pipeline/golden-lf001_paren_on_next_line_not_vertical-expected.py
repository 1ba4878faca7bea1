import torch


def restore(ckpt_path):
    ckpt = torch.load(ckpt_path, weights_only=True
    )
    return ckpt["model"]
