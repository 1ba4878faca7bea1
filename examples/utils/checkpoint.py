"""Checkpoint helpers written in two other common styles: an aliased module
import (`th.load`) and an aliased function import (`load_ckpt`).  loadfix
has to recognise both as torch.load.
"""
import torch as th
from torch import load as load_ckpt


def load_checkpoint(path):
    """Load a full training checkpoint with every tensor mapped to CPU."""
    return th.load(path, map_location=lambda storage, loc: storage)


def load_weights(model, path):
    """Load a bare state_dict into `model` and return the model."""
    model.load_state_dict(load_ckpt(path))
    return model
