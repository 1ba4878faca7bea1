"""Module."""
from torch import serialization
s = 'torch.load(path)'  # torch.load(x)
y = serialization.load(
    fetch(
        path,
    ),
)