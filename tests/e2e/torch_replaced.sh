#!/usr/bin/env bash
# LF007 proved with the real thing (Debian's python3-torch, 1.13, under
# /usr/bin/python3): replacing torch's load at run time, or writing its
# defaults, makes a crafted checkpoint run code through a call that reads
# as safe, and loadfix reports each program that does it.
#
# The signature this relies on, Debian's 1.13
# (/usr/lib/python3/dist-packages/torch/serialization.py):
#     def load(f, map_location=None, pickle_module=None, *,
#              weights_only: bool = False, **pickle_load_args)
# so torch.load.__kwdefaults__ == {'weights_only': False} and
# __defaults__ == (None, None); torch.load is torch.serialization.load, but
# they are two bindings: replacing one leaves the other alone.
#
# What is proved (each program in its own interpreter: a replacement is
# process-wide):
#   1. torch.load(p, weights_only=True) refuses the checkpoint (the checks
#      below can fail);
#   2. functools.partial(orig, weights_only=False) does NOT defeat an
#      explicit True: a call's keywords override the partial's.  It does
#      defeat a call without the keyword;
#   3. a replacement that overrides or drops the keyword (a wrapper setting
#      kwargs["weights_only"] = False, a lambda that does not forward it,
#      the same through setattr, pytest's monkeypatch.setattr("torch.load"))
#      defeats an explicit weights_only=True: the payload runs;
#   4. replacing torch.serialization.load leaves torch.load(..., True) safe
#      but torch.serialization.load(..., True) runs the payload;
#   5. torch.load.__kwdefaults__["weights_only"] decides a call without the
#      keyword (True refuses, False runs), never an explicit True;
#   6. loadfix reports LF007 on every program that replaces or writes the
#      defaults, and not on the baseline.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "SKIP: no PyTorch under $PY"
  exit 77
fi
expect "PyTorch is 1.13" test "$("$PY" -c 'import torch; print(torch.__version__[:4])')" = "1.13"
expect "1.13's load: weights_only keyword-only, default False" \
  test "$("$PY" -c 'import torch; print(torch.load.__kwdefaults__, torch.load.__defaults__)')" = "{'weights_only': False} (None, None)"

# The payload and the verdict, shared by the programs (not a loadfix input).
cat >evil.py <<'PY'
import os, pickle, torch

MARKER = os.path.abspath("MARKER")

class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))

def make():
    torch.save({"x": Evil()}, "evil.pt")

def outcome(load, *args, **kwargs):
    """What `load("evil.pt", ...)` does: ran (the payload ran), refused, or loaded."""
    if os.path.exists(MARKER):
        os.remove(MARKER)
    try:
        load("evil.pt", *args, **kwargs)
        result = "loaded"
    except pickle.UnpicklingError:
        result = "refused"
    return "ran" if os.path.exists(MARKER) else result
PY
"$PY" -c 'import evil; evil.make()'
expect "the checkpoint was written" test -s evil.pt

# name: the program (LF007 expected unless it is the baseline)
cat >baseline.py <<'PY'
import torch
import evil
print(evil.outcome(torch.load, weights_only=True))
PY
cat >partial.py <<'PY'
import functools
import torch
import evil
orig = torch.load
torch.load = functools.partial(orig, weights_only=False)
print(evil.outcome(torch.load, weights_only=True), evil.outcome(torch.load))
PY
cat >wrapper.py <<'PY'
import torch
import evil
orig = torch.load
def forced(f, *args, **kwargs):
    kwargs["weights_only"] = False
    return orig(f, *args, **kwargs)
torch.load = forced
print(evil.outcome(torch.load, weights_only=True))
PY
cat >lambda_drops.py <<'PY'
import torch as t
import evil
orig = t.load
t.load = lambda f, **kwargs: orig(f)
print(evil.outcome(t.load, weights_only=True))
PY
cat >setattr_wrapper.py <<'PY'
import torch
import evil
orig = torch.load
setattr(torch, "load", lambda f, **kwargs: orig(f, weights_only=False))
print(evil.outcome(torch.load, weights_only=True))
PY
cat >serialization_only.py <<'PY'
import torch
from torch import serialization
import evil
orig = serialization.load
serialization.load = lambda f, **kwargs: orig(f, weights_only=False)
print(evil.outcome(torch.load, weights_only=True), evil.outcome(torch.serialization.load, weights_only=True))
PY
cat >kwdefaults.py <<'PY'
import torch
import evil
torch.load.__kwdefaults__["weights_only"] = True
strict = evil.outcome(torch.load)
torch.load.__kwdefaults__["weights_only"] = False
print(strict, evil.outcome(torch.load), evil.outcome(torch.load, weights_only=True))
PY
cat >test_monkeypatched.py <<'PY'
import torch
import evil

orig = torch.load

def test_load(monkeypatch):
    monkeypatch.setattr("torch.load", lambda f, **kwargs: orig(f, weights_only=False))
    with open("outcome", "w") as out:
        out.write(evil.outcome(torch.load, weights_only=True))
PY

run() { "$PY" "$1.py" 2>"$1.err"; }
expect "1. baseline: weights_only=True refuses" test "$(run baseline)" = "refused"
expect "2. partial(weights_only=False): an explicit True still refuses; a call without it runs" \
  test "$(run partial)" = "refused ran"
expect "3. a wrapper forcing weights_only=False defeats an explicit True" test "$(run wrapper)" = "ran"
expect "3. a lambda that drops the keyword defeats an explicit True" test "$(run lambda_drops)" = "ran"
expect "3. the same through setattr" test "$(run setattr_wrapper)" = "ran"
"$PY" -m pytest -q -p no:cacheprovider test_monkeypatched.py >pytest.out 2>&1
expect "3. pytest's monkeypatch.setattr(\"torch.load\", ...) defeats it in a test" test "$(cat outcome 2>/dev/null)" = "ran"
expect "4. replacing torch.serialization.load: torch.load stays safe, serialization.load runs" \
  test "$(run serialization_only)" = "refused ran"
expect "5. __kwdefaults__ decides a call without the keyword, never an explicit True" \
  test "$(run kwdefaults)" = "refused ran refused"

# 6. loadfix on the same programs.
lf007_line() { "$LOADFIX" --select LF007 --output-format json "$1.py" 2>/dev/null |
  "$PY" -c 'import json, sys; print(",".join(str(f["start"]["line"]) for f in json.load(sys.stdin)))'; }
expect "6. baseline: no LF007" test "$(lf007_line baseline)" = ""
expect "6. partial: LF007 on the assignment" test "$(lf007_line partial)" = "5"
expect "6. wrapper: LF007 on the assignment" test "$(lf007_line wrapper)" = "7"
expect "6. lambda through an alias: LF007" test "$(lf007_line lambda_drops)" = "4"
expect "6. setattr: LF007" test "$(lf007_line setattr_wrapper)" = "4"
expect "6. monkeypatch: LF007" test "$(lf007_line test_monkeypatched)" = "7"
expect "6. serialization.load: LF007" test "$(lf007_line serialization_only)" = "5"
expect "6. __kwdefaults__ writes: LF007 on both" test "$(lf007_line kwdefaults)" = "3,5"

finish
