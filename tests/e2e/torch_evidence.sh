#!/usr/bin/env bash
# Proof with real PyTorch (Debian's python3-torch, 1.13, under
# /usr/bin/python3) that the fix-safety evidence and LF005 are right:
#   1. a whole nn.Module saved with torch.save loads with a plain torch.load
#      and is refused with weights_only=True: the fix would break the
#      program, so loadfix marks it unsafe (not applied by --fix), and
#      --fix --unsafe-fixes really does break it;
#   2. torch.save(model.state_dict()) loads fine with weights_only=True:
#      loadfix fixes that load safely, and the fixed program still runs;
#   3. the try/except retry (`try: torch.load(p, weights_only=True)` /
#      `except Exception: torch.load(p)`) really runs a crafted payload
#      (a __reduce__ that writes a marker file) that the weights-only load
#      alone refused; loadfix reports LF005 there and marks the LF001 fix
#      of the retry unsafe;
#   4. LF005 follows the project's torch version: a retry without
#      weights_only is not reported when every admitted torch is >= 2.6
#      (the default is True there) and is when older ones are admitted;
#   6. across files: train.py saves a whole module to "ckpt.pt" and a
#      state_dict to "sd.pt", eval.py loads both.  Checked alone, eval.py
#      gets the blind fix, and the fixed program no longer loads the
#      module (UnpicklingError); checked with the project, loadfix marks
#      that fix unsafe naming train.py's line, --fix fixes only the
#      state_dict load, and the program still runs.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
# Without real PyTorch this proves nothing: fail, never skip.
if ! "$PY" -c 'import torch' 2>/dev/null; then
  fail "$PY cannot import torch (apt-get install python3-torch)"
  finish
  exit 1
fi
unset TORCH_FORCE_WEIGHTS_ONLY_LOAD TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD
export PYTHONDONTWRITEBYTECODE=1

mkdir proj
cat >proj/train.py <<'PY'
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)


def save_whole():
    model = Net()
    torch.save(model, "whole.pt")


def load_whole():
    return torch.load("whole.pt")


def save_state():
    model = Net()
    torch.save(model.state_dict(), "state.pt")


def load_state():
    model = Net()
    model.load_state_dict(torch.load("state.pt"))
    return model
PY
cat >proj/retry.py <<'PY'
import torch


def load(path):
    try:
        return torch.load(path, weights_only=True)
    except Exception:
        return torch.load(path)
PY
cat >proj/make_evil.py <<'PY'
import os
import sys

import torch


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[2],))


torch.save({"weights": Evil()}, sys.argv[1])
PY
MARKER=$WORK/PWNED

# run DIR CODE: runs Python CODE in DIR with Debian's torch; $OUT/$ERR, $STATUS.
run() {
  local dir=$1
  shift
  (cd "$dir" && "$PY" -c "$1") >"$WORK/.out" 2>"$WORK/.err" </dev/null
  STATUS=$?
  OUT=$(cat "$WORK/.out")
  ERR=$(cat "$WORK/.err")
}

# ---- 1 and 2: what torch itself does with the two saves -----------------
run proj 'import train; train.save_whole(); train.save_state()'
expect "the checkpoints are saved" test "$STATUS" = 0
run proj 'import train; print(type(train.load_whole()).__name__)'
expect "a whole module loads with a plain torch.load" test "$STATUS:$OUT" = "0:Net"
run proj 'import torch; torch.load("whole.pt", weights_only=True)'
expect "a whole module is refused with weights_only=True" contains "$ERR" "UnpicklingError"
run proj 'import torch; sd = torch.load("state.pt", weights_only=True); print(sorted(sd))'
expect "a state_dict loads with weights_only=True" test "$STATUS:$OUT" = "0:['fc.bias', 'fc.weight']"

expect_status "report on train.py" 1 "$LOADFIX" proj/train.py
expect "LF001 on the whole-module load: unsafe, with the reason and the remedy" contains "$OUT" \
  'proj/train.py:17:12: LF001 `torch.load` without `weights_only=True` can run code from a crafted checkpoint; the fix is unsafe: line 13 saves a whole module to this path, which `weights_only=True` refuses to load; save the state_dict instead'
expect "LF001 on the state_dict load: a safe fix" contains "$OUT" \
  'proj/train.py:27:27: LF001 [*] `torch.load` without `weights_only=True` can run code from a crafted checkpoint'

cp -R proj safe && cp -R proj unsafe
expect_status "--fix applies the safe fix only" 1 "$LOADFIX" --fix safe/train.py
expect "the whole-module load is left as it was" grep -q '    return torch.load("whole.pt")$' safe/train.py
expect "the state_dict load is fixed" grep -q 'model.load_state_dict(torch.load("state.pt", weights_only=True))' safe/train.py
run safe 'import train; print(type(train.load_whole()).__name__, type(train.load_state()).__name__)'
expect "after --fix, both loads still work" test "$STATUS:$OUT" = "0:Net Net"
expect_status "--fix --unsafe-fixes applies both" 0 "$LOADFIX" --fix --unsafe-fixes unsafe/train.py
run unsafe 'import train; train.load_whole()'
expect "the unsafe fix really breaks the whole-module load" contains "$ERR" "UnpicklingError"

