import torch as th

with open(p, 'rb') as f:
    y = th.load(f, map_location='cpu')
