
from torch import *
def f(path,(paths, flag, kwargs, args):
    y = (load)(path)
    x = load \
        (path)
    y = [load(p) f = load \
        (path)
   d, paths)
