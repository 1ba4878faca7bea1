#!/usr/bin/env python3
import torch

x = torch.load(*args)
