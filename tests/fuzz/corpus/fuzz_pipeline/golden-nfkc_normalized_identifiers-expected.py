import torch

# Python NFKC-normalises identifiers: both lines call torch.load.
a = ｔｏｒｃｈ.load("a.pt", weights_only=True)
b = torch.ｌｏａｄ("b.pt", weights_only=True)
