#!/usr/bin/env python3
import torch

y = [torch.load(p) for p in ps]
