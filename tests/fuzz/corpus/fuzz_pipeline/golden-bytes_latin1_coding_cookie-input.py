# -*- coding: latin-1 -*-
# Modèle pré-entraîné
import torch

state = torch.load("modele.pt")  # chargé sur CPU
