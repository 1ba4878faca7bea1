import torch


def evaluate(path, batch):
    model = torch.load(path, map_location="cpu")
    model.eval()
    return model(batch)


def predict(path, batch):
    return torch.load(path)(batch)


def chained(path):
    return torch.load(path).eval()


class Runner:
    def restore(self, path):
        self.net = torch.load(path)
        for p in self.net.parameters():
            p.requires_grad = False


def from_dict(path):
    ckpt = torch.load(path)
    ckpt["model"].train()


def tensor(path, device):
    # a tensor has .to() too, and weights_only loads tensors: stays safe
    features = torch.load(path, weights_only=True).to(device)
    return features.sum()


def rebound(path, build):
    # the name is rebound before .eval(): the loaded value is not the module
    model = torch.load(path, weights_only=True)
    model = build(model)
    model.eval()
