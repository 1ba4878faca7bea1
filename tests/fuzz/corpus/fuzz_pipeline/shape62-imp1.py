"""Module."""
import torch as th

global torch
y = th.load(path)
