import torch

y = torch.load(path, map_location=)
