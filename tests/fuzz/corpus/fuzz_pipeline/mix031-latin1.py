# -*- coding: latin-1 -*-
# café
import torch
loader = torch.load
x = loader(path, weights_only=True)
x = loader(\
    path)
y = loader(path, map_location=torch.device('cpu'), weights_only=True)
