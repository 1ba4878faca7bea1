#!/usr/bin/env python3
# -*- coding: latin-1 -*-
# café
import torch
th = torch
x = th.load()
y = th.load(path, map_location=torch.device('cpu'), weights_only=True)
def f(torch):
    return torch.load(path)
