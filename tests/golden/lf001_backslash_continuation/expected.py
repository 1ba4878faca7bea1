import torch

x = torch.load("g.pt", weights_only=True \
    )
y = torch.load("h.pt", \
               map_location="cpu", \
               weights_only=True
)
