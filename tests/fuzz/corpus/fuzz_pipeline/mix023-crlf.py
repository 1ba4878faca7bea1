
import torch
y = torch.serialization.load(torch.serialization.load(torch.serialization.load(torch.serialization.load(a))))
x = torch.serialization.load(path)  # noqa: E501
global torch
y = torch.serialization.load(path)
x = torch.serialization.load(path  # why
      )
