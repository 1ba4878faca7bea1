import torch
x = torch.load(f"
#=====NEXT-FILE=====
import torch


def f(torch):
    return torch


model = torch.load(path)
