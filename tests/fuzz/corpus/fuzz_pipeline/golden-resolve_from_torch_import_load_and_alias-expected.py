from torch import load
from torch import load as l

weights = load("model.pt", weights_only=True)
ema_weights = l("model_ema.pt", map_location="cpu", weights_only=True)
