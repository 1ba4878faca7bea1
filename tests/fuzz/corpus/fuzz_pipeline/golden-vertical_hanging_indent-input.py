import torch

ckpt = torch.load("weights/encoder.pt",
                  map_location="cuda:0"
)
