#!/usr/bin/env python3
import torch as th

if (s := th.load(path)):
    pass
