#!/usr/bin/env bash
# The command-line side of the integrations (README, "Usage" and
# "Install"): colour and what decides it, --explain, --no-default-path.
. "$(dirname "$0")/lib.sh"

ESC=$(printf '\033')
has_colour() { case "$1" in *"$ESC["*) return 0 ;; *) return 1 ;; esac; }
printf 'import torch\nx = torch.load(p)\n' >a.py

# Colour: the flag wins; then NO_COLOR (non-empty), FORCE_COLOR; then a
# terminal whose TERM is not dumb.
unset NO_COLOR FORCE_COLOR
expect_status "pipe, no flag" 1 "$LOADFIX" a.py
expect "no colour into a pipe" eval '! has_colour "$OUT"'
expect_status "--color always" 1 "$LOADFIX" --color always a.py
expect "--color always colours a pipe" has_colour "$OUT"
expect_status "FORCE_COLOR" 1 env FORCE_COLOR=1 "$LOADFIX" a.py
expect "FORCE_COLOR colours a pipe" has_colour "$OUT"
expect_status "NO_COLOR beats FORCE_COLOR" 1 env NO_COLOR=1 FORCE_COLOR=1 "$LOADFIX" a.py
expect "NO_COLOR and FORCE_COLOR: none" eval '! has_colour "$OUT"'
expect_status "--color always beats NO_COLOR" 1 env NO_COLOR=1 "$LOADFIX" --color always a.py
expect "the flag beats NO_COLOR" has_colour "$OUT"
expect_status "--color never beats FORCE_COLOR" 1 env FORCE_COLOR=1 "$LOADFIX" --color never a.py
expect "the flag beats FORCE_COLOR" eval '! has_colour "$OUT"'
expect_status "empty NO_COLOR is unset" 1 env NO_COLOR= FORCE_COLOR=1 "$LOADFIX" a.py
expect "empty NO_COLOR does not turn colour off" has_colour "$OUT"
for format in json sarif github; do
  expect_status "--color always --output-format $format" 1 "$LOADFIX" --color always --output-format "$format" a.py
  expect "$format is never coloured" eval '! has_colour "$OUT"'
done
expect_status "--color always --fix -" 0 "$LOADFIX" --color always --fix - <a.py
"$LOADFIX" --color always --fix - <a.py >filtered.py 2>/dev/null
expect "the stdin filter's source is never coloured" grep -qx 'x = torch.load(p, weights_only=True)' filtered.py
expect_status "bad --color" 2 "$LOADFIX" --color sometimes a.py
expect "bad --color named" contains "$ERR" "unknown --color 'sometimes'"

# On a terminal (script(1) gives loadfix a pty): auto colours unless TERM
# is dumb or NO_COLOR is set.
on_tty() { script -qec "$*" /dev/null </dev/null; }
out=$(TERM=xterm on_tty "$LOADFIX" a.py)
expect "a terminal gets colour" has_colour "$out"
out=$(TERM=dumb on_tty "$LOADFIX" a.py)
expect "TERM=dumb gets none" eval '! has_colour "$out"'
out=$(TERM=xterm NO_COLOR=1 on_tty "$LOADFIX" a.py)
expect "NO_COLOR on a terminal gets none" eval '! has_colour "$out"'

# --explain: the rule table's documentation; unknown codes are errors.
expect_status "--explain LF001" 0 "$LOADFIX" --explain LF001
expect "explains LF001" contains "$OUT" "LF001 torch-load-without-weights-only"
expect "with the example and its fix" contains "$OUT" 'state = torch.load("model.pt", weights_only=True)'
expect "and the applicability" contains "$OUT" "Applicability: safe"
expect_status "--explain LF999" 2 "$LOADFIX" --explain LF999
expect "the unknown code is named" contains "$ERR" "unknown rule code 'LF999'"
expect_status "--explain ALL" 0 "$LOADFIX" --explain ALL
codes=$("$LOADFIX" --help | sed -n 's/^  \(LF[0-9]*\)  .*/\1/p')
missing=
for code in $codes; do contains "$OUT" "$code " || missing="$missing $code"; done
expect "--explain ALL covers every rule --help lists ($(echo $codes | wc -w))" test -z "$missing" -a -n "$codes"
expect_status "--explain-format scdoc" 0 "$LOADFIX" --explain LF104 --explain-format scdoc
expect "scdoc: bold code, escaped underscores" contains "$OUT" '*LF104* yaml-unsafe-load'
expect_status "bad --explain-format" 2 "$LOADFIX" --explain LF001 --explain-format html

# --no-default-path: a hook called with no file names checks nothing.
expect_status "no path: the tree is checked" 1 "$LOADFIX"
expect_status "--no-default-path, no path: nothing checked" 0 "$LOADFIX" --no-default-path
expect "nothing reported" eval '! contains "$OUT" LF001'
expect_status "--no-default-path --since, no path" 0 "$LOADFIX" --no-default-path --since HEAD
expect_status "--no-default-path with a path checks it" 1 "$LOADFIX" --no-default-path a.py

finish
