from torch import *

state = load("model.pt", map_location="cpu")
x = zeros(3)
