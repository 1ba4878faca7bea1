import torch


def restore(path):
    return torch.load(path, map_location="cpu")


def collate(batch):
    return torch.stack([item["x"] for item in batch
