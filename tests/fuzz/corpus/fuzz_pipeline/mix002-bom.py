"""Module."""
﻿from torch import load as tl
x = tl(
    path
)
x = tl(path, weights_only=flag)
x = tl(path, weights_only=(False))
y = tl(path
