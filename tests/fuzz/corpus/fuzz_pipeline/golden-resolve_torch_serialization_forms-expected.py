import torch
import torch.serialization as ser
from torch.serialization import load

a = torch.serialization.load("a.pt", weights_only=True)
b = load("b.pt", weights_only=True)
c = ser.load("c.pt", weights_only=True)
