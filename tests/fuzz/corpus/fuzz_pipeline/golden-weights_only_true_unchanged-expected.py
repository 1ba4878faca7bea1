import torch


def restore(path):
    state = torch.load(path, weights_only=True)
    optim = torch.load(
        path.replace("model", "optim"),
        map_location="cpu",
        weights_only=True,
    )
    return state, optim
