import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
loader = lambda p: torch.load(p, map_location=device, weights_only=True)
latest = max(ckpt_paths, key=lambda p: torch.load(p, weights_only=True)["step"])
