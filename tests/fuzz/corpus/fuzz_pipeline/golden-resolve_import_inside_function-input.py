def restore(path):
    import torch

    return torch.load(path)


def restore_other(path):
    return torch.load(path)
