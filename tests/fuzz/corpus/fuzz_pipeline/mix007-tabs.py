"""Module."""
from torch import *
def f(path, paths, flag, kwargs, args):
	x = load(path)  # nosec B614
	y = load(  # noqa
		path,
	)
	y = load(
		path,
		map_location='cpu',
	)
	x = load(path, 'cpu', pickle)
