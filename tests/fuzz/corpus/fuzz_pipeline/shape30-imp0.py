
import torch

x = f'{torch.load(path, map_location="cpu")!r:>10}'
