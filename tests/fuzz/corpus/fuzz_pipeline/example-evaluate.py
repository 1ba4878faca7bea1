"""Evaluate trained weights on a fixed random batch, via utils.checkpoint.

    python3 evaluate.py OUT_DIR     (the --out-dir given to train.py)
"""
import os
import sys

import torch
from torch import nn

from model import MLP, random_batch
from utils.checkpoint import load_checkpoint, load_weights

if len(sys.argv) != 2:
    sys.exit("usage: evaluate.py OUT_DIR")
out_dir = sys.argv[1]

ckpt = load_checkpoint(os.path.join(out_dir, "checkpoint.pt"))
model = load_weights(MLP(), os.path.join(out_dir, "model.pt"))
model.eval()

x, y = random_batch(batch_size=256, seed=999)
with torch.no_grad():
    loss = nn.CrossEntropyLoss()(model(x), y).item()
print(f"{ckpt['arch']} after epoch {ckpt['epoch']}: eval loss {loss:.4f}")
