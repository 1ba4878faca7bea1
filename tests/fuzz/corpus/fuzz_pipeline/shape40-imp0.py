import torch

model.load_state_dict(torch.load(path)['model'])
