#!/usr/bin/env python3
import torch
th = torch
y = th.load(path, map_location=torch.device('cpu'), weights_only=True)
x = th.load(path, weights_only=False, pickle_module=dill)
