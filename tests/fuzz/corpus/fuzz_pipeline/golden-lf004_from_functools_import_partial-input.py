from functools import partial

import torch

load_cpu = partial(torch.load, map_location="cpu")
load_default = partial(torch.load)
