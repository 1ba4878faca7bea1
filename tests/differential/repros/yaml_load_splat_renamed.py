# yaml.load(stream, Loader) given its Loader through **kwargs (or *args):
# LF104 takes the call for one "without a safe Loader" and its unsafe fix
# renames it to yaml.safe_load, which takes only the stream, so the fixed
# call raises TypeError: safe_load() got an unexpected keyword argument
# 'Loader' -- here on a call that was already safe (SafeLoader).  A splat
# should block the rename, as it blocks LF001's insertion.
import yaml

OPTIONS = {"Loader": yaml.SafeLoader}
ARGS = (yaml.SafeLoader,)

config = yaml.load("a: 1", **OPTIONS)
docs = list(yaml.load_all("a: 1", *ARGS))
print(config, docs)
