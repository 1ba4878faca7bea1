import torch

"""torch.load(path)"""
