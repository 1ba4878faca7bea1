
import torch as th

y = th.load(path, weights_only=False, map_location=(
    'cpu'))
