#!/usr/bin/env bash
# Writing fixed files: in place, whole, mode and owner kept, links kept,
# failures reported.  (Injected I/O faults: faults.sh.)
source "$(dirname "$0")/lib.sh"

unsafe='import torch\nstate = torch.load("a.pt")\n'
fixed='import torch\nstate = torch.load("a.pt", weights_only=True)\n'
UNSAFE=$(printf "$unsafe")
FIXED=$(printf "$fixed")

no_temp_files() { [ -z "$(find "${1:-.}" -name '.loadfix-*' 2>/dev/null)" ]; }

# Root ignores permission bits, so permission tests run as an unprivileged
# user when we are root.
run_unprivileged() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
  else
    "$@"
  fi
}
# Files the unprivileged user must be able to fix.
give_away() { if [ "$(id -u)" = 0 ]; then chown nobody:nogroup "$@"; fi; }

printf "$unsafe" >mode.py
chmod 0640 mode.py
expect_status "fix keeps mode" 0 "$LOADFIX" --fix mode.py
expect "content fixed" test "$(cat mode.py)" = "$FIXED"
expect "mode is still 640" test "$(stat -c %a mode.py)" = 640
expect "no temporary file left" no_temp_files

# A directory we may not write: reported with exit 2, the file left
# unchanged, and the other files are still fixed.
mkdir ro && printf "$unsafe" >ro/locked.py && printf "$unsafe" >other.py
chmod 0644 ro/locked.py other.py
give_away ro/locked.py other.py
chmod 0555 ro
chmod 0777 .
expect_status "unwritable directory" 2 run_unprivileged "$LOADFIX" --fix ro/locked.py other.py
expect "error names the file and the reason" contains "$ERR" "loadfix: ro/locked.py: cannot write the fixed file: cannot create a temporary file in ro: Permission denied"
expect "one error line" test "$(printf '%s\n' "$ERR" | grep -c '^loadfix: ')" = 1
expect "unwritable file unchanged" test "$(cat ro/locked.py)" = "$UNSAFE"
expect "the other file was fixed" test "$(cat other.py)" = "$FIXED"
expect "no temporary file in ro" no_temp_files ro
expect "the unwritten file's finding is still reported" contains "$OUT" "ro/locked.py:2:9: LF001"
chmod 0755 ro

# A file that cannot be read.
printf "$unsafe" >secret.py && chmod 0000 secret.py
expect_status "unreadable file" 2 run_unprivileged "$LOADFIX" --fix secret.py
expect "unreadable reason" contains "$ERR" "loadfix: secret.py: Permission denied"
chmod 0644 secret.py
expect "unreadable file unchanged" test "$(cat secret.py)" = "$UNSAFE"

# Owner and group are kept when root fixes another user's file.
if [ "$(id -u)" = 0 ]; then
  printf "$unsafe" >owned.py && chown nobody:nogroup owned.py && chmod 0604 owned.py
  expect_status "root fixes another user's file" 0 "$LOADFIX" --fix owned.py
  expect "owner kept" test "$(stat -c %U:%G owned.py)" = nobody:nogroup
  expect "mode kept" test "$(stat -c %a owned.py)" = 604
  expect "owned file fixed" test "$(cat owned.py)" = "$FIXED"
fi

# A symbolic link: the file it points to is fixed, the link stays a link.
mkdir -p real linkdir
printf "$unsafe" >real/target.py && chmod 0600 real/target.py
ln -s ../real/target.py linkdir/link.py
expect_status "fix through a symlink" 0 "$LOADFIX" --fix linkdir/link.py
expect "the link is still a link" test -L linkdir/link.py
expect "the link still points to the same place" test "$(readlink linkdir/link.py)" = ../real/target.py
expect "the target is fixed" test "$(cat real/target.py)" = "$FIXED"
expect "the target keeps its mode" test "$(stat -c %a real/target.py)" = 600
expect "no temporary file next to the link or the target" no_temp_files
# A chain of links, and a relative link in the same directory.
printf "$unsafe" >real/chain.py
ln -s chain.py real/hop1.py && ln -s hop1.py real/hop2.py
expect_status "fix through a chain of links" 0 "$LOADFIX" --fix real/hop2.py
expect "chain target fixed" test "$(cat real/chain.py)" = "$FIXED"
expect "chain links kept" eval 'test -L real/hop1.py && test -L real/hop2.py'
# A dangling link named on the command line: an error, nothing created.
ln -s nowhere.py dangling.py
expect_status "dangling link" 2 "$LOADFIX" --fix dangling.py
expect "dangling link reason" contains "$ERR" "dangling.py: No such file or directory"
expect "dangling link not materialised" eval '! test -e nowhere.py'

# Hard links: the file is rewritten in place, so every name sees the fix.
printf "$unsafe" >hard1.py && chmod 0640 hard1.py && ln hard1.py hard2.py
inode=$(stat -c %i hard1.py)
expect_status "fix a hard-linked file" 0 "$LOADFIX" --fix hard1.py
expect "first name fixed" test "$(cat hard1.py)" = "$FIXED"
expect "second name sees the fix" test "$(cat hard2.py)" = "$FIXED"
expect "still one inode, two links" test "$(stat -c %i:%h hard2.py)" = "$inode:2"
expect "hard link keeps its mode" test "$(stat -c %a hard1.py)" = 640
expect "no backup left" no_temp_files
# Shorter than before: the file is truncated to the new length
# (--unsafe-fixes turns False into True, one byte shorter).
printf 'import torch\nx = torch.load(p, weights_only=False)\n# tail\n' >short1.py && ln short1.py short2.py
expect_status "in-place fix that shrinks the file" 0 "$LOADFIX" --fix --unsafe-fixes short1.py
expect "shrunk content exact" test "$(cat short2.py)" = "$(printf 'import torch\nx = torch.load(p, weights_only=True)\n# tail\n')"
# Both names walked in one run: fixed once, the second finds nothing to do.
mkdir both && printf "$unsafe" >both/a.py && ln both/a.py both/b.py
expect_status "both hard links in one run" 0 "$LOADFIX" --fix -j1 both
expect "both names fixed" eval 'test "$(cat both/a.py)" = "$FIXED" && test "$(cat both/b.py)" = "$FIXED"'
# A hard-linked file we may not write: refused, both names unchanged.
printf "$unsafe" >hl_ro1.py && chmod 0444 hl_ro1.py && ln hl_ro1.py hl_ro2.py
expect_status "read-only hard-linked file" 2 run_unprivileged "$LOADFIX" --fix hl_ro1.py
expect "read-only hard link unchanged" test "$(cat hl_ro2.py)" = "$UNSAFE"
expect "no temporary file" no_temp_files

# CRLF, tabs and a BOM survive byte for byte around the edit.
printf '\xef\xbb\xbfimport torch\r\nif 1:\r\n\tx = torch.load(\r\n\t\tp\r\n\t)\r\n' >crlf.py
expect_status "crlf fix" 0 "$LOADFIX" --fix crlf.py
expect "crlf bytes" test "$(od -An -c crlf.py | tr -s ' \n' ' ')" = "$(printf '\xef\xbb\xbfimport torch\r\nif 1:\r\n\tx = torch.load(\r\n\t\tp,\r\n\t\tweights_only=True\r\n\t)\r\n' | od -An -c | tr -s ' \n' ' ')"

expect "no temporary file anywhere" no_temp_files
finish
