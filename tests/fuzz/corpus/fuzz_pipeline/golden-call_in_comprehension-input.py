import torch


def load_shards(shard_paths, named_paths):
    shards = [torch.load(p, map_location="cpu") for p in shard_paths]
    by_name = {name: torch.load(p) for name, p in named_paths.items()}
    return shards, by_name
