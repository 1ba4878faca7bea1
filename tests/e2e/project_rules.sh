#!/usr/bin/env bash
# Project-level rules: LF008 (the torch requirement admits a vulnerable
# release), LF006 (TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD outside Python),
# target-torch-version, and LF001's version-aware messages and fixes.
# Each case builds a small tree and asserts exact report lines.
source "$(dirname "$0")/lib.sh"

unsafe='import torch\nstate = torch.load("a.pt")\n'
hub='import torch\nsd = torch.hub.load_state_dict_from_url("https://x/y.pt")\n'
BYPASS='weights_only=True can be bypassed to run code (CVE-2025-32434, fixed in 2.6.0)'
MEMORY='the weights-only unpickler has memory-safety bugs (CVE-2026-24747, fixed in 2.10.0)'
REQUIRE='require torch>=2.10.0'

# tree DIR: a fresh directory, entered by the caller's commands via -C-less paths.
tree() { rm -rf "$1" && mkdir -p "$1"; }

# ---- 1. each kind of requirement file --------------------------------------
tree req && printf 'numpy\ntorch>=2.0,<3\n' >req/requirements.txt
expect_status "requirements.txt: LF008" 1 "$LOADFIX" req
expect "requirements.txt: the exact line" test "$OUT" = "req/requirements.txt:2:1: LF008 \`torch>=2.0,<3\` admits 2.0, where $BYPASS and $MEMORY; $REQUIRE
Found 1 finding (0 fixable with --fix)."

tree pp && cat >pp/pyproject.toml <<'TOML'
[project]
name = "pp"
dependencies = [
    "numpy",
    "torch>=2.6",
]
TOML
expect_status "pyproject.toml: LF008" 1 "$LOADFIX" pp
expect "pyproject.toml: line and column of the string's text" test "$OUT" = "pp/pyproject.toml:5:6: LF008 \`torch>=2.6\` admits 2.6, where $MEMORY; $REQUIRE
Found 1 finding (0 fixable with --fix)."

tree cfg && printf '[options]\ninstall_requires =\n    torch==2.5.1\n' >cfg/setup.cfg
expect_status "setup.cfg: LF008" 1 "$LOADFIX" cfg
expect "setup.cfg: the exact line" test "$OUT" = "cfg/setup.cfg:3:5: LF008 \`torch==2.5.1\` admits 2.5.1, where $BYPASS and $MEMORY; $REQUIRE
Found 1 finding (0 fixable with --fix)."

tree spy && printf 'from setuptools import setup\nsetup(name="x", install_requires=["torch~=2.7"])\n' >spy/setup.py
expect_status "setup.py: LF008" 1 "$LOADFIX" spy
expect "setup.py: the exact line" test "$OUT" = "spy/setup.py:2:36: LF008 \`torch~=2.7\` admits 2.7, where $MEMORY; $REQUIRE
Found 1 finding (0 fixable with --fix)."

tree conda && printf 'name: x\ndependencies:\n  - python=3.11\n  - pytorch=2.1\n' >conda/environment.yml
expect_status "environment.yml: LF008" 1 "$LOADFIX" conda
expect "environment.yml: the exact line" contains "$OUT" "conda/environment.yml:4:5: LF008 \`pytorch=2.1\` admits 2.1"

tree unpinned && printf 'torch\n' >unpinned/requirements.txt
expect_status "unpinned torch: LF008" 1 "$LOADFIX" unpinned
expect "unpinned: says so" test "$OUT" = "unpinned/requirements.txt:1:1: LF008 \`torch\` pins no version, so it admits releases before 2.6.0, where $BYPASS and $MEMORY; $REQUIRE
Found 1 finding (0 fixable with --fix)."

tree safe && printf 'torch>=2.10\n' >safe/requirements.txt
expect_status "torch>=2.10: no LF008" 0 "$LOADFIX" safe
expect "torch>=2.10: all checks passed" test "$OUT" = "All checks passed!"

