#!/usr/bin/env bash
# The command-line contract: exit statuses, modes, options, report formats.
source "$(dirname "$0")/lib.sh"

printf 'import torch\nstate = torch.load("a.pt")\n' >unsafe.py
printf 'import torch\nstate = torch.load("a.pt", weights_only=True)\n' >safe.py
printf 'import torch\nstate = torch.load("a.pt", weights_only=False)\n' >explicit.py
printf 'import torch\nstate = torch.load("a.pt", pickle_module=p)\n' >unfixable.py

# Exit statuses.
expect_status "clean file" 0 "$LOADFIX" safe.py
expect "clean file says so" contains "$OUT" "All checks passed!"
expect_status "finding" 1 "$LOADFIX" unsafe.py
expect "text report line" contains "$OUT" 'unsafe.py:2:9: LF001 [*] `torch.load` without'
expect "summary line" contains "$OUT" "Found 1 finding (1 fixable with --fix)."
expect_status "--exit-zero" 0 "$LOADFIX" --exit-zero unsafe.py
expect_status "missing path" 2 "$LOADFIX" no-such-file.py
expect "missing path names the file and the reason" contains "$ERR" "no-such-file.py: No such file or directory"
expect "no success line when a file could not be checked" eval '! contains "$OUT$ERR" "All checks passed"'
expect_status "missing path under --fix" 2 "$LOADFIX" --fix no-such-file.py
expect "no success line under --fix either" eval '! contains "$OUT$ERR" "All checks passed"'
expect_status "missing path does not stop the others" 2 "$LOADFIX" no-such-file.py unsafe.py
expect "other files still reported" contains "$OUT" "unsafe.py:2:9: LF001"
expect_status "unknown option" 2 "$LOADFIX" --frobnicate
expect_status "unknown rule" 2 "$LOADFIX" --select XX999 unsafe.py
expect "unknown rule message" contains "$ERR" "unknown rule selector 'XX999'"
expect_status "bad output format" 2 "$LOADFIX" --output-format yaml unsafe.py
expect_status "--fix with --diff" 2 "$LOADFIX" --fix --diff unsafe.py
expect_status "--version" 0 "$LOADFIX" --version
expect "--version prints a version" contains "$OUT" "loadfix 0."
expect_status "--help" 0 "$LOADFIX" --help
expect "--help lists the rules" contains "$OUT" "LF004"

# --select / --ignore.
expect_status "--select LF002 skips LF001" 0 "$LOADFIX" --select LF002 unsafe.py
expect_status "--select LF00 prefix" 1 "$LOADFIX" --select LF00 unsafe.py
expect_status "--ignore LF001" 0 "$LOADFIX" --ignore LF001 unsafe.py
expect_status "--ignore one of two" 1 "$LOADFIX" --ignore LF001 unsafe.py explicit.py
expect "--ignore keeps LF002" contains "$OUT" "explicit.py:2:28: LF002"

# --quiet keeps findings, drops the summary.
expect_status "--quiet" 1 "$LOADFIX" --quiet unsafe.py
expect "--quiet has no summary" eval '! contains "$OUT" "Found"'

# Unsafe fixes: shown as available only with --unsafe-fixes, applied only with --fix.
expect_status "LF002 report" 1 "$LOADFIX" explicit.py
expect "LF002 without [*]" eval '! contains "$OUT" "[*]"'
expect "hint about --unsafe-fixes" contains "$OUT" "1 more fix is available with --unsafe-fixes."
expect_status "LF002 report with --unsafe-fixes" 1 "$LOADFIX" --unsafe-fixes explicit.py
expect "LF002 with [*]" contains "$OUT" "LF002 [*]"
cp explicit.py e1.py
expect_status "--fix leaves the unsafe fix alone" 1 "$LOADFIX" --fix e1.py
expect "e1.py unchanged" cmp -s e1.py explicit.py
expect_status "--fix --unsafe-fixes applies it" 0 "$LOADFIX" --fix --unsafe-fixes e1.py
expect "e1.py now True" grep -q 'weights_only=True)' e1.py

