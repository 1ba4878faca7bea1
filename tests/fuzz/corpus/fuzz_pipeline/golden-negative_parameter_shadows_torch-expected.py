import torch


def restore_with(torch, path):
    # `torch` is an injected backend object here, not the module
    return torch.load(path)


def restore(path):
    return torch.load(path, weights_only=True)
