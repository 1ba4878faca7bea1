
import torch as th

y = [th.load(p) for p in ps]
