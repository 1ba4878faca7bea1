import torch
DOC = """onetwo"""
state = torch.load("ckpt.pt")
