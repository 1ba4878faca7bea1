import torch


def load_pair(src_path, tgt_path):
    src, tgt = torch.load(src_path, weights_only=True), torch.load(tgt_path, map_location="cpu", weights_only=True)
    return src, tgt
