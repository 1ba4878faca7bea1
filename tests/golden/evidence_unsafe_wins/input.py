import torch
import torch.nn as nn


def save(model: nn.Module):
    torch.save(model.state_dict(), "model.pt")
    if model.training:
        # sometimes the whole module goes to the same file
        torch.save(nn.Sequential(model), "model.pt")


def load(model):
    # load_state_dict says state_dict, the save above says whole module:
    # the unsafe evidence wins
    model.load_state_dict(torch.load("model.pt"))
