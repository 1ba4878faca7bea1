import torch as th

encoder = th.jit.load("encoder_traced.pt")
state = th.load("decoder.pt", map_location="cpu")
