# numpy.load tests allow_pickle for truth (`if not allow_pickle: raise`), so
# 0.0 and 0j are as safe as False, and 1.0 as dangerous as True.  loadfix
# treats float and complex literals as unknown: it reports the safe calls
# (a false positive whose message says the value is "not known statically")
# and reports the dangerous one without its unsafe fix to False.
import numpy as np

safe_float = np.load("a.npy", allow_pickle=0.0)
safe_complex = np.load("b.npy", allow_pickle=0j)
unsafe_float = np.load("c.npy", allow_pickle=1.0)
