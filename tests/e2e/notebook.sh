#!/usr/bin/env bash
# Notebooks end to end: walked by default; bad notebooks (invalid JSON,
# nbformat 3, a source of the wrong type, a 50 MB cell, deep nesting) are
# errors naming the file, exit 2, left untouched, while the other files of
# the run are still checked and fixed; `--fix -` gives a bad notebook back
# unchanged; the machine formats point into the notebook (SARIF validated by
# the SARIF authors' validator).
source "$(dirname "$0")/lib.sh"
: "${SOURCE_ROOT:?}"
MULTITOOL=$SOURCE_ROOT/.tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

# notebook SOURCE-JSON: a minimal nbformat 4 notebook with one code cell.
notebook() {
  printf '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "metadata": {},\n   "outputs": [],\n   "source": %s\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n' "$1"
}

mkdir -p proj/sub proj/.hidden
notebook '["import torch\n", "x = torch.load(p)"]' >proj/good.ipynb
notebook '["import torch\n", "y = torch.load(q)"]' >proj/sub/deep.ipynb
notebook '["import torch\n", "z = torch.load(r)"]' >proj/.hidden/skipped.ipynb
printf 'import torch\nw = torch.load(s)\n' >proj/plain.py
# The bad ones.
printf '{"cells": [' >proj/bad_json.ipynb
printf '{"cells": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0, "worksheets": []}\n' >proj/bad_v3.ipynb
notebook '42' >proj/bad_type.ipynb
notebook '["import torch\n", 7]' >proj/bad_list.ipynb
/usr/bin/python3 -c '
import json
src = "x = 1  # " + "a" * (50 * 1024 * 1024) + "\n"
json.dump({"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
           "source": src}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, open("proj/bad_huge.ipynb", "w"))'
{ printf '{"cells": [], "metadata": {"a": '; for _ in $(seq 200); do printf '['; done
  for _ in $(seq 200); do printf ']'; done; printf '}, "nbformat": 4, "nbformat_minor": 5}\n'; } >proj/bad_deep.ipynb
bad=(bad_json bad_v3 bad_type bad_list bad_huge bad_deep)
cp -R proj orig

# The report walks notebooks (not hidden directories), names every bad one.
expect_status "report walks notebooks; bad notebooks are errors" 2 "$LOADFIX" --max-file-size 100000000 proj
expect "report: good.ipynb finding at its cell" contains "$OUT" "proj/good.ipynb:cell 1:2:5: LF001"
expect "report: notebooks in subdirectories" contains "$OUT" "proj/sub/deep.ipynb:cell 1:2:5: LF001"
expect "report: .py files still checked" contains "$OUT" "proj/plain.py:2:5: LF001"
expect "report: hidden directories skipped" eval '! contains "$OUT" skipped.ipynb'
for b in "${bad[@]}"; do
  expect "report: $b.ipynb named in an error" contains "$ERR" "loadfix: proj/$b.ipynb: "
done
expect "report: invalid JSON says so" contains "$ERR" "proj/bad_json.ipynb: invalid JSON"
expect "report: nbformat 3 says so" eval 'grep "bad_v3.ipynb" "$WORK/.err" | grep -q "nbformat"'
expect "report: no success line after errors" eval '! contains "$OUT$ERR" "All checks passed"'

# --fix: the good files are fixed, the bad ones left byte for byte.
expect_status "--fix with bad notebooks exits 2" 2 "$LOADFIX" --fix --max-file-size 100000000 proj
expect "--fix fixed good.ipynb" grep -q 'x = torch.load(p, weights_only=True)"' proj/good.ipynb
expect "--fix fixed sub/deep.ipynb" grep -q 'y = torch.load(q, weights_only=True)"' proj/sub/deep.ipynb
expect "--fix fixed plain.py" grep -q 'w = torch.load(s, weights_only=True)' proj/plain.py
for b in "${bad[@]}"; do
  expect "--fix left $b.ipynb untouched" cmp -s "proj/$b.ipynb" "orig/$b.ipynb"
done
expect "--fix: the fixed notebook is still nbformat 4" /usr/bin/python3 -c '
import nbformat, warnings; warnings.simplefilter("ignore")
nbformat.validate(nbformat.read("proj/good.ipynb", 4))'
expect "--fix left no temporary files" eval '[ -z "$(find proj -name ".loadfix-*")" ]'

