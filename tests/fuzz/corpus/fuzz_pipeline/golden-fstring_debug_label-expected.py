import torch

# Not a bug (needs review): the fix also changes the `=` debug label.
print(f"{torch.load('ckpt.pt', weights_only=True)=}")
