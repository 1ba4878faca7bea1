import torch
import torch.serialization as ser
from torch.serialization import load

a = torch.serialization.load("a.pt")
b = load("b.pt")
c = ser.load("c.pt")
