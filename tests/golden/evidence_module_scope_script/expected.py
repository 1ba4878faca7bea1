# A training script: everything at module scope, so the evidence for each
# load sits in other top-level statements (partial parsing must keep them).
import argparse

import numpy as np
import torch
import torch.nn as nn


class Net(nn.Module):
    pass


class Deeper(Net):
    pass


parser = argparse.ArgumentParser()
args = parser.parse_args()
unrelated = 1

net = Deeper()
PATH = "runs/net.pt"
torch.save(net, PATH)
whole = torch.load(PATH)

torch.save({"args": args, "step": 3}, "runs/state.pt")
state = torch.load("runs/state.pt")

torch.save({"mean": np.zeros(3)}, "runs/stats.pt")
stats = torch.load("runs/stats.pt")

torch.save(net.state_dict(), "runs/weights.pt")
net.load_state_dict(torch.load("runs/weights.pt", weights_only=True))

model = torch.load(unrelated)
model.eval()

features = torch.load("runs/features.pt", weights_only=True)
