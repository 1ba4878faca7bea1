import functools

import torch


def restore(path, rank):
    return torch.load(
        path,
        map_location=functools.partial(
            remap_storage, rank=rank
        ),
        weights_only=True
    )
