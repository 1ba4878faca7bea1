import torch


def restore(path):
    return torch.load(path, map_location="cpu", weights_only=True)


def collate(batch):
    return torch.stack([item["x"] for item in batch
