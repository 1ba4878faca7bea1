import torch
x = torch.load(path)  # noqa: E501