def restore(path):
    import torch

    return torch.load(path, weights_only=True)


def restore_other(path):
    return torch.load(path)
