#!/usr/bin/env bash
# Star imports across the project: `from pkg.utils import *` binds what
# pkg/utils.py binds at module level when that file is part of the run;
# relative imports, cycles, modules outside the tree, and the fix.
source "$(dirname "$0")/lib.sh"

mkdir -p proj/pkg/sub && cd proj
: >pkg/__init__.py
cat >pkg/utils.py <<'PY'
import torch
from pickle import loads
import numpy as np
_private = loads
loader = torch.load
PY
cat >pkg/sub/main.py <<'PY'
from pkg.utils import *
state = torch.load("ckpt.pt", weights_only=False)
obj = loads(blob)
arr = np.load("a.npy", allow_pickle=True)
x = loader("m.pt")
y = _private(blob)
PY
cat >pkg/sub/only.py <<'PY'
from pkg.utils import *
obj = loads(blob)
PY
cat >pkg/sub/rel.py <<'PY'
from ..utils import *
z = torch.load("r.pt")
PY
cat >pkg/a.py <<'PY'
from pkg.b import *
import torch
PY
cat >pkg/b.py <<'PY'
from pkg.a import *
PY
cat >app.py <<'PY'
from outside.mod import *
from pkg.a import *
torch.load("x.pt")
PY
cat >plain.py <<'PY'
from somewhere import *
torch.load("y.pt")
PY

expect_status "star imports resolve across the tree" 1 "$LOADFIX" .
want='app.py:3:1: LF001
pkg/sub/main.py:2:31: LF002
pkg/sub/main.py:3:7: LF101
pkg/sub/main.py:4:24: LF103
pkg/sub/main.py:5:5: LF001
pkg/sub/only.py:2:7: LF101
pkg/sub/rel.py:2:5: LF001
pkg/utils.py:5:10: LF004'
got=$(printf '%s\n' "$OUT" | grep ': LF' | cut -d' ' -f1-2)
expect "exactly the findings the star imports bind (got: $got)" test "$got" = "$want"
expect "an underscore name is not exported" eval '! contains "$OUT" "main.py:6:"'
expect "a file reaching a loader only through a star import is parsed" contains "$OUT" "pkg/sub/only.py:2:7: LF101"
expect "a module outside the tree binds nothing" eval '! contains "$OUT" "plain.py"'
expect "the cycle pkg.a <-> pkg.b ends: a's torch reaches app.py" contains "$OUT" "app.py:3:1: LF001"

expect_status "a file checked alone does not see the others" 0 "$LOADFIX" pkg/sub/rel.py
expect_status "two files: the module is in the run" 1 "$LOADFIX" pkg/sub/rel.py pkg/utils.py
expect "rel.py found with utils.py named" contains "$OUT" "pkg/sub/rel.py:2:5: LF001"

expect_status "--fix through a star import" 1 "$LOADFIX" --fix .
expect "the fix is applied in rel.py" grep -q 'torch.load("r.pt", weights_only=True)' pkg/sub/rel.py
expect "and in app.py" grep -q 'torch.load("x.pt", weights_only=True)' app.py
expect "plain.py untouched" grep -q '^torch.load("y.pt")$' plain.py

finish
