
import torch

from functools import partial
h = partial(torch.load)
