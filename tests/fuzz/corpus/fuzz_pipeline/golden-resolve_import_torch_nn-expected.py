import torch.nn


class Head(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(512, 10)


def build(path):
    head = Head()
    head.load_state_dict(torch.load(path, weights_only=True))
    return head
