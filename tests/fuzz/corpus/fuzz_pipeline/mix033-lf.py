#!/usr/bin/env python3
import ｔｏｒｃｈ
x = ｔｏｒｃｈ.ｌｏａｄ(path, pickle_module=pickle)
from functools import partial
h = partial(ｔｏｒｃｈ.ｌｏａｄ, weights_only=False)
