import torch as th

s = 'torch.load(path)'  # torch.load(x)
