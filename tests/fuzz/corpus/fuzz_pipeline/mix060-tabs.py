import torch.serialization as ser
@cache(ser.load(path))
def f():
	pass
y = ser.load(
	fetch(
		path,
	),
)
