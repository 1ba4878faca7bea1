import yaml

# safe_load takes no Loader: a splat blocks the rename (the call may be safe already).
a = yaml.load(stream, **{"Loader": yaml.SafeLoader})
b = yaml.load(stream, *loader_args)
c = yaml.unsafe_load(stream, **kw)
