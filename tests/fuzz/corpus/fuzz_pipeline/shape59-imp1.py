import torch as th

y = th.load(  # noqa
    path,
)
