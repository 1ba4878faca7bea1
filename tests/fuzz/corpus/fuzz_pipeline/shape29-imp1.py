
import torch as th

x = f"{th.load(path)}"
