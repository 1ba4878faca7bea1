
import torch

x = torch.load(p for p in paths)
