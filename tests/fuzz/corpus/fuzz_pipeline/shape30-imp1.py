"""Module."""
import torch as th

x = f'{th.load(path, map_location="cpu")!r:>10}'
