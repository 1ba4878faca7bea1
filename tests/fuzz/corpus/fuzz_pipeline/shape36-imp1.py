#!/usr/bin/env python3
import torch as th

fn = th.load
y = fn(path)