# --fix - on a bad notebook: an error, the input back unchanged.
"$LOADFIX" --fix --stdin-filename bad.ipynb - <orig/bad_type.ipynb >stdin.out 2>stdin.err
status=$?
expect "--fix - on a bad notebook exits 2" [ "$status" = 2 ]
expect "--fix - on a bad notebook gives it back" cmp -s stdin.out orig/bad_type.ipynb
expect "--fix - names it" grep -q "loadfix: bad.ipynb: " stdin.err
# ... and on a good one, the fixed notebook.
"$LOADFIX" --fix --stdin-filename good.ipynb - <orig/good.ipynb >stdin.out 2>stdin.err
expect "--fix - on a notebook prints the fixed notebook" cmp -s stdin.out proj/good.ipynb
# Without .ipynb in the name, stdin is Python (a notebook is known by its name).
expect_status "stdin without --stdin-filename is Python" 0 "$LOADFIX" - <orig/good.ipynb

# --diff of a notebook applies with git apply.
mkdir d && cp orig/good.ipynb d/
(cd d && "$LOADFIX" --diff good.ipynb >../nb.patch 2>/dev/null)
expect "--diff of a notebook has a hunk" grep -q '^+.*weights_only=True' nb.patch
(cd d && git apply nb.patch 2>/dev/null || git apply ../nb.patch)
expect "--diff applied gives the fixed notebook" cmp -s d/good.ipynb proj/good.ipynb

# Machine formats: JSON cell and in-cell positions; GitHub and SARIF at the
# .ipynb file's line (good.ipynb: `torch.load` is on line 8, column 38).
cp orig/good.ipynb g.ipynb
expect_status "json" 1 "$LOADFIX" --output-format json g.ipynb
expect "json has the cell" /usr/bin/python3 -c '
import json, sys
r = json.loads(sys.argv[1])[0]
assert r["cell"] == 1 and r["path"] == "g.ipynb", r
assert r["start"]["line"] == 2 and r["start"]["column"] == 5, r
assert list(r)[:3] == ["path", "cell", "code"], list(r)' "$OUT"
expect_status "github" 1 "$LOADFIX" --output-format github g.ipynb
expect "github annotation at the .ipynb line" contains "$OUT" "::error file=g.ipynb,line=8,col=38,"
expect_status "sarif" 1 "$LOADFIX" --output-format sarif g.ipynb orig/plain.py
printf '%s\n' "$OUT" >nb.sarif
expect "sarif region at the .ipynb line, cell in properties" /usr/bin/python3 -c '
import json
r = json.load(open("nb.sarif"))["runs"][0]["results"][0]
loc = r["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "g.ipynb", loc
reg = loc["region"]
assert (reg["startLine"], reg["startColumn"]) == (8, 38), reg
assert reg["snippet"]["text"] == "torch.load(p)", reg
assert r["properties"]["cell"] == 1, r
text = open("g.ipynb", "rb").read()
assert text[reg["byteOffset"]:reg["byteOffset"] + reg["byteLength"]] == b"torch.load(p)"'
if [ -x "$MULTITOOL" ]; then
  "$MULTITOOL" validate --level "Error;Warning;Note" --kind "Fail;Pass;Review;Open;Informational" \
    nb.sarif >validate.out 2>&1
  expect "sarif-multitool ran on the notebook report" grep -q "1 files scanned" validate.out
  expect "sarif-multitool: no errors" eval '! grep -E ": error " validate.out'
  expect "sarif-multitool: no warnings" eval '! grep -E ": warning " validate.out'
else
  fail "the SARIF validator is not installed ($MULTITOOL); run scripts/bootstrap --tests"
fi

# --since: a changed notebook is one of the changed files.
(
  export GIT_CONFIG_NOSYSTEM=1 HOME=$WORK/home GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
  mkdir -p "$HOME" repo && cd repo && git init -q . &&
    cp ../orig/good.ipynb old.ipynb && cp ../orig/good.ipynb same.ipynb && git add -A && git commit -qm base &&
    notebook '["import torch\n", "v = torch.load(p)"]' >old.ipynb &&
    "$LOADFIX" --since HEAD >../since.out 2>&1
)
expect "--since lists the changed notebook" grep -q '^old.ipynb:cell 1:2:5: LF001' since.out
expect "--since skips the unchanged one" eval '! grep -q same.ipynb since.out'

finish
