import torch

state = torch.load("checkpoints/a_rather_long_experiment_name/epoch_0100.pt")  # noqa: E501
