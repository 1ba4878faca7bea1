
import torch

y = (torch.load)(path)
