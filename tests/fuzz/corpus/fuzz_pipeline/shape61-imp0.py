#!/usr/bin/env python3
import torch

y = torch.load(
    torch.load(
        path
    )
)
