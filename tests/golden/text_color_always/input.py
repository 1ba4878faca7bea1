import torch
import yaml

state = torch.load("model.pt")
loader = torch.load
config = yaml.load(text, Loader=yaml.FullLoader)
