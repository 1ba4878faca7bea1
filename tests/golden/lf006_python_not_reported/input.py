import os
from os import environ

import torch

# Reading the variable is fine.
hatch = os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0")
also = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
if environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] == "1":
    print("escape hatch on")

# The sibling variable forces weights-only loading: the safe direction.
os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = "1"
os.environ.setdefault("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")

# Values PyTorch takes for false, and values not known statically.
os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "0"
os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "false"
os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = hatch
os.putenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", hatch)


# A local named os is not the module.
def local(os):
    os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"


state = torch.load("weights.pt", weights_only=True)
