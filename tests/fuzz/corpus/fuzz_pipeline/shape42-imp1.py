"""Module."""
import torch as th

y = {k: th.load(v) for k, v in items}
