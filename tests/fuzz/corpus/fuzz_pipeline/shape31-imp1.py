import torch as th

@cache(th.load(path))
def f():
    pass
