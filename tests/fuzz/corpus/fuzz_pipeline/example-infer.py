"""Load a bare state_dict (model.pt from train.py) and run one forward pass.

    python3 infer.py MODEL.pt

Prints "ok" on success.
"""
import sys

import torch

from model import MLP, random_batch

if len(sys.argv) != 2:
    sys.exit("usage: infer.py MODEL.pt")

model = MLP()
# The one-liner found all over GitHub: nothing stops model.pt from carrying
# a pickle payload that runs as soon as it is loaded.
model.load_state_dict(torch.load(sys.argv[1]))
model.eval()

x, _ = random_batch(batch_size=8, seed=123)
with torch.no_grad():
    logits = model(x)
assert logits.shape == (8, 4), logits.shape
print("ok")
