#!/usr/bin/env python3
import torch as th

x = th.load(path,  # the file
      # and where
      map_location='cpu')
