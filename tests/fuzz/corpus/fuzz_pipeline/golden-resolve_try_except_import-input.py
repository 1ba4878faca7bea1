try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def restore(path):
    if torch is None:
        raise RuntimeError("PyTorch is required to load checkpoints")
    return torch.load(path, map_location="cpu")
