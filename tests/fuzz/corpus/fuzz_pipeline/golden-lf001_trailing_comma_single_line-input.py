import torch

ckpt_path = "runs/exp3/last.pt"
state = torch.load(ckpt_path,)
print(sorted(state))
