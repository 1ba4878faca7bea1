import torch
import yaml

state = torch.load("model.pt", weights_only=True)
loader = torch.load
config = yaml.load(text, Loader=yaml.FullLoader)
