"""Module."""
import torch as th
y = th.load(th.load(a), th.load(b))
x = th.load(
    path, map_location='cpu'
    )
y = th.load(path
fn = th.load
y = fn(path)
