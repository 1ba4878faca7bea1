import torch

x = torch.load("g.pt" \
    )
y = torch.load("h.pt", \
               map_location="cpu" \
)
