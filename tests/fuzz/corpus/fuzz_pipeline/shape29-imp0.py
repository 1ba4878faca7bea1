#!/usr/bin/env python3
import torch

x = f"{torch.load(path)}"
