# -*- coding: latin-1 -*-
# café
import torch
loader = torch.load
y = loader(loader(a), loader(b))
x = loader(
    path,
    map_location='cpu',
)
y = loader(path); z = loader(path2)
x = loader(path, weights_only=False)
