import torch


def describe(path):
    print(f"epoch={torch.load(path, weights_only=True)['epoch']} from {path}")
