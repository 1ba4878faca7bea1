import torch


def evaluate(model, state=torch.load("best.pt", map_location="cpu")):
    model.load_state_dict(state)
    return model
