#!/usr/bin/env python3
import torch

pool.map(torch.load, paths)
