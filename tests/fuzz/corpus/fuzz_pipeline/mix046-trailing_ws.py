#!/usr/bin/env python3
import torch.nn  
y = torch.load(  
    path,  
    map_location='cpu',  # noqa: LF001  
)  
y = torch.load(  
	path,  
	map_location='cpu',  
)  
x = torch.load(*args)  
