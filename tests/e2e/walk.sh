#!/usr/bin/env bash
# Walking directories: what is checked and what is skipped.
source "$(dirname "$0")/lib.sh"

unsafe='import torch\nstate = torch.load("a.pt")\n'
mkdir -p proj/pkg proj/.hidden proj/__pycache__ proj/venv proj/myenv proj/node_modules proj/.git
printf "$unsafe" >proj/top.py
printf "$unsafe" >proj/pkg/mod.py
printf "$unsafe" >proj/pkg/notes.txt
printf "$unsafe" >proj/.hidden/h.py
printf "$unsafe" >proj/__pycache__/c.py
printf "$unsafe" >proj/venv/v.py
printf "$unsafe" >proj/node_modules/n.py
printf "$unsafe" >proj/.git/g.py
printf "$unsafe" >proj/myenv/e.py
touch proj/myenv/pyvenv.cfg
ln -s ../outside proj/link
mkdir -p outside && printf "$unsafe" >outside/o.py
ln -s pkg/mod.py proj/linked.py
mkfifo proj/fifo.py

expect_status "walk" 1 "$LOADFIX" proj
files=$(printf '%s\n' "$OUT" | grep LF001 | cut -d: -f1 | tr '\n' ' ')
expect "only top.py and pkg/mod.py are checked (got: $files)" test "$files" = "proj/pkg/mod.py proj/top.py "
expect "summary counts 2" contains "$OUT" "Found 2 findings"

# Named explicitly, any file is checked, whatever its name or place.
expect_status "explicit non-.py file" 1 "$LOADFIX" proj/pkg/notes.txt
expect "explicit file reported" contains "$OUT" "proj/pkg/notes.txt:2:9"
expect_status "explicit file in a skipped dir" 1 "$LOADFIX" proj/venv/v.py
expect_status "explicit FIFO is refused, not read" 2 "$LOADFIX" proj/fifo.py
expect "FIFO reason" contains "$ERR" "proj/fifo.py: not a regular file"

# The default path is the current directory.
(cd proj/pkg && "$LOADFIX" >../../default.out 2>&1)
expect "default path is ., named without ./ (as ruff and ripgrep do)" grep -q "^mod.py:2:9: LF001" default.out

# A file named twice is checked once.
expect_status "duplicate path" 1 "$LOADFIX" proj/top.py proj/top.py
expect "checked once" contains "$OUT" "Found 1 finding"

# Unusual file names stay on one report line.
name=$'odd\nname.py'
printf "$unsafe" >"$name"
expect_status "newline in a file name" 1 "$LOADFIX" "$name"
expect "escaped in the report" contains "$OUT" 'odd\nname.py:2:9: LF001'

finish
