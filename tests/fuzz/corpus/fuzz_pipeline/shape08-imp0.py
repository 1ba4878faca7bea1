import torch

x = torch.load(path, weights_only=True)
