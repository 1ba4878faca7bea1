import torch.nn
fn = torch.load
y = fn(path)
