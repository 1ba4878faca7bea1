import pickle
import pickle as pkl
import _pickle
import dill
import cloudpickle
import jsonpickle
import shelve
import pandas as pd
from pickle import loads as pl
import json

a = pickle.load(f)
b = pkl.loads(data)
c = pickle.Unpickler(f).load()
d = _pickle.loads(data)
e = dill.load(f)
g = cloudpickle.loads(data)
h = jsonpickle.decode(text)
i = shelve.open("db")
j = pd.read_pickle("frame.pkl")
k = pl(data)
# never flagged: dumping, json, a method called load
pickle.dumps(obj)
json.loads(text)
self.load(f)


def shadowed(pickle):
    return pickle.load(f)
