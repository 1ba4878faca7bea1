#!/usr/bin/env python3
import torch as th

model.load_state_dict(th.load(path)['model'])
