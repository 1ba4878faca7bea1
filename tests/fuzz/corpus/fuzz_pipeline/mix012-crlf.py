"""Module."""
import torch
th = torch
x = th.load(
    path, map_location='cpu'
    )
x = th.load(path, weights_only=(False))
x = th.load(path)  # noqa: E501
x = th.load(path)
