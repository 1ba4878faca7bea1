"""Module."""
import torch as th

y = (th.load)(path)
