import torch

y = torch.load(path) if ok else torch.load(other, weights_only=False)
