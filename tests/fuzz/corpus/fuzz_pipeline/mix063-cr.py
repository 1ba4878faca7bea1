
import torchdef load(p):    return py = load(path)x = torch.load(p for p in paths)x = torch.load(path)  # noqa: E501class C:    def m(self):        return torch.load(self.path)