import torch
y = (torch.load)(path)
y = torch.load(
    path,
    map_location='cpu',  # noqa: LF001
)
model.load_state_dict(torch.load(path)['model'])