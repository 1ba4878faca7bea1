import os
import os as o
from os import environ, putenv

# Each of these switches PyTorch's escape hatch on (a value its test takes for true).
os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
o.environ['TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'] = "True"
environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "yes"
first = os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "y"
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
environ.update({"OMP_NUM_THREADS": "4", "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"})
o.environ.update(TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1")
os.putenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
putenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "TRUE")


def configure():
    env = os.environ
    env["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
