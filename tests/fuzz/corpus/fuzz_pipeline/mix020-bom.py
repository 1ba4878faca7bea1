#!/usr/bin/env python3
﻿try:
    import torch
except ImportError:
    torch = None
def f(path, paths, flag, kwargs, args):
    x = torch.load(path, map_location='cpu')
    x = torch.load(path, **kwargs)
