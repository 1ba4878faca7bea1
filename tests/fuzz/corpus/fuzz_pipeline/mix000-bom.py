"""Module."""
﻿from torch import *
def f(path=load('x')):
    pass
