import torch

ckpt = torch.load(  # noqa: LF001
    "trusted/teacher.pt",
    map_location="cpu",
)
