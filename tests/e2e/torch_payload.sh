#!/usr/bin/env bash
# End-to-end proof, with real PyTorch, that `loadfix --fix` closes the
# pickle code-execution hole in examples/ without breaking benign loads.
#
#   tests/e2e/torch_payload.sh /path/to/loadfix /path/to/repo/examples
#
# Steps (all inside a throw-away copy of examples/):
#   1. build a benign state_dict + full checkpoint by running train.py, and a
#      malicious evil.pt whose unpickling runs `touch MARKER`;
#   2. BEFORE the fix: loading evil.pt through each unsafe call site runs the
#      payload (marker appears), proving the checks below can fail;
#   3. run `loadfix --fix` on the copy (exit 0 or 1 accepted);
#   4. AFTER the fix: every call site refuses evil.pt with UnpicklingError and
#      no marker appears, while the benign checkpoints still load.
#
# Prints PASS:/FAIL: per check; exits 0 only if every check passed.
# Needs Debian's python3-torch (PyTorch >= 1.13) under /usr/bin/python3.
set -euo pipefail

PY=/usr/bin/python3
TIMEOUT=120   # seconds per command; a hang counts as a failure

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die()  { echo "FAIL: $*"; exit 1; }
info() { sed 's/^/    | /'; }   # indent captured output under a check

