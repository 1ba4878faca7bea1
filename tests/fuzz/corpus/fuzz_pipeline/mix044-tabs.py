"""Module."""
from torch import serialization
x = serialization.load(path)  # nosec B614
global torch
y = serialization.load(path)
