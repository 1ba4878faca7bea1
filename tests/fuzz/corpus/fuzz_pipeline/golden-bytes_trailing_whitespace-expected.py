import torch   
  
state = torch.load("a.pt", weights_only=True)   
	
optim = torch.load(
    "b.pt",
    map_location="cpu",    
    weights_only=True
)
