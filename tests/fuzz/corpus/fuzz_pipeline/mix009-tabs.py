
import torch as th
model.load_state_dict(th.load(path)['model'])
def load(p):
	return p
y = load(path)
x = th.load(path, weights_only=False)
