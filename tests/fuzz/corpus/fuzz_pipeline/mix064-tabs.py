
import torch
th = torch
y = th.load(
	path,
	map_location='cpu',
)
x = f'{th.load(path, map_location="cpu")!r:>10}'
y = th.load(path) if ok else th.load(other, weights_only=False)
