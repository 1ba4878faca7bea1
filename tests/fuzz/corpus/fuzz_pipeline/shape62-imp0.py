
import torch

global torch
y = torch.load(path)
