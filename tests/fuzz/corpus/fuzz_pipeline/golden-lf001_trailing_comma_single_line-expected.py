import torch

ckpt_path = "runs/exp3/last.pt"
state = torch.load(ckpt_path, weights_only=True,)
print(sorted(state))
