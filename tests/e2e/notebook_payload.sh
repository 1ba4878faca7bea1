#!/usr/bin/env bash
# End-to-end proof, with real PyTorch in a real Jupyter kernel, that
# `loadfix --fix` closes the pickle code-execution hole in a notebook
# without breaking a benign load.
#
#   tests/e2e/notebook_payload.sh /path/to/loadfix
#
#   1. build a benign state_dict checkpoint and a malicious evil.pt whose
#      unpickling runs `touch MARKER` (torch.save of an object with
#      __reduce__, as torch_payload.sh does);
#   2. write a notebook with nbformat: `import torch` in cell 1, a markdown
#      cell, the benign load in cell 3, the evil load in cell 4 (a call
#      split over two lines, so over two list elements of "source");
#   3. BEFORE the fix: executing it with nbclient (the python3 kernel of
#      /usr/bin/python3) runs the payload: the marker appears;
#   4. `loadfix --fix` the notebook; nbformat still reads and validates it;
#   5. AFTER the fix: executing it, cell 4 fails with UnpicklingError, no
#      marker appears, and cell 3 still loads the benign checkpoint.
#
# Needs Debian's python3-torch, python3-nbformat, python3-nbclient and
# python3-ipykernel under /usr/bin/python3 (scripts/bootstrap --tests).
set -euo pipefail

PY=/usr/bin/python3
TIMEOUT=180

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die()  { echo "FAIL: $*"; exit 1; }
info() { sed 's/^/    | /'; }

[ $# -eq 1 ] || die "usage: $0 /path/to/loadfix"
LOADFIX=$(realpath "$1")
[ -x "$LOADFIX" ] || die "loadfix binary not executable: $LOADFIX"
# Never skip: without real PyTorch and a kernel this proves nothing.
"$PY" -c 'import torch, nbformat, nbclient, ipykernel' 2>/dev/null ||
  die "$PY cannot import torch, nbformat, nbclient and ipykernel; run scripts/bootstrap --tests"
unset TORCH_FORCE_WEIGHTS_ONLY_LOAD
export PYTHONDONTWRITEBYTECODE=1 PYDEVD_DISABLE_FILE_VALIDATION=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
marker=$work/PWNED
nb=$work/proj/demo.ipynb
mkdir -p "$work/proj"

# ---------------------------------------------------------------- fixtures
"$PY" - "$marker" "$work/evil.pt" "$work/benign.pt" <<'PYEOF' || die "could not build the checkpoints"
import os, shlex, sys
import torch

marker, evil, benign = sys.argv[1:]

class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + shlex.quote(marker),))

torch.save(Evil(), evil)
torch.save(torch.nn.Linear(2, 1).state_dict(), benign)
PYEOF
[ ! -e "$marker" ] || die "building evil.pt already ran the payload"

"$PY" - "$nb" "$work/benign.pt" "$work/evil.pt" <<'PYEOF' || die "could not write the notebook"
import sys
import nbformat
from nbformat import v4

path, benign, evil = sys.argv[1:]
nb = v4.new_notebook()
nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
nb.metadata["language_info"] = {"name": "python"}
nb.cells = [
    v4.new_code_cell("import torch"),
    v4.new_markdown_cell("Loading the checkpoints: `torch.load(path)`."),
    v4.new_code_cell(f"state = torch.load({benign!r})\nprint('benign ok', sorted(state))"),
    v4.new_code_cell(f"obj = torch.load(\n    {evil!r}\n)\nprint('evil loaded')"),
]
nbformat.validate(nb)
nbformat.write(nb, path)
PYEOF

# execute NOTEBOOK OUT.json: runs every cell (errors allowed) in the
# python3 kernel and writes, per cell, its outputs' text and error names.
execute() {
  rm -f "$marker"
  rc=0
  timeout "$TIMEOUT" "$PY" - "$1" "$2" >"$work/exec.log" 2>&1 <<'PYEOF' || rc=$?
import json, sys
import nbformat
from nbclient import NotebookClient

path, out = sys.argv[1:]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=True,
               resources={"metadata": {"path": "."}}).execute()
