"""Train the MLP for a few steps on random data and write two checkpoints.

    python3 train.py [--out-dir DIR] [--steps N]
    python3 train.py --resume DIR/checkpoint.pt [--out-dir DIR] [--steps N]

Writes into --out-dir (default: <tmp>/loadfix-examples):
  model.pt       the bare state_dict, as consumed by infer.py
  checkpoint.pt  {'model', 'optimizer', 'epoch', 'loss', 'arch'}; only
                 tensors, ints, strings and dicts, so it loads fine with
                 weights_only=True even under PyTorch 1.13 (see save below).
"""
import argparse
import os
import tempfile

import torch
from torch import nn

from model import MLP, random_batch


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out-dir",
                   default=os.path.join(tempfile.gettempdir(), "loadfix-examples"))
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--resume", metavar="CHECKPOINT",
                   help="continue from a checkpoint.pt written by an earlier run")
    return p.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(0)

    model = MLP()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    start_epoch = 0

    if args.resume:
        # The unsafe pattern loadfix looks for, spread over several lines.
        ckpt = torch.load(
            args.resume,
            map_location="cpu",
        )
        model.load_state_dict(ckpt["model"])
        # Only Adam's per-parameter state was saved; graft it onto the
        # hyper-parameters this script sets up itself.
        opt_state = optimizer.state_dict()
        opt_state["state"] = ckpt["optimizer"]
        optimizer.load_state_dict(opt_state)
        start_epoch = ckpt["epoch"] + 1
        print(f"resumed from epoch {ckpt['epoch']} (loss {ckpt['loss'].item():.4f})")

    model.train()
    for step in range(args.steps):
        x, y = random_batch(seed=step)
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    epoch = start_epoch + args.steps - 1
    os.makedirs(args.out_dir, exist_ok=True)
    model_path = os.path.join(args.out_dir, "model.pt")
    ckpt_path = os.path.join(args.out_dir, "checkpoint.pt")
    torch.save(model.state_dict(), model_path)
    # PyTorch 1.13's weights-only unpickler cannot read Python floats (no
    # BINFLOAT opcode in 1.13.1), so nothing below may be a float.  The
    # full optimizer.state_dict() would fail: its param_groups hold lr, betas
    # and eps.  Keep those in code and save just Adam's per-parameter state,
    # which is all tensors; the loss is kept as a 0-d tensor.
    torch.save({
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict()["state"],
        "epoch": epoch,
        "loss": loss.detach(),
        "arch": "mlp",
    }, ckpt_path)
    print(f"epoch {epoch}: loss {loss.item():.4f}")
    print(f"wrote {model_path}")
    print(f"wrote {ckpt_path}")


if __name__ == "__main__":
    main()
