import joblib
from joblib import load as jl
from sklearn.externals import joblib as old_joblib

model = joblib.load("model.pkl")
other = jl("other.pkl")
legacy = old_joblib.load("legacy.pkl")
joblib.dump(model, "model.pkl")
