import torch

fn = torch.load
y = fn(path)
