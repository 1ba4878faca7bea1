#!/usr/bin/env python3
import torch.nn
x = torch.load(\
    path)
pool.map(torch.load, paths)
def load(p):
    return p
y = load(path)
