import torch

ckpt = torch.load("weights/encoder.pt",
                  map_location="cuda:0",
                  weights_only=True
)
