#!/usr/bin/env bash
# [tool.loadfix] in pyproject.toml: the reader agrees with Python's own TOML
# parser (tomllib) on real-world-shaped files, rejects bad ones with the file
# and line, and the settings change what is checked and fixed.
source "$(dirname "$0")/lib.sh"
: "${SOURCE_ROOT:?}"
FIXTURES=$SOURCE_ROOT/tests/config

# 1. Differential: every fixture, read by loadfix and by tomllib.
for f in "$FIXTURES"/*.toml; do
  name=$(basename "$f")
  "$LOADFIX" --config "$f" --show-settings >settings.json 2>settings.err
  status=$?
  if [ "$status" != 0 ]; then
    fail "$name: --show-settings exit $status: $(cat settings.err)"
    continue
  fi
  expect "$name: loadfix reads what tomllib reads" /usr/bin/python3 - "$f" settings.json <<'PY'
import json, sys, tomllib
toml = tomllib.load(open(sys.argv[1], "rb")).get("tool", {}).get("loadfix", {})
got = json.load(open(sys.argv[2]))
codes = ["LF001", "LF002", "LF003", "LF004", "LF005", "LF006", "LF007", "LF008", "LF101", "LF102", "LF103", "LF104", "LF105", "LF106"]
def names(selectors):
    return {c for c in codes for s in selectors if s == "ALL" or c.startswith(s)}
want_rules = names(toml.get("select", ["ALL"])) - names(toml.get("ignore", []))
assert set(got["rules"]) == want_rules, (got["rules"], want_rules)
defaults = [".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", "site-packages", ".*"]
assert got["exclude"] == toml.get("exclude", defaults), (got["exclude"], toml.get("exclude"))
assert got["extend-exclude"] == toml.get("extend-exclude", []), got["extend-exclude"]
assert got["unsafe-fixes"] == toml.get("unsafe-fixes", False)
assert got["per-file-ignores"] == toml.get("per-file-ignores", {}), (got["per-file-ignores"], toml.get("per-file-ignores"))
assert got["target-torch-version"] == toml.get("target-torch-version"), got["target-torch-version"]
assert (got["config"] is not None) == bool(sys.argv[1])
PY
done

# 2. Invalid files: exit 2, the file and the line named.
for f in "$FIXTURES"/invalid/*.toml; do
  name=$(basename "$f")
  expect_status "invalid $name" 2 "$LOADFIX" --config "$f" --show-settings
  case "$name" in
  unknown_rule.toml) expect "$name: message" contains "$ERR" "unknown rule selector 'XX1' in [tool.loadfix] select" ;;
  empty_selector.toml) expect "$name: message" contains "$ERR" "empty rule selector in [tool.loadfix] select" ;;
  *) expect "$name: names the file and the line" contains "$ERR" "loadfix: $f: line " ;;
  esac
done
expect_status "missing --config file" 2 "$LOADFIX" --config nowhere.toml
expect "missing config reason" contains "$ERR" "nowhere.toml: No such file or directory"

# 3. Behaviour in a project.
unsafe='import torch\nstate = torch.load("a.pt")\n'
explicit='import torch\nstate = torch.load("a.pt", weights_only=False)\n'
mkdir -p proj/src/pkg proj/tests proj/vendored proj/sub
printf "$unsafe" >proj/src/pkg/a.py
printf "$unsafe" >proj/tests/test_a.py
printf "$unsafe" >proj/vendored/v.py
printf "$explicit" >proj/src/pkg/b.py
cat >proj/pyproject.toml <<'TOML'
[project]
name = "proj"

[tool.loadfix]
exclude = ["vendored"]
unsafe-fixes = true
per-file-ignores = { "tests/*" = ["LF001"] }
TOML
expect_status "config applies" 1 "$LOADFIX" proj
expect "found via the first path" contains "$OUT" "proj/src/pkg/a.py:2:9: LF001"
expect "exclude from config" eval '! contains "$OUT" vendored'
expect "per-file-ignores" eval '! contains "$OUT" test_a.py'
expect "unsafe-fixes from config marks LF002 fixable" contains "$OUT" "proj/src/pkg/b.py:2:28: LF002 [*]"
expect_status "--isolated ignores it" 1 "$LOADFIX" --isolated proj
expect "--isolated: tests and vendored are checked" eval 'contains "$OUT" test_a.py && contains "$OUT" vendored/v.py'
expect_status "--select on the command line wins" 1 "$LOADFIX" --select LF002 proj
expect "--select LF002 only" eval '! contains "$OUT" LF001'
(cd proj/src/pkg && "$LOADFIX" --show-settings >../../../found.json)
expect "nearest pyproject.toml from a subdirectory" grep -q '"config": ".*proj/pyproject.toml"' found.json
printf '[project]\nname = "sub"\n' >proj/sub/pyproject.toml
(cd proj/sub && "$LOADFIX" --show-settings >../../skip.json)
expect "a pyproject.toml without [tool.loadfix] is passed over" grep -q '"config": ".*proj/pyproject.toml"' skip.json
cp -r proj proj2
expect_status "--fix with unsafe-fixes from config" 0 "$LOADFIX" --fix proj2
expect "LF002 fixed by config" grep -q 'weights_only=True' proj2/src/pkg/b.py
expect "per-file-ignored file untouched" test "$(cat proj2/tests/test_a.py)" = "$(printf "$unsafe")"
expect_status "--extend-exclude on the command line" 0 "$LOADFIX" --extend-exclude 'src' proj
expect "--extend-exclude src" eval '! contains "$OUT" src/pkg'

finish
