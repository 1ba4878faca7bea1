#!/usr/bin/env bash
# End-to-end proof, with the REAL libraries and REAL payloads (no mocks),
# for loadfix's rules beyond torch (LF101-LF104, LF106).
#
#   tests/e2e/loader_payloads.sh /path/to/loadfix
#
# For each library a small program loads a file through the unsafe call,
# and a crafted file makes that load run `touch MARKER`:
#   BEFORE   the program run on the crafted file creates the marker (so the
#            checks below can fail);
#   REPORT   `loadfix` on the program exits 1 with exactly one finding, on
#            the unsafe call's line, with the expected rule code;
#   LF101/LF102 (report only): `loadfix --fix --unsafe-fixes` leaves the
#            program byte for byte unchanged;
#   LF103/LF104 (unsafe fixes): after `loadfix --fix --unsafe-fixes` the call
#            reads as expected, the program refuses the crafted file (an
#            exception, non-zero exit, no marker) and still loads a benign
#            file of the same kind correctly.
# LF106 is checked on text only (see there).
#
# Prints PASS:/FAIL: per check and a final `N passed, M failed`; exits 1 on
# any failure.  A library that cannot be imported is a FAIL naming its
# Debian package, never a skip.  Needs /usr/bin/python3 with python3-numpy,
# python3-yaml, python3-pandas, python3-joblib, python3-dill,
# python3-cloudpickle, python3-jsonpickle (scripts/bootstrap --tests).
set -euo pipefail

