#!/usr/bin/env bash
# Project wrappers of torch.load across modules (README, "Wrappers"): a
# call of a function that forwards weights_only to torch.load is LF002 /
# LF003 at the call; imports by name, by module, relative; a wrapper of a
# wrapper in another module; the negative cases; and the proof with real
# PyTorch (Debian's 1.13 under /usr/bin/python3) that the fix closes the
# hole: a crafted checkpoint loaded through a real wrapper with
# weights_only=False runs its payload, and after `loadfix --fix
# --unsafe-fixes` the same program refuses it.
source "$(dirname "$0")/lib.sh"

mkdir -p proj/pkg/sub && cd proj
: >pkg/__init__.py
: >pkg/sub/__init__.py
cat >pkg/io.py <<'PY'
import torch


def load(path, map_location=None, weights_only=True):
    return torch.load(path, map_location=map_location, weights_only=weights_only)


def load_any(path, **kwargs):
    return torch.load(path, **kwargs)


def load_ignoring(path, weights_only=False):
    return torch.load(path, weights_only=True)
PY
cat >pkg/helpers.py <<'PY'
from pkg.io import load_any


def restore(path, **options):
    return load_any(path, **options)
PY
cat >unrelated.py <<'PY'
def load(path, weights_only=True):
    with open(path, "rb") as f:
        return f.read()
PY
# No torch in these: only the wrappers reach it.
cat >pkg/sub/by_name.py <<'PY'
from pkg.io import load, load_ignoring

a = load("a.pt", weights_only=False)
b = load("b.pt", weights_only=True)
c = load_ignoring("c.pt", weights_only=False)
d = load("d.pt")
PY
cat >pkg/sub/by_module.py <<'PY'
import pkg.io
import pkg.io as pio
from pkg import io

e = pkg.io.load("e.pt", weights_only=False)
f = pio.load_any("f.pt", weights_only=flag)
g = io.load("g.pt", weights_only=False)
PY
cat >pkg/sub/relative.py <<'PY'
from ..io import load_any
from .. import helpers

h = load_any("h.pt", weights_only=False)
i = helpers.restore("i.pt", weights_only=False)
PY
cat >other.py <<'PY'
from unrelated import load

j = load("j.pt", weights_only=False)
PY

expect_status "wrapper calls are reported across modules" 1 "$LOADFIX" .
want='pkg/io.py:5:56: LF003
pkg/io.py:9:12: LF001
pkg/sub/by_module.py:5:25: LF002
pkg/sub/by_module.py:6:26: LF003
pkg/sub/by_module.py:7:21: LF002
pkg/sub/by_name.py:3:18: LF002
pkg/sub/relative.py:4:22: LF002
pkg/sub/relative.py:5:29: LF002'
got=$(printf '%s\n' "$OUT" | grep ': LF' | cut -d' ' -f1-2)
expect "exactly the wrapper findings (got: $got)" test "$got" = "$want"
expect "the message names the wrapper and where it forwards" \
  contains "$OUT" 'pkg/sub/by_name.py:3:18: LF002 `weights_only=False` lets a crafted checkpoint run code; `io.load` forwards `weights_only` to `torch.load` (pkg/io.py:5)'
expect "a wrapper of a wrapper names the one it goes through" \
  contains "$OUT" '`helpers.restore` forwards `weights_only` to `torch.load` (pkg/io.py:9, through `io.load_any`)'
expect "a same-named function of an unrelated module is no wrapper" eval '! contains "$OUT" "other.py"'
expect "a function ignoring its parameter is no wrapper" eval '! contains "$OUT" "by_name.py:5:"'
expect "weights_only=True through a wrapper is fine" eval '! contains "$OUT" "by_name.py:4:"'

expect_status "the same with one thread" 1 "$LOADFIX" -j 1 .
one=$OUT
expect_status "and with two" 1 "$LOADFIX" -j 2 .
expect "output does not depend on -j" test "$one" = "$OUT"

expect_status "--statistics" 1 "$LOADFIX" --statistics .
expect "counts the modules parsed for their wrappers" contains "$OUT" "modules parsed for star imports or wrappers"

expect_status "a file checked alone does not see the other modules" 0 "$LOADFIX" pkg/sub/by_name.py
expect_status "JSON carries the wrapper finding" 1 "$LOADFIX" --output-format json pkg/sub/by_name.py pkg/io.py
expect "the JSON message names the wrapper" contains "$OUT" 'io.load` forwards `weights_only`'
expect_status "--select LF001 drops the wrapper findings" 1 "$LOADFIX" --select LF001 .
expect "no LF002 under --select LF001" eval '! contains "$OUT" "LF002"'

