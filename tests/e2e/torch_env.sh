#!/usr/bin/env bash
# What PyTorch itself (Debian's python3-torch, 1.13, under /usr/bin/python3)
# does with the weights-only environment variables, and that LF006's value
# test agrees with it.
#
# The fact: 1.13's torch/serialization.py reads only
#     os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in ['1', 'y', 'yes', 'true']
# TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD does not exist there (it came with the
# 2.x releases that moved towards weights_only=True by default), so on
# 1.13 it can switch nothing off.  What can be proved here:
#   1. a crafted checkpoint runs its payload under a plain torch.load (so
#      the checks below can fail);
#   2. the environment mechanism is real: TORCH_FORCE_WEIGHTS_ONLY_LOAD=1
#      turns that plain load into a weights-only one (refused, no payload);
#   3. TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 has no effect on 1.13 (an explicit
#      weights_only=True still refuses; it does not beat the FORCE variable);
#   4. the values LF006 treats as true are exactly those 1.13 treats as
#      true for its sibling variable (the same list in 2.x), case included.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "SKIP: no PyTorch under $PY"
  exit 77
fi

SERIALIZATION=$("$PY" -c 'import torch.serialization as s; print(s.__file__)')
expect "PyTorch is 1.13" test "$("$PY" -c 'import torch; print(torch.__version__[:4])')" = "1.13"
expect "1.13 reads TORCH_FORCE_WEIGHTS_ONLY_LOAD" grep -q 'os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in \[.1., .y., .yes., .true.\]' "$SERIALIZATION"
expect "1.13 never names TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD" eval "! grep -rq TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD '$(dirname "$SERIALIZATION")' --include='*.py'"

cat >probe.py <<'PY'
import os, pickle, sys, torch

marker = os.path.abspath("MARKER")

class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + marker,))

torch.save({"x": Evil()}, "evil.pt")

def load(env, **kwargs):
    """What torch.load does with evil.pt under `env`: ran / refused / loaded."""
    for k in ("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"):
        os.environ.pop(k, None)
    os.environ.update(env)
    if os.path.exists(marker):
        os.remove(marker)
    try:
        torch.load("evil.pt", **kwargs)
        outcome = "loaded"
    except pickle.UnpicklingError:
        outcome = "refused"
    return "ran" if os.path.exists(marker) else outcome

print("plain", load({}))
print("force", load({"TORCH_FORCE_WEIGHTS_ONLY_LOAD": "1"}))
print("no-force-explicit-true", load({"TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}, weights_only=True))
print("both", load({"TORCH_FORCE_WEIGHTS_ONLY_LOAD": "1", "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD": "1"}))
for value in sys.argv[1:]:
    print("value", repr(value), load({"TORCH_FORCE_WEIGHTS_ONLY_LOAD": value}) == "refused")
PY
VALUES=(1 y yes true True YES Y TRUE 0 no false n on 2 01 "" " 1" yes!)
"$PY" probe.py "${VALUES[@]}" >probe.out 2>probe.err
expect "probe ran" test -s probe.out
expect "a plain load runs the payload" grep -qx "plain ran" probe.out
expect "TORCH_FORCE_WEIGHTS_ONLY_LOAD=1 forces weights-only" grep -qx "force refused" probe.out
expect "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 leaves weights_only=True alone" grep -qx "no-force-explicit-true refused" probe.out
expect "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 does not beat the FORCE variable" grep -qx "both refused" probe.out

# 4. PyTorch's verdict per value against LF006's (a .env line per value).
for value in "${VALUES[@]}"; do
  rm -rf v && mkdir v && printf 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="%s"\n' "$value" >v/.env
  torch_true=$(grep -F "value $("$PY" -c 'import sys; print(repr(sys.argv[1]))' "$value") " probe.out | awk '{print $NF}')
  "$LOADFIX" --select LF006 v >/dev/null 2>&1
  status=$?
  if [ "$status" = 1 ]; then ours=True; else ours=False; fi
  expect "value '$value': PyTorch says $torch_true, LF006 says $ours" test "$torch_true" = "$ours"
done

finish
