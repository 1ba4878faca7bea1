import torch

# modèle pré-entraîné
état = torch.load("poids/modèle_été.pt", weights_only=True)  # récupéré
