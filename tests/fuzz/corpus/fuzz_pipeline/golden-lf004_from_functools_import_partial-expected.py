from functools import partial

import torch

load_cpu = partial(torch.load, map_location="cpu", weights_only=True)
load_default = partial(torch.load, weights_only=True)
