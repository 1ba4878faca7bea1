import functools

import torch

load_cpu = functools.partial(torch.load, map_location="cpu")
state = load_cpu("checkpoints/last.pt")