# ---------------------------------------------------------------- arguments
[ $# -eq 2 ] || die "usage: $0 /path/to/loadfix /path/to/repo/examples"
LOADFIX=$1
EXAMPLES=$2
[ -x "$LOADFIX" ] || die "loadfix binary not executable: $LOADFIX"
for f in infer.py train.py evaluate.py model.py utils/checkpoint.py; do
  [ -f "$EXAMPLES/$f" ] || die "$EXAMPLES/$f missing: not the loadfix examples/ dir?"
done

# Never skip: without real PyTorch this proof proves nothing.
torch_version=$("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null) ||
  die "$PY cannot import torch; install it: apt-get install python3-torch"
echo "using $PY with torch $torch_version"

# Would make every load weights-only and void the BEFORE checks.
unset TORCH_FORCE_WEIGHTS_ONLY_LOAD
# Keep the copy free of stale bytecode between the before and after runs.
export PYTHONDONTWRITEBYTECODE=1

# ---------------------------------------------------------------- workspace
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
proj=$work/proj            # the copy loadfix rewrites
data=$work/data            # benign model.pt + checkpoint.pt (train.py output)
evil=$work/evil.pt         # malicious pickle
marker=$work/PWNED         # created only if the payload runs
mkdir -p "$proj"
cp -R "$EXAMPLES/." "$proj/"
rm -rf "$proj"/*.pt        # never feed stray checkpoints from the repo

# run SCRIPT ARGS...: run a Python script in the copy; sets $rc and leaves
# stdout/stderr in $work/out and $work/err.
run() {
  rc=0
  (cd "$proj" && timeout "$TIMEOUT" "$PY" "$@") >"$work/out" 2>"$work/err" || rc=$?
}

# ---------------------------------------------------------------- fixtures
# Benign checkpoints, written by the project's own (still unfixed) train.py.
run train.py --out-dir "$data" --steps 3
if [ "$rc" -ne 0 ] || [ ! -f "$data/model.pt" ] || [ ! -f "$data/checkpoint.pt" ]; then
  info <"$work/err"; die "train.py could not build the benign checkpoints (rc=$rc)"
fi

# Malicious checkpoint: unpickling calls os.system("touch <marker>").
"$PY" - "$marker" "$evil" <<'EOF' || die "could not build evil.pt"
import os, shlex, sys
import torch

marker, out = sys.argv[1], sys.argv[2]

class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + shlex.quote(marker),))

torch.save(Evil(), out)
EOF
[ ! -e "$marker" ] || die "building evil.pt already ran the payload"

# evaluate.py reads DIR/checkpoint.pt via th.load, then DIR/model.pt via
# load_ckpt; one directory per alias poisons exactly that call.
mkdir -p "$work/evil-th" "$work/evil-alias"
cp "$evil" "$work/evil-th/checkpoint.pt";  cp "$data/model.pt" "$work/evil-th/model.pt"
cp "$data/checkpoint.pt" "$work/evil-alias/checkpoint.pt"; cp "$evil" "$work/evil-alias/model.pt"

# The unsafe call sites: attack I loads evil.pt through call site labels[I].
labels=(
  "infer.py: torch.load(sys.argv[1])"
  "train.py --resume: multi-line torch.load(...)"
  "utils/checkpoint.py: th.load(...)"
  "utils/checkpoint.py: load_ckpt(...)"
)
attack() {
  case $1 in
    0) run infer.py "$evil" ;;
    1) run train.py --resume "$evil" --out-dir "$work/resume-evil" --steps 1 ;;
    2) run evaluate.py "$work/evil-th" ;;
    3) run evaluate.py "$work/evil-alias" ;;
  esac
}

# ---------------------------------------------------------------- before fix
echo "== before loadfix"
run infer.py "$data/model.pt"
if [ "$rc" -eq 0 ] && grep -qx ok "$work/out"; then
  pass "baseline: infer.py loads the benign state_dict"
else
  fail "baseline: infer.py on the benign state_dict (rc=$rc)"; info <"$work/err"
fi

for i in "${!labels[@]}"; do
  label=${labels[$i]}
  rm -f "$marker"
  attack "$i"
  if [ -e "$marker" ]; then
    pass "before fix, $label runs the payload (marker created)"
  else
    fail "before fix, $label did not run the payload; the after checks would prove nothing"
    info <"$work/err"
  fi
  rm -f "$marker"
done

# ---------------------------------------------------------------- the fix
echo "== $LOADFIX --fix $proj"
fix_rc=0
timeout "$TIMEOUT" "$LOADFIX" --fix "$proj" >"$work/fix.out" 2>"$work/fix.err" || fix_rc=$?
cat "$work/fix.out" "$work/fix.err" | info
case $fix_rc in
  0|1) pass "loadfix --fix exit code $fix_rc (0 = clean, 1 = findings remain)" ;;
  *)   fail "loadfix --fix exit code $fix_rc (expected 0 or 1)" ;;
esac
echo "changes made by loadfix:"
diff -ru -x __pycache__ "$EXAMPLES" "$proj" | info || true

# ---------------------------------------------------------------- after fix
echo "== after loadfix"
if "$PY" - "$proj" >"$work/out" 2>&1 <<'EOF'; then
import ast, pathlib, sys
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    ast.parse(p.read_text(), str(p))
EOF
  pass "every .py file in the fixed copy still parses"
else
  fail "a fixed .py file no longer parses"; info <"$work/out"
fi

for i in "${!labels[@]}"; do
  label=${labels[$i]}
  rm -f "$marker"
  attack "$i"
  if [ "$rc" -ne 0 ]; then
    pass "after fix, $label on evil.pt exits non-zero (rc=$rc)"
  else
    fail "after fix, $label on evil.pt exited 0"
  fi
  if grep -q UnpicklingError "$work/err"; then
    pass "after fix, $label on evil.pt fails with UnpicklingError"
  else
    fail "after fix, $label on evil.pt: no UnpicklingError on stderr"
    tail -n 3 "$work/err" | info
  fi
  if [ ! -e "$marker" ]; then
    pass "after fix, $label on evil.pt does not run the payload"
  else
    fail "after fix, $label on evil.pt RAN THE PAYLOAD (marker created)"
  fi
  rm -f "$marker"
done

run infer.py "$data/model.pt"
if [ "$rc" -eq 0 ] && grep -qx ok "$work/out"; then
  pass "after fix, infer.py loads the benign state_dict and prints ok"
else
  fail "after fix, infer.py on the benign state_dict (rc=$rc)"; info <"$work/out"; info <"$work/err"
fi

run train.py --resume "$data/checkpoint.pt" --out-dir "$work/resumed" --steps 2
if [ "$rc" -eq 0 ] && grep -q '^resumed from epoch' "$work/out"; then
  pass "after fix, train.py --resume loads the full checkpoint through the multi-line call"
else
  fail "after fix, train.py --resume on the benign checkpoint (rc=$rc)"; info <"$work/out"; info <"$work/err"
fi

run evaluate.py "$data"
if [ "$rc" -eq 0 ] && grep -q 'eval loss' "$work/out"; then
  pass "after fix, evaluate.py loads both benign checkpoints through th.load and load_ckpt"
else
  fail "after fix, evaluate.py on the benign checkpoints (rc=$rc)"; info <"$work/out"; info <"$work/err"
fi

# ---------------------------------------------------------------- verdict
if [ "$failures" -eq 0 ]; then
  echo "torch_payload: all checks passed"
  exit 0
fi
echo "torch_payload: $failures check(s) failed"
exit 1