# ---- 2. formats, selection, suppression ------------------------------------
expect_status "json" 1 "$LOADFIX" --output-format json req
expect "json: one LF008 object" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert len(d) == 1, d
f = d[0]
assert f["path"] == "req/requirements.txt" and f["code"] == "LF008", f
assert f["start"] == {"line": 2, "column": 1, "offset": 6}, f["start"]
assert f["end"]["offset"] == 6 + len("torch>=2.0,<3"), f["end"]
assert "CVE-2025-32434" in f["message"] and f["fix"] is None, f
' "$OUT"
expect_status "sarif" 1 "$LOADFIX" --output-format sarif req
expect "sarif: the result and the rule's CWE" /usr/bin/python3 -c '
import json, sys
run = json.loads(sys.argv[1])["runs"][0]
rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
assert "CWE-1395" in rules["LF008"]["properties"]["tags"], rules["LF008"]
(res,) = run["results"]
assert res["ruleId"] == "LF008" and res["level"] == "error", res
loc = res["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"].endswith("req/requirements.txt"), loc
assert loc["region"]["startLine"] == 2 and loc["region"]["startColumn"] == 1, loc
' "$OUT"
expect_status "github" 1 "$LOADFIX" --output-format github req
expect "github: an ::error line on the file" contains "$OUT" '::error file=req/requirements.txt,line=2,col=1,endLine=2,endColumn=14,title=LF008 torch-requirement-admits-vulnerable-release::`torch>=2.0,<3` admits 2.0'
expect_status "--statistics" 1 "$LOADFIX" --statistics req
expect "--statistics counts LF008" contains "$OUT" "$(printf '    1\tLF008\ttorch-requirement-admits-vulnerable-release')"
expect_status "--select LF008" 1 "$LOADFIX" --select LF008 req
expect_status "--ignore LF008" 0 "$LOADFIX" --ignore LF008 req
expect "--ignore LF008: nothing" test "$OUT" = "All checks passed!"
expect_status "--select LF001 leaves LF008 out" 0 "$LOADFIX" --select LF001 req
tree noqa && printf 'torch>=2.0  # noqa: LF008\n' >noqa/requirements.txt
expect_status "# noqa: LF008 on the line" 0 "$LOADFIX" noqa
printf 'torch>=2.0  # noqa: LF001\n' >noqa/requirements.txt
expect_status "# noqa for another rule does not" 1 "$LOADFIX" noqa
tree pfi && printf 'torch\n' >pfi/requirements.txt && printf '[tool.loadfix]\nper-file-ignores = { "requirements.txt" = ["LF008"] }\n' >pfi/pyproject.toml
expect_status "per-file-ignores" 0 "$LOADFIX" pfi
expect_status "--exit-zero" 0 "$LOADFIX" --exit-zero req
# (torch>=2.0: the version facts still apply, and keep this fix safe)
tree stdin && printf 'torch>=2.0\n' >stdin/requirements.txt
(cd stdin && printf "$unsafe" | "$LOADFIX" --fix - >../stdin.out 2>../stdin.err)
expect "--fix -: no LF008, only the fixed source" test "$(cat stdin.out)" = "$(printf 'import torch\nstate = torch.load("a.pt", weights_only=True)')"
expect "--fix -: nothing about LF008 on stderr" eval '! grep -q LF008 stdin.err'

# Python files and project files together: the files first, then these.
tree mixed && printf 'torch>=2.0\n' >mixed/requirements.txt && printf "$unsafe" >mixed/z.py
expect_status "mixed" 1 "$LOADFIX" --select LF008,LF001 mixed
expect "mixed: python first, then the project files" test "$(printf '%s\n' "$OUT" | cut -d: -f1 | head -2 | tr '\n' ' ')" = "mixed/z.py mixed/requirements.txt "

