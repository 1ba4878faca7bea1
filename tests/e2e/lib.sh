# Shared helpers for the end-to-end scripts (sourced, not run).
# $LOADFIX is the binary under test; each script works in its own temp dir.
set -uo pipefail
: "${LOADFIX:?set LOADFIX to the loadfix binary}"
export LC_ALL=C
WORK=$(mktemp -d)
trap 'chmod -R u+rwX "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "ok: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1"; }

# expect_status NAME WANT COMMAND...: runs COMMAND, captures out/err in
# $OUT/$ERR, and checks its exit status.
expect_status() {
  local name=$1 want=$2
  shift 2
  "$@" >"$WORK/.out" 2>"$WORK/.err" </dev/null
  STATUS=$?
  OUT=$(cat "$WORK/.out")
  ERR=$(cat "$WORK/.err")
  if [ "$STATUS" = "$want" ]; then pass "$name (exit $want)"; else fail "$name: exit $STATUS, want $want; stderr: $ERR"; fi
}

# expect NAME CONDITION-COMMAND...
expect() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

contains() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}
