#!/usr/bin/env python3
import torch as th

y = th.load(path); z = th.load(path2)
