import argparse

import torch


def train(model):
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    args = parser.parse_args()
    torch.save({"args": args, "model": model.state_dict()}, "run.pt")
    # vars() makes a plain dict of the options: weights_only loads it
    torch.save({"args": vars(args), "model": model.state_dict()}, "run-vars.pt")
    opts, _ = parser.parse_known_args()
    torch.save(dict(config=parser.parse_known_args()), "run-known.pt")


def resume():
    ckpt = torch.load("run.pt")
    plain = torch.load("run-vars.pt")
    known = torch.load("run-known.pt")
    return ckpt, plain, known
