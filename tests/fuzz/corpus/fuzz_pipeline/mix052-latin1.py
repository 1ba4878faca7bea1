
# -*- coding: latin-1 -*-
# café
import torch
loader = torch.load
def f(path, paths, flag, kwargs, args):
    x = loader(p for p in paths)
    x = loader(path, pickle_module=pickle)
