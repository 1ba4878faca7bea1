import torch
loader = torch.load
y = loader(path, weights_only=False, map_location=(
    'cpu'))
