import torch
import torch as t
from torch import serialization

_original_load = torch.load  # LF004: a reference to the unfixed function


def _unsafe_load(f, *args, **kwargs):
    kwargs["weights_only"] = False
    return _original_load(f, *args, **kwargs)


# Every later torch.load(p, weights_only=True) runs _unsafe_load instead.
torch.load = _unsafe_load
t.load = lambda f, **kwargs: _original_load(f, weights_only=False)
serialization.load = _unsafe_load
t.serialization.load = _unsafe_load
setattr(torch, "load", _unsafe_load)
setattr(t.serialization, "load", _unsafe_load)
torch.load = _original_load  # putting it back is an assignment too

state = torch.load("weights.pt", weights_only=True)
