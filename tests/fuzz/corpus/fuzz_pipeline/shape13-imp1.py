
import torch as th

x = th.load(*args)
