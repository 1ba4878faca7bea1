import torch


def load_ignoring(path, weights_only=False):
    # its own parameter is never handed on: not a wrapper
    return torch.load(path, weights_only=True)


def load_own_kwargs(path, **kwargs):
    # forwards a dict of its own, not its **kwargs
    options = {"map_location": "cpu"}
    return torch.load(path, weights_only=True, **options)


def not_torch(path, weights_only=True):
    return open(path, "rb").read()


a = load_ignoring("a.pt", weights_only=False)
b = load_own_kwargs("b.pt", weights_only=False)
c = not_torch("c.pt", weights_only=False)


def shadowed(load_ignoring):
    return load_ignoring("d.pt", weights_only=False)
