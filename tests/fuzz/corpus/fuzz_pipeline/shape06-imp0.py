
import torch

x = torch.load(path, weights_only=flag)