cells = []
for cell in nb.cells:
    texts, errors = [], []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            texts.append(o.text)
        elif o.output_type == "error":
            errors.append(o.ename)
            texts.append(o.evalue)
    cells.append({"text": "".join(texts), "errors": errors})
json.dump(cells, open(out, "w"))
PYEOF
}

cell_has() { # cell_has FILE CELL(0-based) KEY VALUE-SUBSTRING
  "$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))[int(sys.argv[2])]; v=c[sys.argv[3]]; sys.exit(0 if sys.argv[4] in ("".join(v) if isinstance(v, list) else v) else 1)' "$@"
}

# ---------------------------------------------------------------- before fix
echo "== before loadfix"
execute "$nb" "$work/before.json"
if [ "$rc" -ne 0 ]; then
  info <"$work/exec.log"; die "the kernel could not execute the notebook (rc=$rc)"
fi
pass "nbclient executed the notebook in the python3 kernel"
if [ -e "$marker" ]; then
  pass "before fix, the notebook's torch.load runs the payload (marker created)"
else
  fail "before fix, no marker: the after checks would prove nothing"
fi
cell_has "$work/before.json" 2 text "benign ok" && pass "before fix, the benign checkpoint loads" ||
  fail "before fix, the benign checkpoint did not load"

# ---------------------------------------------------------------- the fix
echo "== $LOADFIX --fix demo.ipynb"
cp "$nb" "$work/original.ipynb"
fix_rc=0
(cd "$work/proj" && timeout "$TIMEOUT" "$LOADFIX" --fix demo.ipynb) >"$work/fix.out" 2>&1 || fix_rc=$?
info <"$work/fix.out"
[ "$fix_rc" = 0 ] && pass "loadfix --fix fixed both calls (exit 0)" || fail "loadfix --fix exit $fix_rc, expected 0"
diff -u "$work/original.ipynb" "$nb" | info || true
if "$PY" - "$work/original.ipynb" "$nb" <<'PYEOF'; then
import sys
import nbformat
a, b = (nbformat.read(p, as_version=4) for p in sys.argv[1:])
nbformat.validate(b)
assert len(a.cells) == len(b.cells)
changed = 0
for x, y in zip(a.cells, b.cells):
    if x.source != y.source:
        changed += 1
        assert x.cell_type == "code"
        assert y.source.replace(", weights_only=True", "").replace(",\n    weights_only=True", "") == x.source, (x.source, y.source)
    assert {k: v for k, v in x.items() if k != "source"} == {k: v for k, v in y.items() if k != "source"}
assert changed == 2, changed
PYEOF
  pass "the fixed notebook validates and differs only by weights_only=True"
else
  fail "the fixed notebook does not validate or changed more than the calls"
fi

# ---------------------------------------------------------------- after fix
echo "== after loadfix"
execute "$nb" "$work/after.json"
[ "$rc" -eq 0 ] || { info <"$work/exec.log"; die "the kernel could not execute the fixed notebook (rc=$rc)"; }
if [ ! -e "$marker" ]; then
  pass "after fix, the notebook does not run the payload (no marker)"
else
  fail "after fix, the notebook RAN THE PAYLOAD (marker created)"
fi
cell_has "$work/after.json" 3 errors UnpicklingError && pass "after fix, the evil load raises UnpicklingError" ||
  { fail "after fix, the evil load did not raise UnpicklingError"; cat "$work/after.json" | info; }
cell_has "$work/after.json" 3 text "evil loaded" && fail "after fix, the evil cell went on past the load" ||
  pass "after fix, the evil cell stops at the load"
cell_has "$work/after.json" 2 text "benign ok" && pass "after fix, the benign state_dict still loads" ||
  { fail "after fix, the benign state_dict did not load"; cat "$work/after.json" | info; }

if [ "$failures" -eq 0 ]; then
  echo "notebook_payload: all checks passed"
  exit 0
fi
echo "notebook_payload: $failures check(s) failed"
exit 1
