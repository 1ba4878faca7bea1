"""Module."""
import torch as th

y = th.load(
    path,
    map_location='cpu',  # noqa: LF001
)
