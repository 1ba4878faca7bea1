import torch as th  
def f(path, paths, flag, kwargs, args):  
    y = th.load(path); z = th.load(path2)  
    g = lambda p: th.load(p, map_location=lambda s, l: s)  
