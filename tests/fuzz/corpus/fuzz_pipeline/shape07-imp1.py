import torch as th

x = th.load(path, weights_only=(False))
