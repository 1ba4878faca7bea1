import json
import pickle

import numpy as np
import torch
import yaml

traced = torch.jit.load("traced.pt")
backbone = torch.hub.load("pytorch/vision", "resnet18", pretrained=True)
with open("config.json") as f:
    cfg = json.load(f)
with open("vocab.pkl", "rb") as f:
    vocab = pickle.load(f)
embeddings = np.load("embeddings.npy")
with open("hparams.yaml") as f:
    hparams = yaml.load(f, Loader=yaml.SafeLoader)
