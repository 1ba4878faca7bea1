import dill
import torch


def restore(path):
    return torch.load(path, map_location="cpu", pickle_module=dill)
