
import torch

y = {k: torch.load(v) for k, v in items}
