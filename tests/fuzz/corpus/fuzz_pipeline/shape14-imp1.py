"""Module."""
import torch as th

x = th.load(p for p in paths)
