
import torch
x = torch.load(path, pickle_module=pickle)
x = torch.load()
x = torch.load(path, map_location='cpu')
x = torch.load(path)  # noqa: E501
