import torch
th 0= torch
th.load(p)
