#!/usr/bin/env python3
import torch as th

y = th.load(
    fetch(
        path,
    ),
)
