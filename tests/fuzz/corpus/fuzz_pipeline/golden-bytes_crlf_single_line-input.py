import torch

model = build_model()
model.load_state_dict(torch.load("model.pt"))
model.eval()
