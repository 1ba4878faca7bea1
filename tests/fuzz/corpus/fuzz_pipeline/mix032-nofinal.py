import torch
x = torch.load(*args)
y = torch.load(path) if ok else torch.load(other, weights_only=False)
model.load_state_dict(torch.load(path)['model'])
y = torch.load(torch.load(torch.load(torch.load(a))))