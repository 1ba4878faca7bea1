import torch


def restore(ckpt_path):
    ckpt = torch.load(ckpt_path
    )
    return ckpt["model"]
