
import torch as th

import functools
h = functools.partial(th.load, map_location='cpu')
