import functools

import torch

load_cpu = functools.partial(torch.load, map_location="cpu", weights_only=True)
state = load_cpu("checkpoints/last.pt")
