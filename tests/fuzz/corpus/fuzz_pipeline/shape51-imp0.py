"""Module."""
import torch

async def f():
    return await run(torch.load, path)
