
import torch as th

x = th.load(path  # why
      )
