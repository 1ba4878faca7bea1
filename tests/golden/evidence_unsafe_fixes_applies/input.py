import torch


def evaluate(path):
    model = torch.load(path)
    model.eval()
    return model


def restore(path):
    try:
        return torch.load(path, weights_only=True)
    except TypeError:
        return torch.load(path)
