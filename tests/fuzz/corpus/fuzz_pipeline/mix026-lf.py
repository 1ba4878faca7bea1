
import torch
y = torch.serialization.load(path, map_location=torch.device('cpu'), weights_only=True)
x = torch.serialization.load(*args)
x = torch.serialization.load(path, weights_only=(False))
