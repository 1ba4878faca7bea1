
import torch as th

y = th.load(
    th.load(
        path
    )
)
