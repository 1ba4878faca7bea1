class Checkpoints:
    import torch

    # The first iterable of a comprehension is evaluated in the class body,
    # where `torch` is bound: this calls torch.load.
    items = [item for item in torch.load("ckpt.pt")]
