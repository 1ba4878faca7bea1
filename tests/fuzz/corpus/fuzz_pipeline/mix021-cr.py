
from torch import *def f(path=load('x')):    passx = load(path,  # the file      # and where      map_location='cpu')x = load(path)  # noqa: E501x = load(path, pickle_module=pickle)