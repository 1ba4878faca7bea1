import torch
import torch.nn as nn
import torchvision
from torchvision import models


class Encoder(nn.Module):
    def forward(self, x):
        return x


class Classifier(Encoder):
    pass


def save_classifier():
    model = Classifier()
    torch.save(model, "classifier.pt")


def load_classifier():
    return torch.load("classifier.pt", map_location="cpu")


def save_head(path):
    head = nn.Sequential(nn.Linear(4, 2), nn.ReLU()).to("cpu")
    torch.save(head, path)


def load_head(path):
    return torch.load(path)


def save_backbone():
    torch.save(models.resnet18(), "backbone.pt")
    torch.save(torchvision.models.detection.fasterrcnn_resnet50_fpn(), "detector.pt")


def load_backbone():
    return torch.load("backbone.pt"), torch.load("detector.pt")


def load_unrelated():
    # nothing in this file saves to this path: the fix stays safe
    return torch.load("weights.pt")
