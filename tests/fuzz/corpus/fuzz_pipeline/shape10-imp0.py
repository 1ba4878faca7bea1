
import torch

x = torch.load(path, 'cpu', pickle)
