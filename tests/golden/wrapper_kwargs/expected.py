import pickle

import torch


def load(path, **kwargs):
    return torch.load(path, map_location="cpu", **kwargs)


def load_twice_removed(path, **options):
    # a wrapper of a wrapper: forwards **options to load
    return load(path, **options)


def load_with_pickler(path, **kwargs):
    return torch.load(path, pickle_module=pickle, **kwargs)


a = load("a.pt", weights_only=True)
b = load_twice_removed("b.pt", weights_only=True)
c = load_with_pickler("c.pt", weights_only=False)
d = load("d.pt", weights_only=False, **extra)
e = load("e.pt", weights_only=True)
f = load("f.pt", weights_only=None)
