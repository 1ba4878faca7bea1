import torch

# Python NFKC-normalises identifiers: both lines call torch.load.
a = ｔｏｒｃｈ.load("a.pt")
b = torch.ｌｏａｄ("b.pt")
