import torch

# pickle_module=None is torch.load's own default: weights_only=True accepts it.
a = torch.load("a.pt", pickle_module=None, weights_only=True)
b = torch.load("b.pt", "cpu", None, weights_only=True)
c = torch.load("c.pt", map_location="cpu", pickle_module=(None), weights_only=True)
# A real pickle module still blocks the fix.
import pickle
d = torch.load("d.pt", "cpu", pickle)
e = torch.load("e.pt", pickle_module=pickle)
