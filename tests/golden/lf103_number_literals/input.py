import numpy as np

# Number literals are judged by their truth, as numpy.load's `if not allow_pickle` does.
a = np.load("a.npy", allow_pickle=0.0)
b = np.load("b.npy", allow_pickle=0j)
c = np.load("c.npy", allow_pickle=1.0)
d = np.load("d.npy", allow_pickle=0x10)
# Read as Python reads it: 1e-400 is 0.0, false; 1e-300 is true.
e = np.load("e.npy", allow_pickle=1e-400)
f = np.load("f.npy", allow_pickle=1_0e-3_0)
