#!/usr/bin/env bash
# LF001's fix-safety evidence across the project's files (README,
# "Fix-safety evidence"): a torch.save of a whole module, an
# argparse.Namespace or numpy values to a literal path in one checked file
# makes the fix of a torch.load of the same literal in another unsafe, and
# the message names the file and line; a state_dict saved there keeps the
# fix safe; conflicting saves are unsafe; the paths are normalised; saves
# and loads in notebooks count; the report, --diff, --fix, --no-partial and
# standard input agree with the rule.  The proof with real PyTorch is in
# torch_evidence.sh.
source "$(dirname "$0")/lib.sh"

mkdir -p proj/tools && cd proj
cat >train.py <<'PY'
import argparse

import torch
import torch.nn as nn

CHECKPOINT = "runs/ckpt.pt"


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)


def main():
    args = argparse.ArgumentParser().parse_args()
    model = Net()
    torch.save(model, CHECKPOINT)
    torch.save(model.state_dict(), "./weights//state.pt")
    torch.save({"args": args, "state": model.state_dict()}, "runs/args.pt")
PY
# A state_dict to the same path elsewhere: the unsafe save still wins.
cat >tools/export.py <<'PY'
import torch


def export(model):
    torch.save(model.state_dict(), "runs/ckpt.pt")
PY
# A `save` that is not torch's does not count.
cat >tools/other.py <<'PY'
import numpy as np


def dump(x):
    np.save("unrelated.pt", x)
PY
cat >eval.py <<'PY'
import os

import torch

model = torch.load("runs/ckpt.pt")
state = torch.load(os.path.join("weights", "state.pt"))
options = torch.load("runs/args.pt")
other = torch.load("unrelated.pt")
PY
notebook() {
  printf '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "metadata": {},\n   "source": "# notes"\n  },\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "metadata": {},\n   "outputs": [],\n   "source": %s\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n' "$1"
}
notebook '["import torch\n", "import torch.nn as nn\n", "torch.save(nn.Linear(2, 2), \"nb.pt\")\n"]' >train.ipynb
notebook '["import torch\n", "m = torch.load(\"runs/ckpt.pt\")\n", "n = torch.load(\"nb.pt\")\n"]' >eval.ipynb
cp -R . ../pristine

unsafe_ckpt='eval.py:5:9: LF001 `torch.load` without `weights_only=True` can run code from a crafted checkpoint; the fix is unsafe: `train.py:18` saves a whole module to "runs/ckpt.pt", which `weights_only=True` refuses to load; save the state_dict instead'
expect_status "the project's report" 1 "$LOADFIX" .
expect "a whole module saved in train.py: eval.py's fix is unsafe, naming train.py's line" contains "$OUT" "$unsafe_ckpt"
expect "a state_dict saved elsewhere (./weights//state.pt = os.path.join): the fix stays safe" contains "$OUT" \
  'eval.py:6:9: LF001 [*] `torch.load` without `weights_only=True` can run code from a crafted checkpoint'
expect "an argparse.Namespace saved elsewhere: unsafe, with the remedy" contains "$OUT" \
  'eval.py:7:11: LF001 `torch.load` without `weights_only=True` can run code from a crafted checkpoint; the fix is unsafe: `train.py:20` saves an `argparse.Namespace` to "runs/args.pt", which `weights_only=True` refuses to load; save `vars(args)` instead'
expect "an unrelated path (numpy's save) stays safe" contains "$OUT" \
  'eval.py:8:9: LF001 [*] `torch.load` without `weights_only=True` can run code from a crafted checkpoint'
expect "a load in a notebook gets the project's evidence" contains "$OUT" \
  'eval.ipynb:cell 2:2:5: LF001 `torch.load` without `weights_only=True` can run code from a crafted checkpoint; the fix is unsafe: `train.py:18` saves a whole module to "runs/ckpt.pt"'
expect "a save in a notebook counts, named by cell and line" contains "$OUT" \
  'eval.ipynb:cell 2:3:5: LF001 `torch.load` without `weights_only=True` can run code from a crafted checkpoint; the fix is unsafe: `train.ipynb:cell 2:3` saves a whole module to "nb.pt"'

expect_status "--no-partial" 1 "$LOADFIX" --no-partial .
no_partial=$OUT
expect_status "partial parsing (the default)" 1 "$LOADFIX" .
expect "... gives the same report" test "$no_partial" = "$OUT"

expect_status "--statistics" 1 "$LOADFIX" --statistics .
expect "only the files that may call torch's save are parsed for it (train.py, tools/export.py, train.ipynb)" \
  contains "$OUT" "3 files parsed for their saves"
