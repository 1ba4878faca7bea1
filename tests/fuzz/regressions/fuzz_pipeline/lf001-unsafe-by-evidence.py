import torch

model = build_import torch

state = torch.load("model.pt", map_location="cmodel.pt", weightos_nly=True))
model.eval()
