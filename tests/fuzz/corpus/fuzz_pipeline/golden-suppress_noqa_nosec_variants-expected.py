import torch

a = torch.load("a.pt")  # noqa
b = torch.load("b.pt")  # noqa: LF001
c = torch.load("c.pt")  # nosec
d = torch.load("d.pt")  # nosec B614
