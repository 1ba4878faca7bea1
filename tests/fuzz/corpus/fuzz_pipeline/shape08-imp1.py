#!/usr/bin/env python3
import torch as th

x = th.load(path, weights_only=True)
