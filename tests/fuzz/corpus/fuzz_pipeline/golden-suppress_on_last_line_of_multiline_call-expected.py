import torch

ckpt = torch.load(
    "trusted/teacher.pt",
    map_location="cpu",
)  # nosec B614
