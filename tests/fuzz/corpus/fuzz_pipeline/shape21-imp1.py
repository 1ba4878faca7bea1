
import torch as th

x = th.load(
    path,
    map_location='cpu'  # where
)