expect_status "a file checked alone" 1 "$LOADFIX" --statistics eval.py
expect "... reads no other file's saves (check the tree)" contains "$OUT" "[*] torch-load-without-weights-only"
expect "... and parses none for them" test "$(printf '%s\n' "$OUT" | grep -c 'parsed for their saves')" = 0

expect_status "--diff" 1 "$LOADFIX" --diff eval.py train.py tools
expect "--diff fixes the safe loads" contains "$OUT" '+state = torch.load(os.path.join("weights", "state.pt"), weights_only=True)'
expect "... not the one whose checkpoint holds a module" contains "$OUT" ' model = torch.load("runs/ckpt.pt")'

expect_status "--fix" 1 "$LOADFIX" --fix .
expect "--fix leaves the whole-module load as it was" grep -qx 'model = torch.load("runs/ckpt.pt")' eval.py
expect "... and the Namespace load" grep -qx 'options = torch.load("runs/args.pt")' eval.py
expect "... and fixes the state_dict load" grep -qx 'state = torch.load(os.path.join("weights", "state.pt"), weights_only=True)' eval.py
expect "... and the notebook's loads are left too" grep -q 'm = torch.load(\\"runs/ckpt.pt\\")\\n' eval.ipynb
expect_status "after --fix, the unsafe findings remain" 1 "$LOADFIX" .
expect "... still naming train.py" contains "$OUT" "$unsafe_ckpt"

rm -rf ./* && cp -R ../pristine/. .
expect_status "--fix --unsafe-fixes applies them" 0 "$LOADFIX" --fix --unsafe-fixes .
expect "... the whole-module load too" grep -qx 'model = torch.load("runs/ckpt.pt", weights_only=True)' eval.py

# Standard input: `--fix -` reads one file and no tree, so no other file's
# saves are known and the safe fix is applied (the editor hook stays fast;
# check the tree for the project's evidence).  In a report run beside
# walked paths, --stdin-filename places the text in the run's project.
rm -rf ./* && cp -R ../pristine/. .
"$LOADFIX" --fix --stdin-filename eval.py - <eval.py >"$WORK/.fixed" 2>/dev/null
expect "--fix -: no project index, the fix is applied" grep -qx 'model = torch.load("runs/ckpt.pt", weights_only=True)' "$WORK/.fixed"
"$LOADFIX" --stdin-filename eval.py - train.py tools <eval.py >"$WORK/.report" 2>/dev/null
expect "stdin beside the walked files gets their evidence" grep -qF "$unsafe_ckpt" "$WORK/.report"
"$LOADFIX" - train.py <eval.py >"$WORK/.report" 2>/dev/null
expect "... also without --stdin-filename" grep -qF '`train.py:18` saves a whole module to "runs/ckpt.pt"' "$WORK/.report"
# The walked file that --stdin-filename names is the text's own: its saves
# on disk (an older version of the text) are not the project's evidence.
mkdir ../own && cd ../own
printf 'import torch, torch.nn as nn\ntorch.save(nn.Linear(1, 1), "own.pt")\nm = torch.load("own.pt")\n' >eval.py
printf 'import torch\nm = torch.load("own.pt")\n' | "$LOADFIX" --stdin-filename eval.py - . >"$WORK/.report" 2>/dev/null
expect "the stdin text's own file on disk is not counted as another file" grep -q '^eval.py:2:5: LF001 \[\*\]' "$WORK/.report"
printf 'import torch\nm = torch.load("own.pt")\n' | "$LOADFIX" --stdin-filename new.py - . >"$WORK/.report" 2>/dev/null
expect "... another name gets eval.py's save" grep -qF '`eval.py:2` saves a whole module to "own.pt"' "$WORK/.report"

# Each load looks its path up among the file's saves (keyed once), rather
# than comparing with every save: 5,000 of each in one file, and a name
# bound 5,000 times (no constant), in seconds.
python3 -c '
lines = ["import torch, torch.nn as nn"] + ["CKPT = \"a.pt\""] * 5000
lines += ["torch.save(m%d, CKPT)" % i for i in range(5000)]
lines += ["x%d = torch.load(\"a%d.pt\")" % (i, i) for i in range(5000)]
open("many.py", "w").write("\n".join(lines) + "\n")
'
expect_status "5,000 saves and 5,000 loads in one file, within 20 s" 1 timeout 20 "$LOADFIX" -q --statistics many.py
expect "... every load judged" contains "$OUT" "5000	LF001	[*] torch-load-without-weights-only"
finish
