#!/usr/bin/env bash
# The GitHub Action (action.yml) offline: its YAML is a composite action
# whose scan step is scripts/action-scan and whose upload step is
# codeql-action's upload-sarif; the scan, run here in a real git repository
# as the action runs it, checks only the files changed since the base
# commit, writes a SARIF report and records loadfix's status.
. "$(dirname "$0")/lib.sh"
: "${SOURCE_ROOT:?}"

expect "action.yml is the composite action the README describes" /usr/bin/python3 - "$SOURCE_ROOT/action.yml" "$SOURCE_ROOT/doc/github-workflow.yml" <<'PY'
import sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
assert action["runs"]["using"] == "composite"
steps = action["runs"]["steps"]
runs = " ".join(s.get("run", "") for s in steps)
assert "scripts/bootstrap" in runs and "scripts/action-scan" in runs, runs
upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
assert len(upload) == 1 and upload[0]["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
assert action["inputs"]["since"]["default"] == "${{ github.event.pull_request.base.sha }}"
assert all(s.get("shell") == "bash" for s in steps if "run" in s)
workflow = yaml.safe_load(open(sys.argv[2]))
assert workflow["permissions"]["security-events"] == "write"
PY

export GIT_CONFIG_NOSYSTEM=1 HOME=$WORK GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
git init -q repo && cd repo || exit 1
printf 'import torch\nold = torch.load("a.pt")\n' >old.py
git add old.py && git commit -qm base
base=$(git rev-parse HEAD)
git checkout -q -b feature
printf 'import torch\nnew = torch.load("b.pt")\n' >new.py
git add new.py && git commit -qm feature

run_scan() { env GITHUB_OUTPUT="$WORK/output" LOADFIX="$LOADFIX" SARIF_FILE="$WORK/r.sarif" "$@" "$SOURCE_ROOT/scripts/action-scan"; }
: >"$WORK/output"
expect_status "the scan step, pull request" 0 run_scan SINCE="$base"
expect "status=1 recorded for the next step" grep -qx "status=1" "$WORK/output"
expect "only the file changed since the base is in the report" /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
uris = sorted({x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in r["results"]})
assert uris == ["new.py"], uris
assert all("loadfix/v1" in x["partialFingerprints"] for x in r["results"])' "$WORK/r.sarif"
: >"$WORK/output"
expect_status "the scan step, push (no base)" 0 run_scan SINCE= CATEGORY=py/backend
expect "the whole tree is in the report" /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
uris = sorted({x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in r["results"]})
assert uris == ["new.py", "old.py"], uris
assert r["automationDetails"]["id"] == "py/backend/", r["automationDetails"]' "$WORK/r.sarif"
: >"$WORK/output"
expect_status "the scan step, a base that cannot be fetched" 0 run_scan SINCE=0123456789abcdef0123456789abcdef01234567
expect "status=2 recorded (the job then fails)" grep -qx "status=2" "$WORK/output"

finish
