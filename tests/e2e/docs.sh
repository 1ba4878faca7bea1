#!/usr/bin/env bash
# The man page and the completions cannot drift from the program: every
# option `loadfix --help` and `loadfix inspect --help` list, every rule and
# every exit status is in the man page, and every option and rule is in each
# completion file; every rule has a full row (what, why, fix) in README's
# Rules table, and README states the SARIF rules' severities, CWEs and
# count as the binary writes them; `meson install --destdir` puts them
# where README "Install" says. Args: MESON BUILD_ROOT.
. "$(dirname "$0")/lib.sh"
: "${SOURCE_ROOT:?}"
meson=$1 build=$2
man_src=$SOURCE_ROOT/doc/loadfix.1.scd
man_built=$build/loadfix.1
completions=("$SOURCE_ROOT/completions/loadfix.bash" "$SOURCE_ROOT/completions/_loadfix" "$SOURCE_ROOT/completions/loadfix.fish")

options() { grep -oE -- '(^|[ ,])--?[a-z][a-z-]*' | sed 's/^[ ,]*//' | sort -u; }
main_options=$("$LOADFIX" --help | sed -n '/^Modes:/,/^Rules:/p' | options)
inspect_options=$("$LOADFIX" inspect --help | sed -n '/^Options:/,/^Exit/p' | options)
rules=$("$LOADFIX" --help | sed -n 's/^  \(LF[0-9]*\)  .*/\1/p')
expect "found the options --help lists" test "$(echo $main_options | wc -w)" -ge 25
expect "found inspect's options" test "$(echo $inspect_options | wc -w)" -ge 5
expect "found the rules --help lists" test "$(echo $rules | wc -w)" -ge 12

expect "the man page was built (scdoc is installed: scripts/bootstrap --tests)" test -s "$man_built"
# In scdoc an option is *--name*; `-` needs no escape there, `_` would.
missing=
for o in $main_options $inspect_options; do grep -qF -- "*$o*" "$man_src" || missing="$missing $o"; done
expect "every option is in the man page${missing:+ (missing:$missing)}" test -z "$missing"
missing=
for r in $rules; do grep -qF -- "$r" "$man_built" || missing="$missing $r"; done
expect "every rule is in the built man page's RULES${missing:+ (missing:$missing)}" test -z "$missing"
for status in 0 1 2 129 130 143; do
  expect "exit status $status is in the man page" grep -qF -- "*$status*" "$man_src"
done
expect "the man page renders" eval 'MANWIDTH=80 man -l "$man_built" 2>/dev/null | grep -q "^RULES"'

for file in "${completions[@]}"; do
  name=$(basename "$file")
  missing=
  for o in $main_options $inspect_options; do
    case $name in
      loadfix.fish) # fish spells options -l name / -s x
        if [[ $o == --* ]]; then pattern="-l ${o#--}( |$)"; else pattern="-s ${o#-}( |$)"; fi
        grep -qE -- "$pattern" "$file" || missing="$missing $o" ;;
      *) grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" "$file" || missing="$missing $o" ;;
    esac
  done
  expect "$name completes every option${missing:+ (missing:$missing)}" test -z "$missing"
  missing=
  for r in $rules; do grep -qw -- "$r" "$file" || missing="$missing $r"; done
  expect "$name completes every rule${missing:+ (missing:$missing)}" test -z "$missing"
done
expect "bash completion parses" bash -n "$SOURCE_ROOT/completions/loadfix.bash"
expect "bash completion completes --col to --color" bash -c '
  . "$1"; COMP_WORDS=(loadfix --col); COMP_CWORD=1; _loadfix; [ "${COMPREPLY[*]}" = --color ]' _ "$SOURCE_ROOT/completions/loadfix.bash"
expect "bash completion completes --explain LF10" bash -c '
  . "$1"; COMP_WORDS=(loadfix --explain LF10); COMP_CWORD=2; _loadfix; [ "${COMPREPLY[*]}" = "LF101 LF102 LF103 LF104 LF105 LF106" ]' _ "$SOURCE_ROOT/completions/loadfix.bash"