# ---- 3: the retry defeats the check --------------------------------------
run proj "import sys; sys.argv = ['', 'evil.pt', '$MARKER']; exec(open('make_evil.py').read())"
expect "the crafted checkpoint is made" test "$STATUS" = 0
rm -f "$MARKER"
run proj 'import torch; torch.load("evil.pt", weights_only=True)'
expect "weights_only=True alone refuses the payload" contains "$ERR" "UnpicklingError"
expect "... and nothing ran" test ! -e "$MARKER"
run proj 'import retry; retry.load("evil.pt")'
expect "the retry runs the payload the first load refused" test -e "$MARKER"
rm -f "$MARKER"

expect_status "report on retry.py" 1 "$LOADFIX" proj/retry.py
expect "LF005 at the retry" contains "$OUT" \
  'proj/retry.py:8:16: LF005 `torch.load` without `weights_only` retries the `weights_only=True` load of line 6 when it fails'
expect "LF001 at the retry is unsafe" contains "$OUT" \
  'proj/retry.py:8:16: LF001 `torch.load` without `weights_only=True` can run code from a crafted checkpoint; the fix is unsafe: the call retries the `weights_only=True` load of line 6'
expect_status "--fix leaves the retry alone" 1 "$LOADFIX" --fix proj/retry.py
expect "... byte for byte" grep -q '        return torch.load(path)$' proj/retry.py

# ---- 4: LF005 and the project's torch version ----------------------------
for v in new old; do
  mkdir "$v" && cp proj/retry.py "$v/"
done
printf '[project]\nname = "new"\ndependencies = ["torch>=2.6"]\n' >new/pyproject.toml
printf '[project]\nname = "old"\ndependencies = ["torch>=2.0"]\n' >old/pyproject.toml
expect_status "torch>=2.6: a retry without weights_only is weights-only by default" 0 \
  "$LOADFIX" --select LF005 new
expect_status "torch>=2.0: LF005" 1 "$LOADFIX" --select LF005 old
expect "... saying the project admits releases before 2.6" contains "$OUT" \
  "on the releases before 2.6 that the project's torch requirement admits that means \`weights_only=False\`"

# ---- 6: evidence across files -------------------------------------------
mkdir two
cat >two/train.py <<'PY'
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)


def main():
    model = Net()
    torch.save(model, "ckpt.pt")
    torch.save(model.state_dict(), "sd.pt")
PY
cat >two/eval.py <<'PY'
import torch

import train  # the pickled module's class


def restore():
    model = torch.load("ckpt.pt")
    state = torch.load("sd.pt")
    return type(model).__name__, sorted(state)
PY
run two 'import train; train.main()'
expect "two files: the checkpoints are saved" test "$STATUS" = 0
run two 'import eval; print(*eval.restore())'
expect "eval.py loads both as written" test "$STATUS:$OUT" = "0:Net ['fc.bias', 'fc.weight']"
cp -R two alone && cp -R two fixed
expect_status "eval.py checked alone gets the blind fix" 0 "$LOADFIX" --fix alone/eval.py
run alone 'import eval; print(*eval.restore())'
expect "... and the blind fix breaks loading the module" contains "$ERR" "UnpicklingError"
expect_status "the project: report" 1 "$LOADFIX" two
expect "eval.py's fix is unsafe, naming train.py's save" contains "$OUT" \
  'two/eval.py:7:13: LF001 `torch.load` without `weights_only=True` can run code from a crafted checkpoint; the fix is unsafe: `two/train.py:13` saves a whole module to "ckpt.pt", which `weights_only=True` refuses to load; save the state_dict instead'
expect "the state_dict load keeps its safe fix" contains "$OUT" \
  'two/eval.py:8:13: LF001 [*] `torch.load` without `weights_only=True` can run code from a crafted checkpoint'
expect_status "the project: --fix" 1 "$LOADFIX" --fix fixed
expect "... fixes the state_dict load" grep -q 'state = torch.load("sd.pt", weights_only=True)$' fixed/eval.py
run fixed 'import eval; print(*eval.restore())'
expect "... and the fixed program still loads both" test "$STATUS:$OUT" = "0:Net ['fc.bias', 'fc.weight']"

# ---- 5: the evidence costs one index per file, not one walk per call ------
"$PY" -c '
import sys
sys.stdout.write("import torch\n" + "".join("x%d = torch.load(\"a%d.pt\")\nx%d.eval()\n" % (i, i, i) for i in range(20000)))
' >many.py
expect_status "20,000 judged loads in one file, within 20 s" 1 timeout 20 "$LOADFIX" -q --statistics many.py
expect "... all of them with unsafe evidence (no [*])" contains "$OUT" "20000	LF001	torch-load-without-weights-only"
finish
