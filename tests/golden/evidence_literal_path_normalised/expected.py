import os

import torch
import torch.nn as nn

CHECKPOINT = "runs/last.pt"


def save_all(model: nn.Module):
    torch.save(nn.Sequential(nn.Linear(2, 2)), "./out//whole.pt")
    torch.save(model.state_dict(), CHECKPOINT)
    torch.save(nn.Linear(2, 2), os.path.join("out", "joined.pt"))


def load_whole():
    # "./out//whole.pt" is "out/whole.pt": the same file
    return torch.load(os.path.join("out", "whole.pt"))


def load_joined():
    return torch.load("out/joined.pt")


def load_last():
    # a state_dict goes through CHECKPOINT: the fix stays safe
    return torch.load("runs/last.pt", weights_only=True)


def load_parent():
    # ".." is kept: not the same path as "out/whole.pt"
    return torch.load("out/x/../whole.pt", weights_only=True)
