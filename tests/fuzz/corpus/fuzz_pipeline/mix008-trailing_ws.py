
import torch  
x = torch.serialization.load(path  # why  
      )  
x = f"{torch.serialization.load(path)}"  
