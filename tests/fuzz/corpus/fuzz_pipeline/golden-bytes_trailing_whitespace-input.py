import torch   
  
state = torch.load("a.pt")   
	
optim = torch.load(
    "b.pt",
    map_location="cpu"    
)
