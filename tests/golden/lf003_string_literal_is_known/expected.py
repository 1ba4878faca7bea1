import torch

# Non-empty strings are true: these calls already run weights-only.
a = torch.load("a.pt", weights_only=True)
b = torch.load("b.pt", weights_only=True)
c = torch.load("c.pt", weights_only=True)
# An empty string is false: it unpickles anything (LF002, unsafe fix).
d = torch.load("d.pt", weights_only="")
# An f-string with a field is not known.
e = torch.load("e.pt", weights_only=f"{flag}")
