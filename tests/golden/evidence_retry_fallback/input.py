import pickle

import torch


def load_state(path):
    # open_clip's deliberate retry: fixing it would undo the retry
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        return torch.load(path, map_location="cpu")


def load_legacy(path):
    try:
        state = torch.load(path, weights_only=True)
    except pickle.UnpicklingError:
        state = torch.load(path)
    return state


def load_or_default(path, default_path):
    # a missing file cannot be a refused checkpoint: the fix stays safe
    try:
        return torch.load(path, weights_only=True)
    except FileNotFoundError:
        return torch.load(default_path)
