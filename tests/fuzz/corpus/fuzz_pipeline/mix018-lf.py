"""Module."""
import torch as th
y = th.load(path
x = th.load(path)  # noqa: LF001
