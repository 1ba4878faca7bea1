import dill
import torch


def restore(path):
    return torch.load(path, weights_only=False, pickle_module=dill)
