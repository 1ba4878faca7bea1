"""Module."""
import torch as th

y = th.load(th.load(a), th.load(b))
