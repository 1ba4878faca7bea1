"""Module."""
try:
    import torch
except ImportError:
    torch = None
x = torch.load(path)
class C:
    def m(self):
        return torch.load(self.path)
x = torch.load(path  # why
      )