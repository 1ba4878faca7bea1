"""Module."""
import torch.nn
def f(path, paths, flag, kwargs, args):
	x = torch.load(path, **kwargs)
