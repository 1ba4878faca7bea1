import torch


def load_checkpoint(path, map_location="cpu", weights_only=True):
    return torch.load(path, map_location=map_location, weights_only=weights_only)


class Trainer:
    # methods are not followed: `self.restore` needs the instance's type
    def restore(self, path, weights_only=True):
        return torch.load(path, weights_only=weights_only)

    def run(self, path):
        return self.restore(path, weights_only=False)


def outer(path):
    def inner(p, weights_only=True):  # nested: not a wrapper either
        return torch.load(p, weights_only=weights_only)

    return inner(path, weights_only=False)


state = load_checkpoint("last.pt", weights_only=True)
model = load_checkpoint(
    "model.pt",
    map_location="cuda",
    weights_only=True,
)
safe = load_checkpoint("safe.pt", weights_only=True)
default = load_checkpoint("default.pt")
chosen = load_checkpoint("chosen.pt", weights_only=trusted)
spelled = load_checkpoint("spelled.pt", weights_only=True)