PY=/usr/bin/python3   # Debian's interpreter: the one the packages are for
TIMEOUT=60            # seconds per command; a hang counts as a failure

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
die()  { echo "FAIL: $*"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
info() { sed 's/^/    | /'; }   # indent captured output under a check

[ $# -eq 1 ] || die "usage: $0 /path/to/loadfix"
LOADFIX=$1
[ -x "$LOADFIX" ] || die "loadfix binary not executable: $LOADFIX"
LOADFIX=$(cd "$(dirname "$LOADFIX")" && pwd)/$(basename "$LOADFIX")   # we cd below
[ -x "$PY" ] || die "$PY not found: install python3"

export PYTHONDONTWRITEBYTECODE=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# ---------------------------------------------------------------- helpers

# run ARGS...: run a Python program in $work; sets $rc, leaves out/err.
run() {
  rc=0
  timeout "$TIMEOUT" "$PY" "$@" >"$work/out" 2>"$work/err" || rc=$?
}

# have MODULE DEBIAN_PACKAGE: whether the library imports; a FAIL if not.
have() {
  local version
  # the standard library's modules have no __version__: name Python's
  if version=$("$PY" -c "import sys, $1; print(getattr($1, '__version__', 'of Python ' + sys.version.split()[0]))" 2>/dev/null); then
    echo "using $1 $version"
    return 0
  fi
  fail "$1: $PY cannot import it; install it: apt-get install $2"
  return 1
}

# make_payload KIND MARKER OUT: write a crafted file whose load runs
# `touch MARKER` (see gen.py below).
make_payload() {
  local out
  if ! out=$(timeout "$TIMEOUT" "$PY" "$work/gen.py" "$@" 2>&1); then
    fail "$1: could not build the crafted file"; echo "$out" | info
    return 1
  fi
  if [ -e "$2" ]; then
    fail "$1: building the crafted file already ran the payload"; rm -f "$2"
    return 1
  fi
}

# before LABEL PROG PAYLOAD MARKER: the unfixed program runs the payload.
before() {
  rm -f "$4"
  run "$2" "$3"
  if [ -e "$4" ]; then
    pass "$1: before the fix, loading the crafted file runs the payload (marker created)"
  else
    fail "$1: before the fix, the crafted file did not run the payload; the other checks prove nothing (rc=$rc)"
    tail -n 5 "$work/err" | info
  fi
  rm -f "$4"
}

# report LABEL CODE PROG NEEDLE: `loadfix -q PROG` exits 1 with exactly one
# finding, CODE, on the (only) line of PROG that contains NEEDLE.
report() {
  local label=$1 code=$2 prog=$3 needle=$4 line lrc=0
  line=$(grep -nF -- "$needle" "$prog" | cut -d: -f1) || true
  if [ "$(printf '%s\n' "$line" | wc -l)" -ne 1 ] || [ -z "$line" ]; then
    fail "$label: test bug: '$needle' is not on exactly one line of $prog"; return
  fi
  # run where the program is, so the report names it without directories
  (cd "$(dirname "$prog")" && "$LOADFIX" -q "$(basename "$prog")") \
    >"$work/report" 2>"$work/report.err" || lrc=$?
  if [ "$lrc" -eq 1 ] && [ "$(wc -l <"$work/report")" -eq 1 ] &&
     grep -Eq "^$(basename "$prog"):$line:[0-9]+: $code " "$work/report"; then
    pass "$label: loadfix reports $code on line $line and exits 1"
  else
    fail "$label: loadfix should report exactly one $code on line $line and exit 1 (exit $lrc)"
    info <"$work/report"; info <"$work/report.err"
  fi
}

# unchanged LABEL PROG: report-only rules; --fix --unsafe-fixes keeps PROG.
unchanged() {
  local label=$1 prog=$2 lrc=0
  cp "$prog" "$work/orig.py"
  "$LOADFIX" -q --fix --unsafe-fixes "$prog" >"$work/fix.out" 2>&1 || lrc=$?
  if [ "$lrc" -eq 1 ] && cmp -s "$work/orig.py" "$prog"; then
    pass "$label: --fix --unsafe-fixes leaves the program byte for byte unchanged (report only, exit 1)"
  else
    fail "$label: --fix --unsafe-fixes changed the program or did not exit 1 (exit $lrc)"
    diff "$work/orig.py" "$prog" | info || true
    info <"$work/fix.out"
  fi
}

# fixed LABEL PROG NEEDLE EXPECTED_LINE: --fix --unsafe-fixes rewrites the
# line holding NEEDLE into EXPECTED_LINE and changes nothing else.
fixed() {
  local label=$1 prog=$2 needle=$3 want=$4 line lrc=0
  line=$(grep -nF -- "$needle" "$prog" | cut -d: -f1) || true
  cp "$prog" "$work/orig.py"
  "$LOADFIX" -q --fix --unsafe-fixes "$prog" >"$work/fix.out" 2>&1 || lrc=$?
  # the expected file: the original with that one line replaced
  WANT=$want awk -v n="$line" 'NR == n { print ENVIRON["WANT"]; next } { print }' \
    "$work/orig.py" >"$work/want.py"
  if [ "$lrc" -eq 0 ] && cmp -s "$work/want.py" "$prog"; then
    pass "$label: --fix --unsafe-fixes rewrites line $line to: $want (exit 0, nothing else changed)"
  else
    fail "$label: --fix --unsafe-fixes should rewrite line $line to '$want' and exit 0 (exit $lrc)"
    diff "$work/want.py" "$prog" | info || true
    info <"$work/fix.out"
  fi
}

# refuses LABEL PROG PAYLOAD MARKER EXCEPTION: after the fix, the program
# fails on the crafted file with EXCEPTION and the payload does not run.
refuses() {
  rm -f "$4"
  run "$2" "$3"
  if [ "$rc" -ne 0 ] && grep -q -- "$5" "$work/err" && [ ! -e "$4" ]; then
    pass "$1: after the fix, the crafted file is refused ($5, rc=$rc) and the payload does not run"
  else
    fail "$1: after the fix, expected $5, a non-zero exit and no marker (rc=$rc, marker $([ -e "$4" ] && echo CREATED || echo absent))"
    tail -n 3 "$work/err" | info
  fi
  rm -f "$4"
}

# loads LABEL PROG FILE EXPECTED_OUTPUT: the program loads a benign file.
loads() {
  run "$2" "$3"
  if [ "$rc" -eq 0 ] && [ "$(cat "$work/out")" = "$4" ]; then
    pass "$1: the benign file loads and gives $4"
  else
    fail "$1: the benign file should load and print '$4' (rc=$rc)"
    info <"$work/out"; tail -n 3 "$work/err" | info
  fi
}

# ---------------------------------------------------------------- payloads
# gen.py KIND MARKER OUT: each crafted file, through the library's own
# writer where it has one.  Evil pickles to os.system("touch MARKER").
cat >"$work/gen.py" <<'EOF'
import json, os, shlex, sys

kind, marker, out = sys.argv[1:4]
command = "touch " + shlex.quote(marker)


class Evil:
    def __reduce__(self):
        return (os.system, (command,))


if kind == "pickle":
    import pickle
    with open(out, "wb") as f:
        pickle.dump(Evil(), f)
elif kind == "dill":
    import dill
    with open(out, "wb") as f:
        dill.dump(Evil(), f)
elif kind == "dill_session":
    # A saved session (dill.dump_module of __main__) whose namespace holds
    # the payload: loading the session unpickles every global.
    import dill
    payload = Evil()
    dill.dump_module(out)
elif kind == "cloudpickle":
    import cloudpickle
    with open(out, "wb") as f:
        cloudpickle.dump(Evil(), f)
elif kind == "jsonpickle":
    # Hand-crafted, as an attacker writes it: jsonpickle's py/reduce tag
    # calls the named function with the given arguments.
    with open(out, "w") as f:
        json.dump({"py/reduce": [{"py/function": "os.system"}, {"py/tuple": [command]}]}, f)
elif kind == "shelve":
    import shelve
    with shelve.open(out, flag="n") as db:
        db["model"] = Evil()
elif kind == "pandas":
    import pandas
    pandas.to_pickle(Evil(), out)
elif kind == "joblib":
    import joblib
    joblib.dump(Evil(), out)
elif kind == "npy":
    import numpy
    arr = numpy.empty(1, dtype=object)
    arr[0] = Evil()
    numpy.save(out, arr)             # an object array is stored as a pickle
elif kind == "npz":
    import numpy
    arr = numpy.empty(1, dtype=object)
    arr[0] = Evil()
    numpy.savez(out, weights=numpy.arange(3), meta=arr)
elif kind == "yaml":
    with open(out, "w") as f:
        f.write("!!python/object/apply:os.system [%s]\n" % json.dumps(command))
else:
    sys.exit("unknown kind " + kind)
EOF

# ---------------------------------------------------------------- LF101/LF102
# report_only LABEL MODULE DEB CODE KIND NEEDLE: the program prog-LABEL.py
# (already written) loads argv[1] through the line holding NEEDLE.
report_only() {
  local label=$1 module=$2 deb=$3 code=$4 kind=$5 needle=$6
  local prog=$work/prog_$label.py payload=$work/evil_$label marker=$work/PWNED_$label
  echo "== $label ($code)"
  have "$module" "$deb" || return 0
  make_payload "$kind" "$marker" "$payload" || return 0
  before "$label" "$prog" "$payload" "$marker"
  report "$label" "$code" "$prog" "$needle"
  unchanged "$label" "$prog"
}

cat >"$work/prog_pickle.py" <<'EOF'
import pickle
import sys

with open(sys.argv[1], "rb") as f:
    model = pickle.load(f)
print("loaded", type(model).__name__)
EOF
report_only pickle pickle python3 LF101 pickle "model = pickle.load(f)"

cat >"$work/prog_pickle_loads.py" <<'EOF'
import sys
from pickle import loads as restore

with open(sys.argv[1], "rb") as f:
    data = f.read()
model = restore(data)
print("loaded", type(model).__name__)
EOF
report_only pickle_loads pickle python3 LF101 pickle "model = restore(data)"

cat >"$work/prog_dill.py" <<'EOF'
import sys

import dill

with open(sys.argv[1], "rb") as f:
    session = dill.load(f)
print("loaded", type(session).__name__)
EOF
report_only dill dill python3-dill LF101 dill "session = dill.load(f)"

cat >"$work/prog_dill_session.py" <<'EOF'
import sys

import dill

dill.load_module(sys.argv[1])
print("session restored")
EOF
report_only dill_session dill python3-dill LF101 dill_session "dill.load_module(sys.argv[1])"

cat >"$work/prog_cloudpickle.py" <<'EOF'
import sys

import cloudpickle as cp

with open(sys.argv[1], "rb") as f:
    fn = cp.loads(f.read())
print("loaded", type(fn).__name__)
EOF
report_only cloudpickle cloudpickle python3-cloudpickle LF101 cloudpickle "fn = cp.loads(f.read())"

# jsonpickle 3.0.0 (Debian 12): decode(..., safe=False) by default, and
# py/reduce is honoured even with safe=True (safe only stops py/repr's eval).
cat >"$work/prog_jsonpickle.py" <<'EOF'
import sys

import jsonpickle

with open(sys.argv[1]) as f:
    config = jsonpickle.decode(f.read())
print("loaded", type(config).__name__)
EOF
report_only jsonpickle jsonpickle python3-jsonpickle LF101 jsonpickle "config = jsonpickle.decode(f.read())"

cat >"$work/prog_shelve.py" <<'EOF'
import shelve
import sys

with shelve.open(sys.argv[1], flag="r") as db:
    model = db["model"]    # the value is unpickled here
print("loaded", type(model).__name__)
EOF
report_only shelve shelve python3 LF101 shelve 'shelve.open(sys.argv[1], flag="r")'

cat >"$work/prog_pandas.py" <<'EOF'
import sys

import pandas as pd

frame = pd.read_pickle(sys.argv[1])
print("loaded", type(frame).__name__)
EOF
report_only pandas pandas python3-pandas LF101 pandas "frame = pd.read_pickle(sys.argv[1])"

cat >"$work/prog_joblib.py" <<'EOF'
import sys

import joblib

model = joblib.load(sys.argv[1])
print("loaded", type(model).__name__)
EOF
report_only joblib joblib python3-joblib LF102 joblib "model = joblib.load(sys.argv[1])"

# ---------------------------------------------------------------- LF103/LF104
# fixable LABEL MODULE DEB CODE KIND NEEDLE FIXED_LINE EXCEPTION BENIGN OUTPUT
fixable() {
  local label=$1 module=$2 deb=$3 code=$4 kind=$5 needle=$6 want=$7 exc=$8 benign=$9 output=${10}
  local prog=$work/prog_$label.py payload=$work/evil_$label.$kind marker=$work/PWNED_$label
  echo "== $label ($code)"
  have "$module" "$deb" || return 0
  make_payload "$kind" "$marker" "$payload" || return 0
  before "$label" "$prog" "$payload" "$marker"
  loads "$label (before the fix)" "$prog" "$benign" "$output"
  report "$label" "$code" "$prog" "$needle"
  fixed "$label" "$prog" "$needle" "$want"
  refuses "$label" "$prog" "$payload" "$marker" "$exc"
  loads "$label (after the fix)" "$prog" "$benign" "$output"
}

if "$PY" -c 'import numpy' 2>/dev/null; then
  "$PY" -c 'import numpy as np, sys; np.save(sys.argv[1], np.arange(6).reshape(2, 3))' "$work/benign.npy"
  "$PY" -c 'import numpy as np, sys; np.savez(sys.argv[1], weights=np.arange(3), bias=np.ones(2))' "$work/benign.npz"
fi

cat >"$work/prog_npy.py" <<'EOF'
import sys

import numpy as np

arr = np.load(sys.argv[1], allow_pickle=True)
print(arr.tolist())
EOF
fixable npy numpy python3-numpy LF103 npy \
  "arr = np.load(sys.argv[1], allow_pickle=True)" \
  "arr = np.load(sys.argv[1], allow_pickle=False)" \
  "Object arrays cannot be loaded when allow_pickle=False" \
  "$work/benign.npy" "[[0, 1, 2], [3, 4, 5]]"

# An .npz is a zip of .npy members, unpickled lazily when a member is read.
cat >"$work/prog_npz.py" <<'EOF'
import sys

from numpy import load

with load(sys.argv[1], allow_pickle=1) as archive:
    print({name: archive[name].tolist() for name in sorted(archive.files)})
EOF
fixable npz numpy python3-numpy LF103 npz \
  "with load(sys.argv[1], allow_pickle=1) as archive:" \
  "with load(sys.argv[1], allow_pickle=False) as archive:" \
  "Object arrays cannot be loaded when allow_pickle=False" \
  "$work/benign.npz" "{'bias': [1.0, 1.0], 'weights': [0, 1, 2]}"

printf 'name: demo\nlayers: [1, 2]\n' >"$work/benign.yaml"
yaml_out='{"layers": [1, 2], "name": "demo"}'

cat >"$work/prog_yaml_loader.py" <<'EOF'
import json
import sys

import yaml

with open(sys.argv[1]) as f:
    config = yaml.load(f, Loader=yaml.Loader)
print(json.dumps(config, sort_keys=True))
EOF
fixable yaml_loader yaml python3-yaml LF104 yaml \
  "config = yaml.load(f, Loader=yaml.Loader)" \
  "    config = yaml.load(f, Loader=yaml.SafeLoader)" \
  "ConstructorError" "$work/benign.yaml" "$yaml_out"

cat >"$work/prog_yaml_unsafe_load.py" <<'EOF'
import json
import sys

import yaml

with open(sys.argv[1]) as f:
    config = yaml.unsafe_load(f)
print(json.dumps(config, sort_keys=True))
EOF
fixable yaml_unsafe_load yaml python3-yaml LF104 yaml \
  "config = yaml.unsafe_load(f)" \
  "    config = yaml.safe_load(f)" \
  "ConstructorError" "$work/benign.yaml" "$yaml_out"

# libyaml's C loader (Debian builds PyYAML with it): CLoader -> CSafeLoader.
cat >"$work/prog_yaml_cloader.py" <<'EOF'
import json
import sys

import yaml as y

text = open(sys.argv[1]).read()
config = y.load(text, y.CUnsafeLoader)
print(json.dumps(config, sort_keys=True))
EOF
fixable yaml_cloader yaml python3-yaml LF104 yaml \
  "config = y.load(text, y.CUnsafeLoader)" \
  "config = y.load(text, y.CSafeLoader)" \
  "ConstructorError" "$work/benign.yaml" "$yaml_out"

# FullLoader: the brief's case.  Since PyYAML 5.4 (CVE-2020-14343) FullLoader
# refuses python/object/apply and python/object/new; Debian 12's 6.0 does.
# So the apply payload does NOT run through FullLoader (recorded below as a
# finding, not a failure of loadfix), but FullLoader still builds Python
# objects a document names (`!!python/name:os.system` gives the real
# function), which SafeLoader refuses; loadfix reports it and the unsafe fix
# gives SafeLoader.
echo "== yaml_fullloader (LF104)"
if have yaml python3-yaml; then
  cat >"$work/prog_yaml_full.py" <<'EOF'
import sys

import yaml

with open(sys.argv[1]) as f:
    config = yaml.load(f, Loader=yaml.FullLoader)
print(repr(config))
EOF
  make_payload yaml "$work/PWNED_full" "$work/evil_full.yaml" || true
  echo '!!python/name:os.system' >"$work/name.yaml"
  rm -f "$work/PWNED_full"
  run "$work/prog_yaml_full.py" "$work/evil_full.yaml"
  if [ "$rc" -ne 0 ] && grep -q ConstructorError "$work/err" && [ ! -e "$work/PWNED_full" ]; then
    pass "yaml_fullloader: PyYAML $("$PY" -c 'import yaml; print(yaml.__version__)') FullLoader refuses python/object/apply (ConstructorError, no marker) even before the fix"
  else
    fail "yaml_fullloader: expected this PyYAML's FullLoader to refuse python/object/apply (rc=$rc, marker $([ -e "$work/PWNED_full" ] && echo CREATED || echo absent)); update the comment above"
    tail -n 3 "$work/err" | info
  fi
  rm -f "$work/PWNED_full"
  run "$work/prog_yaml_full.py" "$work/name.yaml"
  if [ "$rc" -eq 0 ] && [ "$(cat "$work/out")" = "<built-in function system>" ]; then
    pass "yaml_fullloader: before the fix, FullLoader builds the Python object a document names (!!python/name:os.system gives the real os.system)"
  else
    fail "yaml_fullloader: expected FullLoader to resolve !!python/name:os.system (rc=$rc)"
    info <"$work/out"; tail -n 3 "$work/err" | info
  fi
  report yaml_fullloader LF104 "$work/prog_yaml_full.py" "Loader=yaml.FullLoader"
  fixed yaml_fullloader "$work/prog_yaml_full.py" "Loader=yaml.FullLoader" \
    "    config = yaml.load(f, Loader=yaml.SafeLoader)"
  refuses "yaml_fullloader (python/name)" "$work/prog_yaml_full.py" "$work/name.yaml" "$work/PWNED_full" ConstructorError
  loads "yaml_fullloader (after the fix)" "$work/prog_yaml_full.py" "$work/benign.yaml" "{'name': 'demo', 'layers': [1, 2]}"
fi

# ---------------------------------------------------------------- LF106
# Text only: trust_remote_code=True downloads and runs a model repository's
# code, which needs transformers (not packaged in Debian 12) and the
# network (not available to the tests), so no payload runs here; the check
# is that loadfix reports the call and that the report-only rule leaves the
# file unchanged.
echo "== trust_remote_code (LF106, text only: no transformers, no network)"
cat >"$work/prog_remote.py" <<'EOF'
from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("org/model", trust_remote_code=True)
safe = AutoModelForCausalLM.from_pretrained("org/model", trust_remote_code=False)
EOF
report trust_remote_code LF106 "$work/prog_remote.py" "trust_remote_code=True"
unchanged trust_remote_code "$work/prog_remote.py"

# ---------------------------------------------------------------- verdict
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
