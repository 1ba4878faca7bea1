import torch


def missing_file(path):
    try:
        return torch.load(path, weights_only=True)
    except FileNotFoundError:
        return None


def reraise(path):
    try:
        return torch.load(path, weights_only=True)
    except Exception as error:
        raise RuntimeError(f"cannot load {path}") from error


def other_error(path, fallback):
    # a KeyError cannot be a refused checkpoint
    try:
        return torch.load(path, weights_only=True)["model"]
    except KeyError:
        return torch.load(fallback, weights_only=True)


def body_not_weights_only(path):
    try:
        return torch.load(path, weights_only=True, mmap=True)
    except ValueError:
        pass
    try:
        return open(path).read()
    except Exception:
        return torch.load(path, weights_only=True)


def in_nested_function(path):
    try:
        return torch.load(path, weights_only=True)
    except Exception:

        def later():
            return 1

        return later()


def other_file(path, fallback):
    # neither a missing file nor a KeyError can be a refused checkpoint:
    # LF002 for the False, but no LF005
    try:
        return torch.load(path, weights_only=True)["model"]
    except (FileNotFoundError, KeyError):
        return torch.load(fallback, weights_only=False)