expect_status "--fix alone leaves the unsafe wrapper fixes" 1 "$LOADFIX" --fix .
expect "by_name.py untouched by --fix" grep -q '^a = load("a.pt", weights_only=False)$' pkg/sub/by_name.py
expect_status "--fix --unsafe-fixes" 1 "$LOADFIX" --fix --unsafe-fixes .
expect "the call through the wrapper is fixed" grep -q '^a = load("a.pt", weights_only=True)$' pkg/sub/by_name.py
expect "through the module attribute too" grep -q '^e = pkg.io.load("e.pt", weights_only=True)$' pkg/sub/by_module.py
expect "and through a wrapper of a wrapper" grep -q '^i = helpers.restore("i.pt", weights_only=True)$' pkg/sub/relative.py
expect "the non-literal value is left alone" grep -q 'weights_only=flag)$' pkg/sub/by_module.py
expect "the unrelated module's caller is untouched" grep -q '^j = load("j.pt", weights_only=False)$' other.py
expect "the ignoring wrapper's caller is untouched" grep -q '^c = load_ignoring("c.pt", weights_only=False)$' pkg/sub/by_name.py

# ---- a notebook: a wrapper defined in one cell, called in another -----------
cd "$WORK" && mkdir nb && cd nb
cat >train.ipynb <<'NB'
{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
 "cells": [
  {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
   "source": ["import torch\n", "def load(p, weights_only=True):\n", "    return torch.load(p, weights_only=weights_only)\n"]},
  {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
   "source": ["x = load('a.pt', weights_only=False)\n"]}]}
NB
expect_status "a notebook's wrapper call is reported" 1 "$LOADFIX" train.ipynb
expect "in the cell that calls it, naming the wrapper" \
  contains "$OUT" 'train.ipynb:cell 2:1:18: LF002 `weights_only=False` lets a crafted checkpoint run code; `train.load` forwards'
expect_status "and fixed with --unsafe-fixes" 1 "$LOADFIX" --fix --unsafe-fixes train.ipynb
expect "the cell now passes True" grep -q "x = load('a.pt', weights_only=True)" train.ipynb

# ---- the proof with real PyTorch --------------------------------------------
cd "$WORK" && mkdir app && cd app
PY=/usr/bin/python3
unset TORCH_FORCE_WEIGHTS_ONLY_LOAD
export PYTHONDONTWRITEBYTECODE=1
expect "Debian's PyTorch is importable" "$PY" -c 'import torch'
cat >checkpoints.py <<'PY'
import torch


def load_checkpoint(path, weights_only=True):
    return torch.load(path, map_location="cpu", weights_only=weights_only)
PY
cat >resume.py <<'PY'
import sys

from checkpoints import load_checkpoint

state = load_checkpoint(sys.argv[1], weights_only=False)
print("loaded", sorted(state) if isinstance(state, dict) else type(state).__name__)
PY
"$PY" - "$WORK/PWNED" <<'PY'
import os, shlex, sys
import torch

class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + shlex.quote(sys.argv[1]),))

torch.save({"model": Evil()}, "evil.pt")
torch.save({"weight": torch.zeros(2)}, "benign.pt")
PY
expect "the checkpoints were made" test -f evil.pt -a -f benign.pt

rm -f "$WORK/PWNED"
timeout 120 "$PY" resume.py evil.pt >/dev/null 2>&1
expect "before the fix, the wrapper runs the payload" test -f "$WORK/PWNED"
rm -f "$WORK/PWNED"

expect_status "loadfix reports the wrapper call" 1 "$LOADFIX" .
expect "as LF002 at the call" contains "$OUT" 'resume.py:5:38: LF002'
expect_status "loadfix --fix --unsafe-fixes" 1 "$LOADFIX" --fix --unsafe-fixes .
expect "the call now passes True" grep -q 'load_checkpoint(sys.argv\[1\], weights_only=True)' resume.py

timeout 120 "$PY" resume.py evil.pt >/dev/null 2>"$WORK/err"
status=$?
expect "after the fix, the program refuses the checkpoint (exit $status)" test "$status" -ne 0
expect "with UnpicklingError" grep -q UnpicklingError "$WORK/err"
expect "and the payload did not run" test ! -e "$WORK/PWNED"
expect_status "a benign state_dict still loads" 0 timeout 120 "$PY" resume.py benign.pt
expect "it printed its keys" contains "$OUT" "loaded ['weight']"

finish
