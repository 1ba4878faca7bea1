
# -*- coding: latin-1 -*-
# café
from torch import load
def f(path, paths, flag, kwargs, args):
    x = load(path, 'cpu', pickle)
    def load(p):
        return p
    y = load(path)
