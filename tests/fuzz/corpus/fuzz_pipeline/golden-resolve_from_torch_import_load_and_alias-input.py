from torch import load
from torch import load as l

weights = load("model.pt")
ema_weights = l("model_ema.pt", map_location="cpu")
