
 Ž#
f'import torch as th
th.load()