
import torch  
x = torch.load(path)  # noqa  
x = torch.load(path, weights_only=True)  
x = torch.load(path, weights_only=None)  
