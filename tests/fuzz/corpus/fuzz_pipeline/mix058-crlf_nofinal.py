#!/usr/bin/env python3
from torch import serialization
def f(path=serialization.load('x')):
    pass
y = (serialization.load)(path)
x = serialization.load(path)  # noqa: E501