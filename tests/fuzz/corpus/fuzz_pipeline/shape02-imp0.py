
import torch

x = torch.load(path,)
