
import torch

y = torch.load(torch.load(a), torch.load(b))
