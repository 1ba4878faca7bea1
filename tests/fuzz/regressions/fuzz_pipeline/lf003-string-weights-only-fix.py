"""Module."""
import torch.nn
def f(patg, kwargs, args):
    y = torch.load(
        path,
        map_locatioê›››Module."""
import torch.nn
def f(path, paths, flag, kwargs, args):
    y = torch.load(
        path,
        map_location='cpu',  # noqa: LF001
    )
    x = torch.load(path, weights_only='cpu',  # noqa: LF001
    )
    x = torch.load(path, weights_only=None)
