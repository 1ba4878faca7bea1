import numpy as np
import torch


def save_stats(features, path):
    torch.save({"mean": np.mean(features, axis=0), "count": len(features)}, path)
    torch.save({"embedding": features.detach().cpu().numpy()}, "embedding.pt")
    torch.save({"embedding": features.detach().cpu().tolist()}, "embedding-list.pt")


def load_stats(path):
    stats = torch.load(path)
    embedding = torch.load("embedding.pt")
    as_list = torch.load("embedding-list.pt")
    return stats, embedding, as_list