# The README's rule table (section "Rules"): one row per rule --help lists,
# each with what it finds, why that is dangerous, and its fix and
# applicability, none empty (cells split on `|` outside backticks).
readme_rows=$(/usr/bin/python3 - "$SOURCE_ROOT/README.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("\n## Rules\n", 1)[1].split("\n## ", 1)[0]
for line in section.splitlines():
    if not re.match(r"\| LF\d{3} \|", line):
        continue
    cells, cell, tick = [], "", False
    for ch in line.strip()[1:-1]:
        if ch == "`":
            tick = not tick
        if ch == "|" and not tick:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
    cells.append(cell.strip())
    full = len(cells) == 4 and all(cells)
    print(cells[0], "ok" if full else "short")
PY
)
missing=
for r in $rules; do grep -qx "$r ok" <<<"$readme_rows" || missing="$missing $r"; done
expect "every rule has a full row (what, why, fix) in README's Rules table${missing:+ (missing or short:$missing)}" test -z "$missing"
expect "README's Rules table has the four columns" grep -qxF '| code | finds (what) | why it is dangerous | fix and applicability |' "$SOURCE_ROOT/README.md"

# README "Reports" states each rule's SARIF severity and CWE, and "Limits"
# the number of rules in a run: both against the SARIF the binary writes.
printf 'import torch\n' >sarif_input.py
"$LOADFIX" --output-format sarif sarif_input.py >rules.sarif
expect "README states every rule's SARIF severity, CWE and the rule count" /usr/bin/python3 - "$SOURCE_ROOT/README.md" rules.sarif <<'PY'
import json, re, sys
readme = " ".join(open(sys.argv[1], encoding="utf-8").read().split())
rules = json.load(open(sys.argv[2]))["runs"][0]["tool"]["driver"]["rules"]
sev = re.search(r"`security-severity`: (\d\.\d) for every rule but (.*?); all from the rule table", readme)
cwe = re.search(r"`CWE-(\d+)` and `external/cwe/cwe-\d+` \((.*?)\)", readme)
count = re.search(r"loadfix writes one run, (\d+) rules with (\d+) tags each", readme)
assert sev and cwe and count, "README sentences not found"
sev_other = dict((c, v) for c, v in re.findall(r"(LF\d{3}) \((\d\.\d)\)", sev.group(2)))
cwe_other = dict((c, n) for n, c in re.findall(r"CWE-(\d+) for (LF\d{3})", cwe.group(2)))
bad = []
for r in rules:
    want_sev = sev_other.get(r["id"], sev.group(1))
    want_cwe = "CWE-" + cwe_other.get(r["id"], cwe.group(1))
    tags = r["properties"]["tags"]
    if r["properties"]["security-severity"] != want_sev or want_cwe not in tags:
        bad.append((r["id"], r["properties"]["security-severity"], tags, want_sev, want_cwe))
    if len(tags) != int(count.group(2)):
        bad.append((r["id"], "tags", tags))
if len(rules) != int(count.group(1)):
    bad.append(("rule count", len(rules), count.group(1)))
assert not bad, bad
PY

# meson install into a staging directory: the binary, the man page and the
# three completions in their standard directories under the prefix.
prefix=$("$meson" introspect "$build" --buildoptions | /usr/bin/python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
expect_status "meson install --destdir" 0 "$meson" install -C "$build" --destdir "$WORK/stage" --no-rebuild --quiet
root=$WORK/stage$prefix
for f in bin/loadfix share/man/man1/loadfix.1 share/bash-completion/completions/loadfix \
  share/zsh/site-functions/_loadfix share/fish/vendor_completions.d/loadfix.fish; do
  expect "installed $prefix/$f" test -s "$root/$f"
done
expect "the installed man page is the built one" cmp -s "$root/share/man/man1/loadfix.1" "$man_built"

finish
