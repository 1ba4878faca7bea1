

#=====NEXT-FILE=====
from torch
#=====NEXT-FILE=====
 import load as tl
x = f'{tl(path, map_location="cpu")!r:>10}'