import torch

path = "checkpoints/epoch_10.pt"
ckpt = torch.load(
    path,
    map_location="cpu",  # cpu only
    weights_only=True
)
