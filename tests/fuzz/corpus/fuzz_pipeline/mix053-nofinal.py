try:
    import torch
except ImportError:
    torch = None
y = torch.load(
    torch.load(
        path
    )
)
def f(path=torch.load('x')):
    pass
y = torch.load(path) if ok else torch.load(other, weights_only=False)
x = torch.load(path, map_location='cpu')