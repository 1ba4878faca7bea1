import yaml

# safe_load takes no Loader: a splat into load/load_all blocks the rename (the call
# may be safe already); unsafe_load takes the stream alone, as safe_load does.
a = yaml.load(stream, **{"Loader": yaml.SafeLoader})
b = yaml.load(stream, *loader_args)
c = yaml.unsafe_load(stream, **kw)
