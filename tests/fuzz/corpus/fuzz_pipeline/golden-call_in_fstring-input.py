import torch


def describe(path):
    print(f"epoch={torch.load(path)['epoch']} from {path}")
