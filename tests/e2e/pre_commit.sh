#!/usr/bin/env bash
# The .pre-commit-hooks.yaml of this checkout, run by Debian's pre-commit in
# a real git repository: an unsafe call blocks the commit, `args: [--fix]`
# fixes it, the next commit passes; a dangerous checkpoint is refused by
# loadfix-inspect. Offline: the hooks repository is a local git repository
# (a copy of the hooks file, committed), never a URL.
. "$(dirname "$0")/lib.sh"
: "${SOURCE_ROOT:?}"
export HOME=$WORK/home PRE_COMMIT_HOME=$WORK/pre-commit-cache
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
mkdir -p "$HOME" bin
# language: system finds loadfix on PATH.
ln -s "$LOADFIX" bin/loadfix
export PATH=$WORK/bin:$PATH

git init -q hooks
cp "$SOURCE_ROOT/.pre-commit-hooks.yaml" hooks/
git -C hooks add .pre-commit-hooks.yaml && git -C hooks commit -qm hooks
rev=$(git -C hooks rev-parse HEAD)

git init -q project
cd project || exit 1
config() { # ARGS-LINE: the project's .pre-commit-config.yaml
  cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $WORK/hooks
    rev: $rev
    hooks:
      - id: loadfix
$1
      - id: loadfix-inspect
YAML
  git add .pre-commit-config.yaml
}
config ""
expect_status "pre-commit install" 0 pre-commit install
printf 'print("hello")\n' >README.py
git add README.py
expect_status "a clean file commits" 0 git commit -qm clean

printf 'import torch\n\nstate = torch.load("model.pt")\n' >train.py
git add train.py
expect_status "an unsafe call blocks the commit" 1 git commit -qm unsafe
expect "the hook said why" contains "$OUT$ERR" "train.py:3:9: LF001"
expect "nothing was committed" test "$(git rev-list --count HEAD)" = 1

config "        args: [--fix]"
expect_status "--fix: the hook fixes the file and fails (files were modified)" 1 git commit -qm unsafe
expect "the file is fixed" grep -qx 'state = torch.load("model.pt", weights_only=True)' train.py
git add train.py
expect_status "the next commit passes" 0 git commit -qm fixed
expect "the fixed file was committed" eval 'git show HEAD:train.py | grep -q weights_only=True'

# A notebook is checked too (types_or: jupyter).
/usr/bin/python3 - <<'PY'
import json
cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
        "source": ["import torch\n", "x = torch.load(p)\n"]}
json.dump({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell]}, open("nb.ipynb", "w"), indent=1)
PY
config ""
git add nb.ipynb
expect_status "an unsafe notebook blocks the commit" 1 git commit -qm notebook
expect "the notebook's cell was named" contains "$OUT$ERR" "nb.ipynb:cell 1:2:5: LF001"
git rm -q --cached nb.ipynb && rm nb.ipynb

# loadfix-inspect: a pickle that runs a command is refused, a benign one passes.
/usr/bin/python3 -c '
import os, pickle
class Evil:
    def __reduce__(self): return (os.system, ("true",))
pickle.dump(Evil(), open("evil.pkl", "wb"))
pickle.dump({"lr": 1}, open("benign.pkl", "wb"))'
git add benign.pkl
expect_status "a benign pickle commits" 0 git commit -qm benign
git add evil.pkl
expect_status "a dangerous pickle blocks the commit" 1 git commit -qm evil
expect "inspect named the callable" contains "$OUT$ERR" "system"

# Called with no file names (pre-commit can do that with pass_filenames),
# neither hook walks the tree: the unsafe file below is not checked.
printf 'import torch\ntorch.load(p)\n' >untracked.py
expect_status "loadfix hook entry, no files" 0 loadfix --no-default-path
expect_status "loadfix-inspect hook entry, no files" 0 loadfix inspect --no-default-path
expect_status "pre-commit run with no files" 0 pre-commit run loadfix --files
expect "never reached the network" eval '! grep -rqs "https://" "$PRE_COMMIT_HOME"/*.log'

finish
