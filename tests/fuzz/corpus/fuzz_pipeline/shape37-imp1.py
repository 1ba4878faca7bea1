
import torch as th

pool.map(th.load, paths)
