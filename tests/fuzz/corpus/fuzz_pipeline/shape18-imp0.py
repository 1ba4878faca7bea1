
import torch

x = torch.load(path)  # nosec B614
