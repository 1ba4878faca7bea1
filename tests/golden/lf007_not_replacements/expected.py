import torch


class Store:
    load = None


store = Store()
store.load = print          # another object's load
setattr(store, "load", print)
Store.load = staticmethod(print)


def shadowed(torch):
    torch.load = print      # a parameter named torch, not the module


def local_torch():
    torch = Store()         # a local named torch, not the module
    torch.load = print
    setattr(torch, "load", print)


def own_setattr():
    def setattr(obj, name, value):
        return None

    setattr(torch, "load", print)


torch.save({}, "weights.pt")  # other attributes of torch are not replaced
torch.manual_seed = print
state = torch.load("weights.pt", weights_only=True)
