import torch

y = torch.load(path); z = torch.load(path2)
