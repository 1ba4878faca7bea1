import torch

index_file = "shards/index.pt"
state = torch.load(torch.load(index_file))
