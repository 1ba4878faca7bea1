"""Checkpoint helpers.

Example:
    state = torch.load("model.pt")
"""
import torch

# legacy: state = torch.load(path)
HINT = "call torch.load(path) to inspect a checkpoint"


def restore_cmd(path):
    """Build a shell command that runs torch.load(path) in a subprocess."""
    return f'python -c "import torch; torch.load({path!r})"'
