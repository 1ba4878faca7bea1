#!/usr/bin/env bash
# Never lose or corrupt a file: I/O faults injected with the LD_PRELOAD shim
# tests/fault/libfault.so ($FAULT_SHIM), permission problems, files that
# change or vanish under us, closed and broken standard output, signals,
# and two runs at once.  Every failing case checks: exit 2, one error line
# naming the file and the OS's reason, the original byte for byte intact,
# no `.loadfix-*` temporary file left, the other files still fixed.
source "$(dirname "$0")/lib.sh"
: "${FAULT_SHIM:?set FAULT_SHIM to libfault.so (tests/fault)}"
case $FAULT_SHIM in /*) ;; *) FAULT_SHIM=$OLDPWD/$FAULT_SHIM ;; esac
case $LOADFIX in /*) ;; *) LOADFIX=$OLDPWD/$LOADFIX ;; esac
chmod 0777 "$WORK" # the unprivileged user works in here too

printf 'import torch\nstate = torch.load("a.pt")\nmodel = torch.load(\n    path,\n    map_location="cpu"\n)\n' >orig.ref
printf 'import torch\nstate = torch.load("a.pt", weights_only=True)\nmodel = torch.load(\n    path,\n    map_location="cpu",\n    weights_only=True\n)\n' >fixed.ref

no_temp_files() { [ -z "$(find "${1:-.}" -name '.loadfix-*' 2>/dev/null)" ]; }
error_lines() { printf '%s\n' "$ERR" | grep -c '^loadfix: '; }
faulty() { env LD_PRELOAD="$FAULT_SHIM" "$@"; }
run_unprivileged() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
  else
    "$@"
  fi
}

# new_case: a fresh directory `case` with a.py (the one that will fail) and
# b.py (which must still be fixed), both unsafe.
new_case() {
  chmod -R u+rwX case 2>/dev/null
  rm -rf case links
  mkdir case
  cp orig.ref case/a.py
  cp orig.ref case/b.py
  if [ "$(id -u)" = 0 ]; then chown -R nobody:nogroup case; fi
}

# check_failure NAME LINE: the checks every failing case shares.
check_failure() {
  local name=$1 line=$2
  expect "$name: one error line" test "$(error_lines)" = 1
  expect "$name: error names the file and the reason" contains "$ERR" "$line"
  expect "$name: a.py intact" cmp -s case/a.py orig.ref
  expect "$name: b.py still fixed" cmp -s case/b.py fixed.ref
  expect "$name: no temporary file" no_temp_files
}

# fault_case NAME LINE VAR=VALUE...: the first fault hits a.py only (-j1,
# sorted order, FAULT_TIMES=1).
fault_case() {
  local name=$1 line=$2
  shift 2
  new_case
  expect_status "$name" 2 faulty FAULT_TIMES=1 "$@" "$LOADFIX" --fix -j1 case
  check_failure "$name" "$line"
}

W="loadfix: case/a.py: cannot write the fixed file:"

# ---- failing system calls ---------------------------------------------------
fault_case "write ENOSPC" "$W No space left on device" FAULT_WRITE_ERRNO=ENOSPC
fault_case "short write, then ENOSPC" "$W No space left on device" FAULT_WRITE_ERRNO=ENOSPC FAULT_WRITE_AFTER=7
fault_case "write EDQUOT" "$W Disk quota exceeded" FAULT_WRITE_ERRNO=EDQUOT
fault_case "write EIO" "$W Input/output error" FAULT_WRITE_ERRNO=EIO
fault_case "fsync EIO" "$W Input/output error" FAULT_FSYNC_ERRNO=EIO
fault_case "rename EXDEV" "$W Invalid cross-device link" FAULT_RENAME_ERRNO=EXDEV
fault_case "rename EACCES" "$W Permission denied" FAULT_RENAME_ERRNO=EACCES
fault_case "rename EBUSY" "$W Device or resource busy" FAULT_RENAME_ERRNO=EBUSY

# ---- permissions (root ignores mode bits: run as nobody) --------------------
new_case
chmod 0555 case
expect_status "read-only directory" 2 run_unprivileged "$LOADFIX" --fix case/a.py
expect "read-only directory: reason" contains "$ERR" "$W cannot create a temporary file in case: Permission denied"
expect "read-only directory: one error line" test "$(error_lines)" = 1
expect "read-only directory: a.py intact" cmp -s case/a.py orig.ref
expect "read-only directory: no temporary file" no_temp_files
chmod 0755 case

new_case
chmod 0000 case/a.py
expect_status "file without read permission" 2 run_unprivileged "$LOADFIX" --fix case
chmod 0644 case/a.py
check_failure "file without read permission" "loadfix: case/a.py: Permission denied"

new_case
chmod 0444 case/a.py
expect_status "file without write permission" 2 run_unprivileged "$LOADFIX" --fix case
check_failure "file without write permission" "$W Permission denied"
expect "file without write permission: mode unchanged" test "$(stat -c %a case/a.py)" = 444

# ---- the file changes or vanishes under us ---------------------------------
new_case
expect_status "deleted between walk and read" 2 faulty FAULT_OPEN_DELETE=case/a.py "$LOADFIX" --fix -j1 case
expect "deleted: one error line" test "$(error_lines)" = 1
expect "deleted: reason" contains "$ERR" "loadfix: case/a.py: No such file or directory"
expect "deleted: not resurrected" test ! -e case/a.py
expect "deleted: b.py still fixed" cmp -s case/b.py fixed.ref
expect "deleted: no temporary file" no_temp_files

new_case
expect_status "replaced by a directory between walk and read" 2 faulty FAULT_OPEN_DIR=case/a.py "$LOADFIX" --fix -j1 case
expect "directory: one error line" test "$(error_lines)" = 1
expect "directory: reason" contains "$ERR" "loadfix: case/a.py: Is a directory"
expect "directory: still an empty directory" eval 'test -d case/a.py && test -z "$(ls -A case/a.py)"'
expect "directory: b.py still fixed" cmp -s case/b.py fixed.ref
expect "directory: no temporary file" no_temp_files

# Edited between reading and replacing: the edit wins, nothing is overwritten.
new_case
{ cat orig.ref; echo '# edited while loadfix was fixing this file'; } >edited.ref
expect_status "changed between read and write" 2 faulty FAULT_TEMP_MODIFY=case/a.py "$LOADFIX" --fix -j1 case
expect "changed: one error line" test "$(error_lines)" = 1
expect "changed: reason" contains "$ERR" "$W file changed since it was read; not overwritten"
expect "changed: the edit is kept" cmp -s case/a.py edited.ref
expect "changed: b.py still fixed" cmp -s case/b.py fixed.ref
expect "changed: no temporary file" no_temp_files

# ---- hard links: rewritten in place, restored on failure --------------------
# new_linked_case: as new_case, with a second name for a.py outside `case`.
new_linked_case() {
  new_case
  mkdir links
  ln case/a.py links/a.py
  INODE=$(stat -c %i case/a.py)
}
check_linked() {
  local name=$1
  expect "$name: the other name intact too" cmp -s links/a.py orig.ref
  expect "$name: still one inode with two names" test "$(stat -c %i:%h case/a.py)" = "$INODE:2"
  expect "$name: no backup left" no_temp_files
}
new_linked_case
expect_status "hard link: backup write ENOSPC" 2 faulty FAULT_TIMES=1 FAULT_WRITE_ERRNO=ENOSPC "$LOADFIX" --fix -j1 case
check_failure "hard link: backup write ENOSPC" "$W No space left on device"
check_linked "hard link: backup write ENOSPC"

new_linked_case
expect_status "hard link: in-place short write then ENOSPC" 2 faulty FAULT_TIMES=1 FAULT_MATCH=a.py \
  FAULT_WRITE_ERRNO=ENOSPC FAULT_WRITE_AFTER=20 "$LOADFIX" --fix -j1 case
check_failure "hard link: in-place ENOSPC, restored" "$W No space left on device"
check_linked "hard link: in-place ENOSPC, restored"

new_linked_case
expect_status "hard link: in-place fsync EIO" 2 faulty FAULT_TIMES=1 FAULT_MATCH=a.py FAULT_FSYNC_ERRNO=EIO \
  "$LOADFIX" --fix -j1 case
check_failure "hard link: in-place fsync EIO, restored" "$W Input/output error"
check_linked "hard link: in-place fsync EIO, restored"

new_linked_case
expect_status "hard link: changed between read and write" 2 faulty FAULT_TEMP_MODIFY=case/a.py "$LOADFIX" --fix -j1 case
expect "hard link changed: reason" contains "$ERR" "$W file changed since it was read; not overwritten"
expect "hard link changed: the edit is kept" cmp -s links/a.py edited.ref
expect "hard link changed: no backup left" no_temp_files

# The one documented exception: the in-place write fails and so does every
# attempt to restore: the backup is kept, named, and holds the original.
new_linked_case
expect_status "hard link: write and restore both fail" 2 faulty FAULT_MATCH=a.py FAULT_WRITE_ERRNO=EIO \
  FAULT_WRITE_AFTER=30 "$LOADFIX" --fix -j1 case
expect "unrestorable: one error line" test "$(error_lines)" = 1
expect "unrestorable: the backup is named" contains "$ERR" "$W Input/output error; restoring the original failed too, its content is kept in case/.loadfix-"
backup=$(find case -name '.loadfix-*')
expect "unrestorable: exactly one backup" test "$(printf '%s\n' "$backup" | grep -c .)" = 1
expect "unrestorable: the backup holds the original" cmp -s "$backup" orig.ref
rm -f "$backup"

# ---- standard output closed or broken ---------------------------------------
# Large enough that the output cannot fit in a pipe's buffer.
new_case
for i in $(seq 3000); do echo "x$i = torch.load(p$i)"; done | sed '1i import torch' >case/big.py
cp case/big.py big.ref
listing() { find case -printf '%p %s %T@\n' | sort; }

before=$(listing)
"$LOADFIX" --diff case >&- 2>"$WORK/.err"
STATUS=$?
ERR=$(cat "$WORK/.err")
expect "--diff, stdout closed: exit 2" test "$STATUS" = 2
expect "--diff, stdout closed: reported" contains "$ERR" "loadfix: cannot write to standard output: Bad file descriptor"
expect "--diff, stdout closed: nothing written" test "$(listing)" = "$before"

"$LOADFIX" --fix - <case/big.py >&- 2>"$WORK/.err"
STATUS=$?
ERR=$(cat "$WORK/.err")
expect "--fix -, stdout closed: exit 2" test "$STATUS" = 2
expect "--fix -, stdout closed: reported" contains "$ERR" "loadfix: cannot write to standard output"
expect "--fix -, stdout closed: nothing written" test "$(listing)" = "$before"

"$LOADFIX" --diff case 2>"$WORK/.err" | head -c 10 >/dev/null
STATUS=${PIPESTATUS[0]}
ERR=$(cat "$WORK/.err")
expect "--diff | head: exit 2" test "$STATUS" = 2
expect "--diff | head: reported" contains "$ERR" "loadfix: cannot write to standard output: Broken pipe"
expect "--diff | head: nothing written" test "$(listing)" = "$before"

"$LOADFIX" --fix - <case/big.py 2>"$WORK/.err" | head -c 10 >/dev/null
STATUS=${PIPESTATUS[0]}
ERR=$(cat "$WORK/.err")
expect "--fix - | head: exit 2" test "$STATUS" = 2
expect "--fix - | head: reported" contains "$ERR" "loadfix: cannot write to standard output: Broken pipe"
expect "--fix - | head: nothing written" test "$(listing)" = "$before"
expect "no temporary file after the stdout cases" no_temp_files

# --fix with stdout closed: the files are fixed, and not one byte of report
# text lands in them (a closed descriptor 1 must not be reused for a file).
rm -rf many many.ref && mkdir many
{ cat orig.ref; echo 'y = torch.load(q, pickle_module=pk)'; } >mixed.py # one fix, one finding left
for i in $(seq 60); do cp mixed.py many/f$i.py; done
cp -r many many.ref && "$LOADFIX" --fix many.ref >/dev/null 2>&1
"$LOADFIX" --fix -j4 many >&- 2>"$WORK/.err"
STATUS=$?
ERR=$(cat "$WORK/.err")
expect "--fix, stdout closed: exit 2" test "$STATUS" = 2
expect "--fix, stdout closed: reported" contains "$ERR" "loadfix: cannot write to standard output: Bad file descriptor"
bad=0
for f in many.ref/*.py; do cmp -s "$f" "many/${f#many.ref/}" || bad=$((bad + 1)); done
expect "--fix, stdout closed: all 60 files exactly fixed" test "$bad" = 0

# ---- signals ----------------------------------------------------------------
# wait_for_slow_write: until the shim says a slow write has begun (its
# FAULT_SLEEP_MARK file exists; at most ~20 s).
wait_for_slow_write() {
  for _ in $(seq 400); do
    [ -e "$WORK/slow-write" ] && return 0
    sleep 0.05
  done
  return 1
}
# signal_case NAME SIGNAL STATUS [THREADS]: the temporary file's write is slow;
# the signal arrives meanwhile.
signal_case() {
  local name=$1 sig=$2 want=$3 threads=${4:-1}
  new_case
  for i in 1 2 3 4; do cp orig.ref case/c$i.py; done
  # Background jobs of a script start with SIGINT ignored: reset it.
  rm -f "$WORK/slow-write"
  env --default-signal=INT LD_PRELOAD="$FAULT_SHIM" FAULT_WRITE_SLEEP_MS=3000 FAULT_SLEEP_MARK="$WORK/slow-write" \
    "$LOADFIX" --fix -j"$threads" case >/dev/null 2>"$WORK/.err" &
  local pid=$!
  expect "$name: the slow write begins" wait_for_slow_write
  expect "$name: its temporary file exists" test -n "$(find case -name '.loadfix-*')"
  sleep 0.1
  kill -"$sig" "$pid"
  wait "$pid"
  local status=$?
  expect "$name: exit $want" test "$status" = "$want"
  expect "$name: no temporary file" no_temp_files
  expect "$name: a.py intact" cmp -s case/a.py orig.ref
  local bad=0
  for f in case/*.py; do cmp -s "$f" orig.ref || cmp -s "$f" fixed.ref || bad=$((bad + 1)); done
  expect "$name: every file original or fixed" test "$bad" = 0
}
signal_case "SIGTERM while writing" TERM 143
signal_case "SIGINT while writing" INT 130
signal_case "SIGTERM with 3 threads writing" TERM 143 3
signal_case "SIGINT with 3 threads writing" INT 130 3

# SIGTERM during an in-place write of a hard-linked file: the write is
# finished (or rolled back), never cut short; then exit 143, no backup left.
new_linked_case
rm -f "$WORK/slow-write"
env LD_PRELOAD="$FAULT_SHIM" FAULT_MATCH=a.py FAULT_WRITE_SLEEP_MS=1500 FAULT_SLEEP_MARK="$WORK/slow-write" \
  "$LOADFIX" --fix -j1 case/a.py >/dev/null 2>"$WORK/.err" &
pid=$!
expect "in-place + SIGTERM: the in-place write begins" wait_for_slow_write
expect "in-place + SIGTERM: the backup exists" test -n "$(find case -name '.loadfix-*')"
sleep 0.1
kill -TERM "$pid"
wait "$pid"
STATUS=$?
expect "in-place + SIGTERM: exit 143" test "$STATUS" = 143
expect "in-place + SIGTERM: whole file, original or fixed" eval 'cmp -s case/a.py fixed.ref || cmp -s case/a.py orig.ref'
expect "in-place + SIGTERM: the write was finished" cmp -s links/a.py fixed.ref
expect "in-place + SIGTERM: no backup left" no_temp_files

# ---- two runs at once on the same tree ----------------------------------------
rm -rf tree ref && mkdir -p tree
templates=(
  'import torch\nx = torch.load("a.pt")\n'
  'import torch as th\n\ndef f(p):\n    return th.load(\n        p,\n        map_location="cpu",\n    )\n'
  'from torch import load\nm = load(p); n = load(q, map_location=None)\n'
  'import torch\nx = torch.load(p, weights_only=True)\n'
  'import torch\nx = torch.load(p, pickle_module=pk)\n'
)
for i in $(seq 200); do
  d=tree/d$((i % 7))
  mkdir -p "$d"
  printf "${templates[$((i % ${#templates[@]}))]}" >"$d/m$i.py"
done
cp -r tree ref
cp -r tree orig
"$LOADFIX" --fix ref >/dev/null 2>&1
for round in 1 2 3; do
  rm -rf tree && cp -r orig tree
  "$LOADFIX" --fix tree >/dev/null 2>"$WORK/.err1" &
  p1=$!
  "$LOADFIX" --fix tree >/dev/null 2>"$WORK/.err2" &
  p2=$!
  wait "$p1"; s1=$?
  wait "$p2"; s2=$?
  bad=0
  for f in $(cd orig && find . -name '*.py'); do
    cmp -s "tree/$f" "ref/$f" || cmp -s "tree/$f" "orig/$f" || { bad=$((bad + 1)); echo "mixed: $f"; }
  done
  expect "concurrent runs, round $round: every file original or correctly fixed" test "$bad" = 0
  expect "concurrent runs, round $round: no temporary file" no_temp_files tree
  expect "concurrent runs, round $round: exit statuses 1 or 2 (findings remain; a lost race is an error)" \
    eval "case $s1$s2 in [12][12]) true ;; *) false ;; esac"
  other=$(cat "$WORK/.err1" "$WORK/.err2" | grep '^loadfix: ' | grep -v 'file changed since it was read; not overwritten')
  expect "concurrent runs, round $round: no error but lost races" test -z "$other"
done

finish
