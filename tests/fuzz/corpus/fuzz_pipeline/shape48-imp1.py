#!/usr/bin/env python3
import torch as th

y = th.load(path, map_location=)
