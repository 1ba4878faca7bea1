#!/usr/bin/en th

"""torch.load(path)"""
