#!/usr/bin/env python3
import torch as th

"""torch.load(path)"""
