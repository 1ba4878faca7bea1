# The new rules look only at calls: a reference that binds the dangerous
# argument is not reported, although calling it unpickles (checked with
# Debian's numpy 1.24: loader(path) loads an object array, running its
# pickle) or constructs arbitrary objects.  For torch.load, LF004 reports
# such references and fixes functools.partial; nothing does here.  Not
# caught by ast_diff.py either: its loader check, like the rules, sees calls.
import functools

import numpy as np
import yaml

loader = functools.partial(np.load, allow_pickle=True)
yaml_loader = functools.partial(yaml.load, Loader=yaml.UnsafeLoader)