# ---- 3. target-torch-version -----------------------------------------------
tree tgt && printf 'torch>=2.0\n' >tgt/requirements.txt && printf "$unsafe" >tgt/a.py
printf '[tool.loadfix]\ntarget-torch-version = "2.10.1"\n' >tgt/pyproject.toml
expect_status "target 2.10.1 overrides the requirement" 0 "$LOADFIX" --select LF008 tgt
expect_status "target 2.10.1: LF001 says default" 1 "$LOADFIX" --select LF001 tgt
expect "target 2.10.1: already weights-only" contains "$OUT" "tgt/a.py:2:9: LF001 [*] \`torch.load\` without \`weights_only=True\` is already weights-only by default"
printf '[tool.loadfix]\nselect = ["LF"]\ntarget-torch-version = "2.4"\n' >tgt/pyproject.toml
expect_status "target 2.4: LF008 on the key's line" 1 "$LOADFIX" --select LF008 tgt
expect "target 2.4: exact line" test "$OUT" = "tgt/pyproject.toml:3:1: LF008 target-torch-version = \"2.4\" admits 2.4, where $BYPASS and $MEMORY; $REQUIRE
Found 1 finding (0 fixable with --fix)."
printf '[tool.loadfix]\ntarget-torch-version = "latest"\n' >tgt/pyproject.toml
expect_status "target not a version: error" 2 "$LOADFIX" tgt
expect "target not a version: file and line" contains "$ERR" "tgt/pyproject.toml: line 2: 'target-torch-version' must be a PEP 440 version"

