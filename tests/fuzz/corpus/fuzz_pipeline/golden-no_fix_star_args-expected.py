import torch


def restore(*args):
    ckpt = torch.load(*args)
    return ckpt["state_dict"]
