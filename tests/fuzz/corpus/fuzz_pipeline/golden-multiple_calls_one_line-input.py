import torch


def load_pair(src_path, tgt_path):
    src, tgt = torch.load(src_path), torch.load(tgt_path, map_location="cpu")
    return src, tgt
