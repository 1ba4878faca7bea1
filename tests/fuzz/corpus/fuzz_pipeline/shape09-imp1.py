
import torch as th

x = th.load(path, pickle_module=pickle)
