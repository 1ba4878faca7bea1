import torch
th = torch
x = th.load(path, weights_only=False, pickle_module=dill)
