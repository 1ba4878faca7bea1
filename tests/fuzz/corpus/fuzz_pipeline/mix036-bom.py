
﻿import torch
loader = torch.load
x = loader(
    path,
    map_location='cpu',
)
x = loader(path, weights_only=(False))
x = loader(path)  # noqa: LF001
y = loader(path
