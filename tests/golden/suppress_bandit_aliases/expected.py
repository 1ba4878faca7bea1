import pickle
import numpy as np
import yaml

a = pickle.loads(data)  # nosec B301
b = pickle.loads(data)  # nosec B614
c = yaml.load(s, Loader=yaml.FullLoader)  # nosec B506
d = np.load(p, allow_pickle=True)  # noqa: LF103
e = np.load(p, allow_pickle=True)  # noqa: LF101
f = pickle.load(
    fh,
)  # noqa: LF101
