"""A deliberately tiny model: a two-layer MLP classifier.

Everything in examples/ is a stand-in for a real PyTorch project, used to
show what `loadfix` finds and fixes (`build/loadfix --diff examples/`).
"""
import torch
from torch import nn

IN_FEATURES = 16
HIDDEN = 32
CLASSES = 4


class MLP(nn.Module):
    def __init__(self, in_features=IN_FEATURES, hidden=HIDDEN, classes=CLASSES):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def random_batch(batch_size=64, seed=None):
    """Random inputs and labels; `seed` makes the batch reproducible."""
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    x = torch.randn(batch_size, IN_FEATURES, generator=gen)
    y = torch.randint(0, CLASSES, (batch_size,), generator=gen)
    return x, y
