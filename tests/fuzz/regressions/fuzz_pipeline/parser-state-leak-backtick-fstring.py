import torch
loader=torch.load
class r:
  def
 loader(nl)F`l