import inspect
from inspect import signature as sig

import torch

# Looking at torch.load loads nothing: not LF004.
params = inspect.signature(torch.load).parameters
same = sig(torch.load)
if torch.load is torch.serialization.load:
    pass
assert (torch.load) != None
if hasattr(torch.load, "__wrapped__"):
    pass
name = torch.load.__name__

# These hand torch.load on to code that calls it: LF004.
results = pool.map(torch.load, files)
loader = torch.load


def shadowed(hasattr):
    return hasattr(torch.load)
