import torch


def restore(path, **load_kwargs):
    return torch.load(path, **load_kwargs)
