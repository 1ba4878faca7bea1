#!/usr/bin/env python3
from torch import load as tl
from functools import partial
h = partial(tl)
x = tl(
    path,
    map_location='cpu'  # where
)
y = tl(path); z = tl(path2)
y = tl(path, map_location=torch.device('cpu'), weights_only=True)
