"""Module."""
import torch as th  
x = th.load(path,)  
y = th.load(  
    path,  
    map_location='cpu',  # noqa: LF001  
)  
