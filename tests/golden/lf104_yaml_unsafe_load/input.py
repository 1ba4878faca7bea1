import yaml
from yaml import load as yload, FullLoader
from ruamel.yaml import YAML

a = yaml.load(stream)
b = yaml.load(stream, Loader=yaml.FullLoader)
c = yaml.load(stream, yaml.Loader)
d = yaml.load(stream, Loader=yaml.CLoader)
e = yaml.unsafe_load(stream)
f = yaml.full_load(stream)
g = yaml.load_all(stream, Loader=yaml.UnsafeLoader)
h = yload(stream, Loader=FullLoader)
i = yaml.load(stream, Loader=MyLoader)
# safe
j = yaml.load(stream, Loader=yaml.SafeLoader)
k = yaml.load(stream, Loader=yaml.CSafeLoader)
l = yaml.load(stream, Loader=yaml.BaseLoader)
m = yaml.safe_load(stream)
n = YAML().load(stream)
