
import torch as th

y = th.load(path, map_location=torch.device('cpu'), weights_only=True)
