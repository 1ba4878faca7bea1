import torch as th

async def f():
    return await run(th.load, path)
