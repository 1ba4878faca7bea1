import torch


def load(p, *args, **kw):
    # Either splat may carry pickle_module, and weights_only=True with it
    # raises RuntimeError where False loaded: no fix, even an unsafe one.
    a = torch.load(p, *args, weights_only=False)
    b = torch.load(p, weights_only=False, **kw)
    # Without a splat the unsafe fix applies.
    c = torch.load(p, weights_only=True)
    return a, b, c
