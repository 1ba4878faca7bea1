import torch


def load_checkpoint(path):
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        # every refused checkpoint is loaded again, unrestricted
        return torch.load(path, map_location="cpu", weights_only=False)


def load_bare_except(path):
    try:
        ckpt = torch.load(path, weights_only=True)
    except:  # noqa: E722
        ckpt = torch.load(path, weights_only=None)
    return ckpt


def load_nested(path):
    try:
        ckpt = torch.load(path, weights_only=True)
    except RuntimeError as first:
        raise SystemExit(str(first))
    except BaseException:
        try:
            ckpt = torch.load(path, weights_only=False)
        except OSError:
            ckpt = None
    return ckpt
