#!/usr/bin/env python3
from torch import *
def f(path, paths, flag, kwargs, args):
    fn = load
    y = fn(path)
    x = load(path)  # noqa
    x = f"{load(path)}"
    x = load(path, weights_only=True)