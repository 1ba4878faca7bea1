import torch

x = torch.load(path)  # noqa: LF001