# --fix: exit 0 when everything was fixed, 1 when findings remain.
cp unsafe.py u1.py
expect_status "--fix all fixed" 0 "$LOADFIX" --fix u1.py
expect "--fix summary" contains "$ERR$OUT" "Found 1 finding (1 fixed, 0 remaining)."
cp unfixable.py n1.py
expect_status "--fix unfixable remains" 1 "$LOADFIX" --fix n1.py
expect "unfixable file untouched" cmp -s n1.py unfixable.py
expect "remaining finding reported" contains "$OUT" "n1.py:2:9: LF001 \`torch.load\`"

# --diff changes nothing; exit 1 when non-empty, 0 when empty.
cp unsafe.py d1.py
expect_status "--diff non-empty" 1 "$LOADFIX" --diff d1.py
expect "--diff did not write" cmp -s d1.py unsafe.py
expect "--diff headers" contains "$OUT" "--- a/d1.py"
expect "--diff hunk" contains "$OUT" '+state = torch.load("a.pt", weights_only=True)'
expect_status "--diff empty" 0 "$LOADFIX" --diff safe.py unfixable.py
expect "--diff empty prints no diff" test -z "$OUT"
mkdir -p sub && cp unsafe.py sub/x.py
"$LOADFIX" --diff sub >patch.diff 2>/dev/null
expect "--diff applies with patch -p1" patch -s -p1 <patch.diff
expect "patched file fixed" grep -q 'weights_only=True' sub/x.py

# A file name with a space, walked from ".": git apply refuses "a/./x" and
# GNU patch needs git's tab after a name with a space.
mkdir -p spaced && printf 'import torch\nx = torch.load(p)\n' >"spaced/a file.py"
(cd spaced && "$LOADFIX" --diff . >../spaced.diff 2>/dev/null)
expect "--diff header names the file without ./" grep -q '^--- a/a file.py' spaced.diff
expect "git apply accepts a walked name with a space" sh -c 'cd spaced && git apply --check ../spaced.diff'
expect "patch -p1 accepts a walked name with a space" sh -c 'cd spaced && patch -s -p1 <../spaced.diff && grep -q weights_only "a file.py"'

# The stdin filter.
expect_status "--fix - fixes stdin" 0 sh -c "\"$LOADFIX\" --fix - <unsafe.py"
expect "--fix - prints the fixed source" test "$OUT" = "$(printf 'import torch\nstate = torch.load("a.pt", weights_only=True)')"
expect_status "--fix - passes clean source through" 0 sh -c "\"$LOADFIX\" --fix - <safe.py"
expect "clean source unchanged" test "$OUT" = "$(cat safe.py)"
expect_status "--fix - unfixable: source unchanged, report on stderr" 1 sh -c "\"$LOADFIX\" --fix --stdin-filename model/io.py - <unfixable.py"
expect "stdin source unchanged" test "$OUT" = "$(cat unfixable.py)"
expect "stdin report names --stdin-filename" contains "$ERR" "model/io.py:2:9: LF001"
expect_status "stdin report" 1 sh -c "\"$LOADFIX\" - <unsafe.py"
expect "stdin default name" contains "$OUT" "-:2:9: LF001"
expect_status "--fix - with other paths" 2 "$LOADFIX" --fix - unsafe.py
printf 'import torch\nx = torch.load(\n' | "$LOADFIX" --fix - >broken.out 2>/dev/null
expect "--fix - on a syntax error passes the source through" test "$(cat broken.out)" = "$(printf 'import torch\nx = torch.load(\n')"

