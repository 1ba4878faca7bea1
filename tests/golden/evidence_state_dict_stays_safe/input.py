import torch
import torch.nn as nn


class Net(nn.Module):
    pass


def save(model):
    torch.save(model.state_dict(), "net.pt")
    torch.save({"model": model.state_dict(), "epoch": 3}, "ckpt.pt")


def load(model):
    state = torch.load("net.pt")
    model.load_state_dict(state)
    ckpt = torch.load("ckpt.pt")
    model.load_state_dict(ckpt["model"])
    model.load_state_dict(torch.load("other.pt", map_location="cpu"))
    model.load_state_dict(torch.load("wrapped.pt")["state_dict"])
    return Net().eval()
