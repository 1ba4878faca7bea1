#!/usr/bin/env python3
import torch

x = torch.load(
    path,
    map_location='cpu'  # where
)
