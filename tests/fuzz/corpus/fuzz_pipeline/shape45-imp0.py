#!/usr/bin/env python3
import torch

y = torch.load(path, map_location=torch.device('cpu'), weights_only=True)
