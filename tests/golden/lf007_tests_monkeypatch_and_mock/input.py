from unittest import mock
from unittest.mock import patch

import torch

_original_load = torch.load


def _load_anything(f, *args, **kwargs):
    return _original_load(f, weights_only=False)


def test_monkeypatch_object(monkeypatch):
    monkeypatch.setattr(torch, "load", _load_anything)


def test_monkeypatch_string(monkeypatch):
    monkeypatch.setattr("torch.load", _load_anything)
    monkeypatch.setattr("torch.serialization.load", _load_anything)


def test_mock_patch():
    with mock.patch("torch.load", _load_anything):
        pass
    with patch("torch.load", side_effect=_load_anything):
        pass
    with mock.patch.object(torch, "load", new=_load_anything):
        pass


@patch("torch.load", new=_load_anything)
def test_decorated():
    pass


# A bare MagicMock loads nothing at all: not reported.
def test_mock_without_replacement():
    with mock.patch("torch.load") as fake:
        fake.return_value = {}
