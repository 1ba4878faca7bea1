#!/usr/bin/env python3
import torch as th

y = th.load(path) if ok else th.load(other, weights_only=False)
