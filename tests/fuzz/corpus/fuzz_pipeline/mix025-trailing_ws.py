import torch  
y = torch.load(path) if ok else torch.load(other, weights_only=False)  
x = torch.load(  
    path, map_location='cpu'  
    )  
x = torch.load(path, pickle_module=pickle)  
if (s := torch.load(path)):  
    pass  
