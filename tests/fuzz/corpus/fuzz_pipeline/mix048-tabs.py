import torch
x = torch.serialization.load \
	(path)
def f(torch):
	return torch.load(path)
import functools
h = functools.partial(torch.serialization.load, map_location='cpu')
