#!/usr/bin/env python3
﻿from torch import load
x = load(
    path, map_location='cpu'
    )
y = load(path, map_location=torch.device('cpu'), weights_only=True)
