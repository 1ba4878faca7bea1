import torch
from torch.hub import load_state_dict_from_url
from torch.utils import model_zoo

a = torch.hub.load_state_dict_from_url(URL)
b = load_state_dict_from_url(URL, map_location="cpu", weights_only=False)
c = model_zoo.load_url(URL)
d = torch.utils.model_zoo.load_url(URL, weights_only=True)
