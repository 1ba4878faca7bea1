"""Module."""
# -*- coding: latin-1 -*-
# café
import torch
th = torch
x = th.load(path, weights_only=False)
x = th.load(p for p in paths)
y = th.load(
    path,
    map_location='cpu',  # noqa: LF001
)
