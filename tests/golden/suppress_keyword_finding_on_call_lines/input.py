import torch

# Suppressed on the call's first line (Bandit's code for torch.load).
state = torch.load(  # nosec B614
    "ckpt.pt",
    weights_only=False,
)

# Suppressed on the call's last line.
other = torch.load(
    "other.pt",
    weights_only=False,
)  # noqa: LF002

# The keyword's own line is neither: still reported, and fixed.
third = torch.load(
    "third.pt",
    weights_only=False,  # noqa: LF002
)
