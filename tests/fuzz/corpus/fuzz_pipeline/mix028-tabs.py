#!/usr/bin/env python3
import torch
x = torch.load(path)  # noqa: E501
def f(torch):
	return torch.load(path)
