#!/usr/bin/env python3
import torch as th

x = th.load(path)