# ---- 4. version-aware LF001 ------------------------------------------------
tree new && printf 'torch>=2.6\n' >new/requirements.txt && printf "$unsafe" >new/a.py && printf "$hub" >new/h.py
expect_status "torch>=2.6: LF001" 1 "$LOADFIX" --select LF001 new
expect "torch>=2.6: explicit, safe fix" test "$OUT" = "new/a.py:2:9: LF001 [*] \`torch.load\` without \`weights_only=True\` is already weights-only by default on every torch the project admits (>= 2.6); the fix makes it explicit, so that TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD cannot switch it off
new/h.py:2:6: LF001 [*] \`torch.hub.load_state_dict_from_url\` without \`weights_only=True\` can run code from a crafted checkpoint
Found 2 findings (2 fixable with --fix)."
expect_status "torch>=2.6: --fix applies both" 0 "$LOADFIX" --fix --select LF001 new
expect "torch>=2.6: fixed" contains "$(cat new/a.py)" 'torch.load("a.pt", weights_only=True)'

tree old && printf 'torch>=1.10\n' >old/requirements.txt && printf "$unsafe" >old/a.py && printf "$hub" >old/h.py
expect_status "torch>=1.10: LF001" 1 "$LOADFIX" --select LF001 old
expect "torch>=1.10: unsafe, with the reason" test "$OUT" = "old/a.py:2:9: LF001 \`torch.load\` without \`weights_only=True\` can run code from a crafted checkpoint; the fix is unsafe: the project's torch requirement admits releases before 1.13, where \`torch.load\` has no \`weights_only\` (TypeError)
old/h.py:2:6: LF001 \`torch.hub.load_state_dict_from_url\` without \`weights_only=True\` can run code from a crafted checkpoint; the fix is unsafe: the project's torch requirement admits releases before 2.1, where \`torch.hub.load_state_dict_from_url\` has no \`weights_only\` (TypeError)
Found 2 findings (0 fixable with --fix).
2 more fixes are available with --unsafe-fixes."
expect_status "torch>=1.10: --fix leaves it" 1 "$LOADFIX" --fix --select LF001 old
expect "torch>=1.10: unchanged" test "$(cat old/a.py)" = "$(printf "$unsafe")"
# An unpinned torch says nothing about releases before 1.13 (pip installs the
# newest): LF001's fix stays safe there, and LF008 still reports the line.
tree plain && printf 'torch\n' >plain/requirements.txt && printf "$unsafe" >plain/a.py
expect_status "unpinned torch: --fix still fixes" 1 "$LOADFIX" --fix plain
expect "unpinned torch: weights_only=True added" grep -q 'weights_only=True' plain/a.py
expect "unpinned torch: LF008 remains" contains "$OUT" "plain/requirements.txt:1:1: LF008"

tree mid && printf 'torch>=2.1,<2.6\n' >mid/requirements.txt && printf "$hub" >mid/h.py && printf "$unsafe" >mid/a.py
expect_status "torch>=2.1,<2.6: LF001" 1 "$LOADFIX" --select LF001 mid
expect "torch>=2.1,<2.6: plain message, hub fix safe" test "$OUT" = "mid/a.py:2:9: LF001 [*] \`torch.load\` without \`weights_only=True\` can run code from a crafted checkpoint
mid/h.py:2:6: LF001 [*] \`torch.hub.load_state_dict_from_url\` without \`weights_only=True\` can run code from a crafted checkpoint
Found 2 findings (2 fixable with --fix)."

tree none && printf "$hub" >none/h.py
expect_status "no requirement: hub fix stays unsafe" 1 "$LOADFIX" --select LF001 none
expect "no requirement: as before" contains "$OUT" "the fix is unsafe: \`torch.hub.load_state_dict_from_url\` takes \`weights_only\` only since PyTorch 2.1"

# ---- 5. LF006 outside Python -----------------------------------------------
HATCH='sets TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD, which makes every torch.load that does not pass weights_only unpickle anything: crafted checkpoints run code again'
tree env && mkdir -p env/docker env/scripts env/.github/workflows env/node_modules
cat >env/Dockerfile <<'EOF'
FROM python:3.11
ENV TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
ENV TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD yes
ENV OTHER=1 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="True"
ENV TORCH_FORCE_WEIGHTS_ONLY_LOAD=1
ENV TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=0
# ENV TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
EOF
printf 'FROM x\nRUN TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=y python -c 1\n' >env/docker/train.dockerfile
cat >env/scripts/run.sh <<'EOF'
#!/bin/sh
export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=true python train.py
export TORCH_FORCE_WEIGHTS_ONLY_LOAD=1
echo "$TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"
MY_TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 true
export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1  # noqa: LF006
EOF
printf 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD="1"\n' >env/.env
printf 'export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=yes\n' >env/prod.env
printf 'export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\n' >env/node_modules/x.sh
printf 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1\n' >env/notes.txt
cat >env/.github/workflows/ci.yml <<'EOF'
on: push
env:
  TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD: "1"
jobs:
  test:
    runs-on: ubuntu-latest
    env:
      TORCH_FORCE_WEIGHTS_ONLY_LOAD: 1
    steps:
      - run: pytest
        env:
          TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD: true
      - with:
          TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD: 1
EOF
expect_status "LF006" 1 "$LOADFIX" env
expect "LF006: exact lines, in path order" test "$OUT" = "env/.env:1:1: LF006 the .env file $HATCH
env/.github/workflows/ci.yml:3:3: LF006 the workflow $HATCH
env/.github/workflows/ci.yml:12:11: LF006 the workflow $HATCH
env/Dockerfile:2:5: LF006 the Dockerfile $HATCH
env/Dockerfile:3:5: LF006 the Dockerfile $HATCH
env/Dockerfile:4:13: LF006 the Dockerfile $HATCH
env/docker/train.dockerfile:2:5: LF006 the Dockerfile $HATCH
env/prod.env:1:8: LF006 the .env file $HATCH
env/scripts/run.sh:2:8: LF006 the shell script $HATCH
env/scripts/run.sh:3:1: LF006 the shell script $HATCH
Found 10 findings (0 fixable with --fix)."
expect_status "LF006: --ignore" 0 "$LOADFIX" --ignore LF006 env
tree fine && printf 'ENV TORCH_FORCE_WEIGHTS_ONLY_LOAD=1\n' >fine/Dockerfile && printf 'export TORCH_FORCE_WEIGHTS_ONLY_LOAD=1\n' >fine/a.sh
expect_status "TORCH_FORCE_WEIGHTS_ONLY_LOAD=1 is not LF006" 0 "$LOADFIX" fine

finish
