#!/usr/bin/env bash
# Writing fixed files: in place, whole, mode kept, failures reported.
source "$(dirname "$0")/lib.sh"

unsafe='import torch\nstate = torch.load("a.pt")\n'
fixed='import torch\nstate = torch.load("a.pt", weights_only=True)\n'

printf "$unsafe" >mode.py
chmod 0640 mode.py
expect_status "fix keeps mode" 0 "$LOADFIX" --fix mode.py
expect "content fixed" test "$(cat mode.py)" = "$(printf "$fixed")"
expect "mode is still 640" test "$(stat -c %a mode.py)" = 640
expect "no temporary file left" test -z "$(ls -A | grep loadfix)"

# A file that cannot be written: reported with exit 2, left unchanged, and
# the other files are still fixed.  Root ignores permission bits, so the
# fix runs as an unprivileged user when we are root.
mkdir ro && printf "$unsafe" >ro/locked.py && printf "$unsafe" >other.py
chmod 0555 ro
chmod 0644 ro/locked.py other.py
chmod 0777 .
run_unprivileged() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" = 0 ]; then chown nobody other.py; fi
expect_status "unwritable directory" 2 run_unprivileged "$LOADFIX" --fix ro/locked.py other.py
expect "error names the file and the reason" contains "$ERR" "ro/locked.py: cannot write the fixed file: cannot create a temporary file in ro: Permission denied"
expect "unwritable file unchanged" test "$(cat ro/locked.py)" = "$(printf "$unsafe")"
expect "the other file was fixed" test "$(cat other.py)" = "$(printf "$fixed")"
expect "no temporary file in ro" test -z "$(ls -A ro | grep loadfix)"
expect "the unwritten file's finding is still reported" contains "$OUT" "ro/locked.py:2:9: LF001"

# A file that cannot be read.
printf "$unsafe" >secret.py && chmod 0000 secret.py
expect_status "unreadable file" 2 run_unprivileged "$LOADFIX" --fix secret.py
expect "unreadable reason" contains "$ERR" "secret.py: Permission denied"
chmod 0644 secret.py
expect "unreadable file unchanged" test "$(cat secret.py)" = "$(printf "$unsafe")"

# CRLF, tabs and a BOM survive byte for byte around the edit.
printf '\xef\xbb\xbfimport torch\r\nif 1:\r\n\tx = torch.load(\r\n\t\tp\r\n\t)\r\n' >crlf.py
expect_status "crlf fix" 0 "$LOADFIX" --fix crlf.py
expect "crlf bytes" test "$(od -An -c crlf.py | tr -s ' \n' ' ')" = "$(printf '\xef\xbb\xbfimport torch\r\nif 1:\r\n\tx = torch.load(\r\n\t\tp,\r\n\t\tweights_only=True\r\n\t)\r\n' | od -An -c | tr -s ' \n' ' ')"

finish
