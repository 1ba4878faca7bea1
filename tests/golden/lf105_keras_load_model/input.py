import keras
import tensorflow as tf
from keras.models import load_model

a = keras.models.load_model("model.keras", safe_mode=False)
b = tf.keras.models.load_model("legacy.h5")
c = load_model("old.HDF5")
d = keras.saving.load_model("m.keras", None, True, False)
# safe
e = keras.models.load_model("model.keras")
f = load_model(path)
