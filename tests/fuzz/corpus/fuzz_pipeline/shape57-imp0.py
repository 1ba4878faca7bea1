#!/usr/bin/env python3
import torch

y = torch.load(path, weights_only=False, map_location=(
    'cpu'))