# JSON report: valid, with the documented fields.
expect_status "json" 1 "$LOADFIX" --output-format json unsafe.py explicit.py
printf '%s' "$OUT" >report.json
expect "json parses and has fields" /usr/bin/python3 -c '
import json, sys
r = json.load(open("report.json"))
assert len(r) == 2, r
a, b = r
assert a["path"] == "explicit.py" and a["code"] == "LF002" and a["fix"]["applicability"] == "unsafe"
assert a["fix"]["applied_with_options"] is False
assert b["code"] == "LF001" and b["start"] == {"line": 2, "column": 9, "offset": 21} and b["end"]["offset"] == 39
assert b["fix"]["edits"] == [{"content": ", weights_only=True", "start": {"line": 2, "column": 26, "offset": 38}, "end": {"line": 2, "column": 26, "offset": 38}}]
'
expect_status "json empty" 0 "$LOADFIX" --output-format json safe.py
expect "json empty is []" test "$(printf '%s' "$OUT" | tr -d ' \n')" = "[]"

# Columns count characters, not bytes.
printf 'import torch\né = torch.load("a.pt")\n' >utf8.py
expect_status "utf8 column" 1 "$LOADFIX" utf8.py
expect "column in characters" contains "$OUT" "utf8.py:2:5: LF001"

# Threads do not change the output.
mkdir -p many
for i in $(seq 1 40); do cp unsafe.py "many/m$i.py"; cp safe.py "many/s$i.py"; done
"$LOADFIX" -j 1 many >one.txt 2>&1
"$LOADFIX" -j 4 many >four.txt 2>&1
# The exact report, in path order (bytewise: m1, m10, ..., m19, m2, m20, ...):
# every unsafe file once, no safe file, then the summary.  An empty or
# truncated report fails here (a bare `sort -c` would accept it).
for i in $(seq 1 40); do echo "many/m$i.py"; done | sort >want-order.txt
{
  while read -r f; do echo "$f:2:9: LF001 [*] \`torch.load\` without \`weights_only=True\` can run code from a crafted checkpoint"; done <want-order.txt
  echo "Found 40 findings (40 fixable with --fix)."
} >want-one.txt
expect "-j 1 report has 41 lines" test "$(wc -l <one.txt)" -eq 41
expect "-j 1 report is every finding in path order, then the summary" cmp -s want-one.txt one.txt
expect "-j 4 output equals -j 1 output" cmp -s one.txt four.txt

# An empty selector is an error, not "every rule off" (`--select "$RULES"`
# with RULES unset would otherwise pass every file).
expect_status "--select '' is refused" 2 "$LOADFIX" --isolated --select "" unsafe.py
expect "empty selector message" contains "$ERR" "empty rule selector"
expect_status "--select ',' is refused" 2 "$LOADFIX" --isolated --select "," unsafe.py
# A thread count is range-checked before it is narrowed.
expect_status "-j 4294967297 does not wrap to 1" 2 "$LOADFIX" -j 4294967297 unsafe.py
# A first path that does not exist still finds the configuration.
mkdir -p cfgdir && printf '[tool.loadfix]\nselect = ["LF002"]\n' >cfgdir/pyproject.toml
printf 'import torch\ntorch.load(p)\n' >cfgdir/real.py
expect_status "missing first path, configuration still read" 2 "$LOADFIX" cfgdir/missing.py cfgdir/real.py
expect "select = [LF002] applied to the other path" eval '! contains "$OUT" "LF001"'

# The rules beyond torch are on by default; --select LF0 keeps torch's alone.
printf 'import pickle, torch\nx = pickle.loads(b)\ny = torch.load(p)\n' >mixed_loaders.py
expect_status "LF101 on by default" 1 "$LOADFIX" --isolated mixed_loaders.py
expect "pickle.loads reported" contains "$OUT" "mixed_loaders.py:2:5: LF101"
expect_status "--select LF0" 1 "$LOADFIX" --isolated --select LF0 mixed_loaders.py
expect "--select LF0: torch.load only" eval 'contains "$OUT" "mixed_loaders.py:3:5: LF001" && ! contains "$OUT" LF101'

finish
