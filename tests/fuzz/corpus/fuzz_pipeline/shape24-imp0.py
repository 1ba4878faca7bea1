import torch

x = torch.load(path,  # the file
      # and where
      map_location='cpu')
