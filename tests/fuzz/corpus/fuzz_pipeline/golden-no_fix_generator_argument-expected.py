import torch


def first_shard(shard_files):
    return torch.load(f for f in shard_files)
