import numpy as np
from numpy import load

a = np.load("a.npy", allow_pickle=False)
b = np.load("b.npy", allow_pickle=False)
c = np.load("c.npy", allow_pickle=False)
d = np.load("d.npy", None, False)
e = np.load("e.npy", allow_pickle=flag)
f = load("f.npz", allow_pickle=False)
# safe
g = np.load("g.npy")
h = np.load("h.npy", allow_pickle=False)
i = np.load("i.npy", allow_pickle=None)
j = np.load("j.npy", allow_pickle=0)
