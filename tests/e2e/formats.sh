#!/usr/bin/env bash
# Machine-readable reports: JSON, SARIF (validated by the SARIF authors' own
# validator and checked for what GitHub code scanning requires), GitHub
# annotations, --statistics, and the progress line.
source "$(dirname "$0")/lib.sh"
: "${SOURCE_ROOT:?}"
MULTITOOL=$SOURCE_ROOT/.tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

printf 'import torch\nstate = torch.load("a.pt")\n' >unsafe.py
printf 'import torch\nstate = torch.load("a.pt", weights_only=False)\nf = torch.load\n' >mixed.py
printf 'import torch\nstate = torch.load("a.pt", weights_only=True)\n' >safe.py
printf 'import os\nprint(os.getcwd())\n' >plain.py
weird=$'we\x01ird \xff"name\\.py'
printf 'import torch\nx = torch.load(p)\n' >"$weird"

# SARIF: schema-valid, no errors or warnings from the validator.
expect_status "sarif" 1 "$LOADFIX" --output-format sarif --unsafe-fixes unsafe.py mixed.py "$weird"
printf '%s\n' "$OUT" >report.sarif
if [ -x "$MULTITOOL" ]; then
  "$MULTITOOL" validate --level "Error;Warning;Note" --kind "Fail;Pass;Review;Open;Informational" \
    report.sarif >validate.out 2>&1
  expect "sarif-multitool ran" grep -q "1 files scanned" validate.out
  expect "sarif-multitool: no errors" eval '! grep -E ": error " validate.out'
  expect "sarif-multitool: no warnings" eval '! grep -E ": warning " validate.out'
  # Notes left on purpose (README, "SARIF"): SARIF2002 (message ids),
  # SARIF2003 (versionControlProvenance), SARIF2006 (URLs unreachable offline).
  expect "sarif-multitool: only the notes we decided to leave" \
    eval '! grep -E ": note " validate.out | grep -vE "SARIF2002|SARIF2003|SARIF2006"'
else
  fail "the SARIF validator is not installed ($MULTITOOL); run scripts/bootstrap --tests"
fi
expect "sarif: GitHub's required fields and our metadata" /usr/bin/python3 - <<'PY'
import json
d = json.load(open("report.sarif"))
assert d["version"] == "2.1.0" and "$schema" in d
run = d["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "loadfix" and drv["version"]
ids = [r["id"] for r in drv["rules"]]
assert ids == ["LF001", "LF002", "LF003", "LF004", "LF005", "LF006", "LF007", "LF008", "LF101", "LF102", "LF103", "LF104", "LF105", "LF106"], ids
for r in drv["rules"]:
    assert r["helpUri"].startswith("https://") and r["help"]["text"] and r["shortDescription"]["text"]
    cwe = {"LF106": "CWE-829", "LF008": "CWE-1395"}.get(r["id"], "CWE-502")
    assert cwe in r["properties"]["tags"] and "external/cwe/" + cwe.lower() in r["properties"]["tags"], r
    float(r["properties"]["security-severity"])
res = run["results"]
assert len(res) == 4, len(res)
for r in res:
    assert r["ruleId"] in ids and r["message"]["text"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1
lf001 = [r for r in res if r["ruleId"] == "LF001" and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "unsafe.py"][0]
rep = lf001["fixes"][0]["artifactChanges"][0]["replacements"][0]
assert rep["insertedContent"]["text"] == ", weights_only=True"
assert rep["deletedRegion"]["byteOffset"] == 38 and rep["deletedRegion"]["byteLength"] == 0
assert rep["deletedRegion"]["startLine"] == 2 and rep["deletedRegion"]["startColumn"] == 26
lf002 = [r for r in res if r["ruleId"] == "LF002"][0]
assert lf002["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "True"
weird = [r for r in res if "ird" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]][0]
assert weird["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "we%01ird%20%FF%22name%5C.py", weird
PY

# JSON with a hostile file name stays valid JSON.
expect_status "json with odd names" 1 "$LOADFIX" --output-format json "$weird" unsafe.py
printf '%s\n' "$OUT" >report.json
expect "json parses; the name is escaped" /usr/bin/python3 -c '
import json
r = json.load(open("report.json"))
assert r[1]["path"] == "we\x01ird \ufffd\"name\\.py", repr(r[1]["path"])
'

# GitHub annotations.
expect_status "github" 1 "$LOADFIX" --output-format github unsafe.py mixed.py
expect "github annotation" contains "$OUT" '::error file=unsafe.py,line=2,col=9,endLine=2,endColumn=27,title=LF001 torch-load-without-weights-only::`torch.load` without `weights_only=True`'
expect "github warning for LF004" contains "$OUT" '::warning file=mixed.py,line=3,col=5'
expect "one line per finding" test "$(printf '%s\n' "$OUT" | grep -c '^::')" = 3
expect_status "github names files repository-relative" 1 "$LOADFIX" --output-format github ./unsafe.py
expect "github: no ./ prefix" contains "$OUT" '::error file=unsafe.py,line=2'
expect_status "github escapes" 1 "$LOADFIX" --output-format github "$weird"
expect "github: control bytes escaped" contains "$OUT" '::error file=we\x01ird \xFF"name\\.py,line=2'
expect "github: nothing raw" eval '! printf "%s" "$OUT" | grep -qP "[\x00-\x08\x0b-\x1f\x7f]"'

# --statistics.
expect_status "statistics" 1 "$LOADFIX" --statistics unsafe.py mixed.py plain.py
expect "statistics LF001 line" contains "$OUT" $'    1\tLF001\t[*] torch-load-without-weights-only'
expect "statistics LF004 line" contains "$OUT" $'    1\tLF004\ttorch-load-as-value'
expect "statistics hides per-finding lines" eval '! contains "$OUT" "unsafe.py:2:9"'
expect "statistics counts files checked and parsed" contains "$OUT" $'files\t3 checked, 2 parsed'


# The progress line: on a terminal only.
mkdir many && for i in $(seq 1 30); do cp safe.py "many/f$i.py"; done
"$LOADFIX" many 2>progress.err >/dev/null
expect "no progress line when stderr is not a terminal" test ! -s progress.err
if command -v script >/dev/null; then
  script -qec "\"$LOADFIX\" -j 1 many >/dev/null" /dev/null >tty.out 2>&1
  expect "progress line on a terminal" grep -q "loadfix: 30/30 files" tty.out
else
  fail "script(1) (util-linux) is needed to test the progress line"
fi

finish
