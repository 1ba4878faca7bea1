"""Module."""
# -*- coding: latin-1 -*-
# caf�
import ｔｏｒｃｈ
x = ｔｏｒｃｈ.ｌｏａｄ(\
    path)
class C:
    def m(self):
        return ｔｏｒｃｈ.ｌｏａｄ(self.path)
s = 'torch.load(path)'  # torch.load(x)
x = ｔｏｒｃｈ.ｌｏａｄ(path, \
      map_location='cpu')
