#!/usr/bin/env python3
import torch.nn
def f(path, paths, flag, kwargs, args):
    x = torch.load(path, weights_only=False, pickle_module=dill)
    async def f():
        return await run(torch.load, path)
