"""Module."""
import torch as th

def load(p):
    return p
y = load(path)
