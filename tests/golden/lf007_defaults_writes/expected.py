import torch
from torch import load

# Writes to the defaults decide what a call without weights_only does.
torch.load.__kwdefaults__["weights_only"] = False
torch.load.__kwdefaults__ = {"weights_only": False}
load.__kwdefaults__.update(weights_only=False)
torch.serialization.load.__kwdefaults__.setdefault("weights_only", False)
torch.load.__defaults__ = (None, None)
setattr(torch.load, "__kwdefaults__", {"weights_only": False})

# Reading them is fine.
print(torch.load.__kwdefaults__)

state = torch.load("weights.pt", weights_only=True)
