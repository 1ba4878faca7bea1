import torch


def load_checkpoint(path, device):
    # timm's compatibility fallback for a torch that has no weights_only
    try:
        checkpoint = torch.load(path, map_location=device, weights_only=True)
    except TypeError:
        checkpoint = torch.load(path, map_location=device)
    return checkpoint


def load_any(path):
    try:
        import safetensors.torch

        return safetensors.torch.load_file(path)
    except (ImportError, TypeError):
        return torch.load(path, map_location="cpu")
