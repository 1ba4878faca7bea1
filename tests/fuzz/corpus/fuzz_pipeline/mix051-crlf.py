from torch import serialization
class C:
    def m(self):
        return serialization.load(self.path)
