"""Module."""
# -*- coding: latin-1 -*-
# café
import torch.nn
def f(path, paths, flag, kwargs, args):
    x = torch.load(path, weights_only=True)
