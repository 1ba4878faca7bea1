import torch
torch.load(f, weights_only=True)
