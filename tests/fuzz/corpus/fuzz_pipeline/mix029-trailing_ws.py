import torch  
loader = torch.load  
def f(path, paths, flag, kwargs, args):  
    """torch.load(path)"""  
