"""Older loading code: two calls that loadfix must NOT rewrite blindly.

    python3 legacy.py OUT_DIR     (the --out-dir given to train.py)
"""
import os
import pickle as dill_like  # stands in for `import dill`, which is common
import sys

import torch


def load_with_custom_pickler(path):
    # NOT fixable mechanically: weights_only=True cannot be combined with a
    # custom pickle_module (PyTorch raises RuntimeError), and whatever that
    # module does is outside what the safe unpickler allows.  A human must
    # drop pickle_module (if the file is plain tensors) or vet the source.
    # loadfix should report this call and leave it alone.
    with open(path, "rb") as f:
        return torch.load(f, pickle_module=dill_like)


def load_opted_out(path):
    # An explicit opt-out, typically added to silence the FutureWarning of
    # PyTorch >= 2.4.  The author chose this; loadfix reports it but must
    # not add a second weights_only= (that would be a SyntaxError).
    return torch.load(path, weights_only=False)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: legacy.py OUT_DIR")
    out_dir = sys.argv[1]
    state = load_with_custom_pickler(os.path.join(out_dir, "model.pt"))
    ckpt = load_opted_out(os.path.join(out_dir, "checkpoint.pt"))
    print(f"legacy: {len(state)} tensors, epoch {ckpt['epoch']}")
