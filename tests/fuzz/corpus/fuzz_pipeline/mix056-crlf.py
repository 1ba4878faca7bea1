#!/usr/bin/env python3
from torch import serialization
def f(path, paths, flag, kwargs, args):
    x = serialization.load(path, 'cpu', pickle)
