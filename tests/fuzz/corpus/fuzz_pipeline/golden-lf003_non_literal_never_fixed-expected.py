import torch


def restore(path, cfg, trusted: bool):
    a = torch.load(path, weights_only=trusted)
    b = torch.load(path, weights_only=cfg.get("weights_only"))
    c = torch.load(path, weights_only=None)
    d = torch.load(path, weights_only=not trusted)
    return a, b, c, d
