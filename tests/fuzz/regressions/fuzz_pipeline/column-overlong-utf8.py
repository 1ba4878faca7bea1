import torch
x = "À€"; torch.load(p)
