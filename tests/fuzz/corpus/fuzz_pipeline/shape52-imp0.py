import torch

if (s := torch.load(path)):
    pass
