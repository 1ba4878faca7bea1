import torch

y = torch.load(
    fetch(
        path,
    ),
)
