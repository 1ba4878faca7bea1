#!/usr/bin/env bash
# Hostile and odd inputs: odd bytes in the source, huge and deeply nested
# files, binary files, odd file names.  For each: no crash (exit 0, 1 or 2,
# never a signal), the file unchanged unless there is a call to fix, and a
# fix that is right (only `weights_only=True` inserted, the result parses as
# the original with that keyword added); the report is one line per
# finding, the JSON parses, the diff applies with `git apply`.
source "$(dirname "$0")/lib.sh"
case $LOADFIX in /*) ;; *) LOADFIX=$OLDPWD/$LOADFIX ;; esac
PY='/usr/bin/python3 -I' # -I: this directory holds a random.py

# check-fix ORIGINAL FIXED CALLS: the fixed file is the original with exactly
# CALLS insertions of `weights_only=True` (with its comma), nothing else
# changed; when Python can parse the original, the fixed file parses to the
# same tree with weights_only=True added to each of those calls.
cat >check-fix.py <<'EOF'
import ast, difflib, sys
orig, fixed = (open(p, 'rb').read() for p in sys.argv[1:3])
wants = [int(w) for w in sys.argv[3].split('|')]  # "0|1": either is right
# Small files: a real diff (any insertion form, vertical ones included);
# big ones: only the one-line form can occur in these tests.
ops = difflib.SequenceMatcher(None, orig, fixed, autojunk=False).get_opcodes() if len(orig) < 20000 else None
if ops is not None:
    inserted = [fixed[j1:j2] for tag, i1, i2, j1, j2 in ops if tag != 'equal']
    if any(tag not in ('equal', 'insert') for tag, *_ in ops):
        sys.exit('not only insertions: %r' % [op for op in ops if op[0] != 'equal'])
    joined = b''.join(inserted)
    if joined.count(b'weights_only=True') not in wants or joined.replace(b'weights_only=True', b'').strip(b', \t\r\n'):
        sys.exit('unexpected insertions: %r' % inserted)
elif fixed.replace(b', weights_only=True', b'') != orig or fixed.count(b'weights_only=True') - orig.count(b'weights_only=True') not in wants:
    sys.exit('not just %s insertions' % wants)
try:
    tree = ast.parse(orig)
except (SyntaxError, ValueError, RecursionError, MemoryError):
    sys.exit(0)  # Python refuses the original: the byte check above is all
class Add(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        f = node.func
        if (isinstance(f, ast.Attribute) and f.attr == 'load' and isinstance(f.value, ast.Name) and f.value.id == 'torch'
                and not any(k.arg in (None, 'weights_only', 'pickle_module') for k in node.keywords)):
            node.keywords.append(ast.keyword(arg='weights_only', value=ast.Constant(True)))
        return node
try:
    same = ast.dump(Add().visit(tree)) == ast.dump(ast.parse(fixed))
except RecursionError:
    sys.exit(0)  # too deep for Python's own tools: the byte check above is all
if not same:
    sys.exit('the fixed file does not parse as the original plus weights_only=True')
EOF
check_fix() { $PY check-fix.py "$@" 2>"$WORK/.why" || { cat "$WORK/.why"; return 1; }; }
no_signal() { [ "$1" -lt 3 ]; }
no_temp_files() { [ -z "$(find . -name '.loadfix-*' 2>/dev/null)" ]; }

# hostile NAME FILE CALLS [OPTIONS...]: FILE must get exactly CALLS fixes.
# Checks the report, JSON, --diff (applied with git apply), --fix, the
# stdin filter and idempotence, each on its own copy.
hostile() {
  local name=$1 file=$2 calls=$3
  shift 3
  rm -rf h && mkdir h && cp "$file" h/in.py
  local s

  "$LOADFIX" "$@" h/in.py >"$WORK/.out" 2>"$WORK/.err" </dev/null
  s=$?
  expect "$name: report exits $s, no crash" no_signal "$s"
  local findings
  findings=$(grep -c '^h/in.py:[0-9]*:[0-9]*: LF00[0-9] ' "$WORK/.out")
  expect "$name: every report line is a finding or the summary" \
    test "$(grep -vc -e '^h/in.py:[0-9]*:[0-9]*: LF00[0-9] ' -e '^Found ' -e '^All checks passed!' -e 'more fix' "$WORK/.out")" = 0
  expect "$name: unchanged by the report" cmp -s h/in.py "$file"

  "$LOADFIX" "$@" --output-format json h/in.py >"$WORK/.json" 2>/dev/null </dev/null
  s=$?
  expect "$name: json exits $s, no crash" no_signal $s
  expect "$name: json parses" $PY -m json.tool "$WORK/.json" /dev/null
  expect "$name: as many report lines as JSON findings" \
    test "$findings" = "$($PY -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/.json" 2>&1)"

  "$LOADFIX" "$@" --diff h/in.py >"$WORK/.diff" 2>/dev/null </dev/null
  s=$?
  expect "$name: --diff exits $s, no crash" no_signal $s
  expect "$name: unchanged by --diff" cmp -s h/in.py "$file"

  "$LOADFIX" "$@" --fix h/in.py >/dev/null 2>"$WORK/.err" </dev/null
  s=$?
  expect "$name: --fix exits $s, no crash" no_signal $s
  expect "$name: --fix result right ($calls fixes)" check_fix "$file" h/in.py "$calls"
  cp h/in.py fixed.out
  "$LOADFIX" "$@" --fix h/in.py >/dev/null 2>&1 </dev/null
  expect "$name: --fix is idempotent" cmp -s h/in.py fixed.out

  if [ -s "$WORK/.diff" ]; then
    mkdir h/git && cp "$file" h/git/in.py
    (cd h/git && sed 's#a/h/in.py#a/in.py#; s#b/h/in.py#b/in.py#' "$WORK/.diff" | git apply - 2>"$WORK/.err")
    expect "$name: git apply takes the diff and gives the --fix result" cmp -s h/git/in.py fixed.out
  else
    expect "$name: empty diff means no fix" cmp -s fixed.out "$file"
  fi

  "$LOADFIX" "$@" --fix - <"$file" >"$WORK/.stdin" 2>/dev/null
  s=$?
  expect "$name: --fix - exits $s, no crash" no_signal $s
  if [ "$s" != 2 ]; then
    expect "$name: --fix - prints the --fix result" cmp -s "$WORK/.stdin" fixed.out
  fi
}

src='import torch\nx = torch.load(p)\n'

# ---- bytes in the source -----------------------------------------------------
printf 'import torch\nx = torch.load(p)\n\0\0junk\0\ny = torch.load(q)\n' >nul.py
hostile "NUL bytes" nul.py 2
printf 'import torch\nx = torch.load("\0")  # \0\n' >nul-in-call.py
# Python refuses any NUL; a NUL inside the call may block its fix.
hostile "NUL inside the call" nul-in-call.py '0|1'

printf '# \xff\xfe\xc0\xaf\nimport torch\ns = "\xff"; x = torch.load(p, "\xc3")\n' >badutf8.py
hostile "invalid UTF-8" badutf8.py 1
printf '# \xed\xa0\x80\nimport torch\ns = "\xed\xa0\x80\xed\xbf\xbf"; x = torch.load(p)\n' >surrogate.py
hostile "UTF-8-encoded lone surrogates" surrogate.py 1
printf '\xef\xbb\xbfimport torch\nx = torch.load(\xc3\xa9, "\xe2\x82\xac\xf0\x9f\x98\x80")\n' >astral.py
hostile "BOM, emoji, euro" astral.py 1

printf 'import torch\rx = torch.load(p)\ry = torch.load(\r    q\r)\r' >cr.py
hostile "lone CR line endings" cr.py 2
printf 'import torch\r\nx = torch.load(p)\ny = torch.load(\r    q,\r\n    r\n)\rz = 1\r\n' >mixed.py
hostile "mixed line endings" mixed.py 2
printf 'import torch\nx = torch.load(p)  # comment\r# \x0c\x0b\x1b[31m\ny = 1' >ctrl.py
hostile "form feed, vertical tab, escape, no final newline" ctrl.py 1

# ---- empty and nearly empty ------------------------------------------------------
: >empty.py
hostile "empty file" empty.py 0
printf '\xef\xbb\xbf' >bom.py
hostile "only a BOM" bom.py 0
printf '\n\n\r\n' >blank.py
hostile "only line endings" blank.py 0
printf 'torch.load(' >open.py
hostile "unterminated call, no import" open.py 0
printf 'import torch\ntorch.load(' >open2.py
hostile "unterminated call" open2.py 0

# ---- binary files named .py --------------------------------------------------------
$PY -c 'import random, sys; r = random.Random(42); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(200000)))' >random.py
hostile "random bytes" random.py 0
cp /bin/true elf.py
hostile "an ELF binary" elf.py 0
{ printf 'import torch\nx = torch.load(p)\n'; head -c 3000 /bin/true; } >call-then-elf.py
hostile "a call, then binary" call-then-elf.py 1
# Garbage before the call: the parser's error recovery may swallow it.
{ head -c 3000 /bin/true; printf '\nimport torch\nx = torch.load(p)\n'; head -c 3000 /bin/true; } >elf-with-call.py
hostile "binary with a call inside" elf-with-call.py '0|1'

# ---- deep nesting (100,000 levels) -------------------------------------------------
$PY -c '
n = 100000
open("parens.py", "w").write("import torch\nx = torch.load(" + "(" * n + "p" + ")" * n + ")\n")
open("brackets.py", "w").write("import torch\ny = " + "[" * n + "]" * n + "\nx = torch.load(p)\n")
open("mixed-brackets.py", "w").write("import torch\nx = torch.load(" + "[({" * n + "})]" * n + ")\n")
open("unclosed.py", "w").write("import torch\nx = torch.load(p)\ny = " + "(" * n + "\n")
open("calls.py", "w").write("import torch\nx = " + "torch.load(" * n + "p" + ")" * n + "\n")
open("binops.py", "w").write("import torch\nx = " + "1+" * n + "torch.load(p)\n")
open("unary.py", "w").write("import torch\nx = " + "not -" * n + "torch.load(p)\n")
open("lambdas.py", "w").write("import torch\nx = " + "lambda: " * n + "torch.load(p)\n")
open("attrs.py", "w").write("import torch\nx = torch.load(p)" + ".a" * n + "\n")
open("ifs.py", "w").write("import torch\n" + "".join(" " * i + "if x:\n" for i in range(1000)) + " " * 1000 + "torch.load(p)\n")
open("parens-9000.py", "w").write("import torch\nx = torch.load(" + "(" * 9000 + "p" + ")" * 9000 + ")\n")
'
for f in parens brackets mixed-brackets unclosed calls; do
  # Too deep to check (the parser gives up, or loadfix refuses): any clean
  # outcome is fine as long as it does not crash and does not touch the file.
  cp $f.py deep.py
  "$LOADFIX" --fix deep.py >/dev/null 2>"$WORK/.err"
  s=$?
  expect "100,000 nested: $f: exits $s, no crash" no_signal $s
  expect "100,000 nested: $f: unchanged or rightly fixed" eval 'cmp -s deep.py $f.py || check_fix $f.py deep.py 1'
  "$LOADFIX" --diff --output-format json $f.py >/dev/null 2>&1
  expect "100,000 nested: $f: --diff no crash" no_signal $?
done
hostile "100,000 binary operators" binops.py 1
hostile "100,000 unary operators" unary.py 1
hostile "100,000 nested lambdas" lambdas.py 1
hostile "100,000 attribute accesses" attrs.py 1
# Python itself stops at 100 indentation levels: fixing is optional here.
hostile "1,000 nested blocks" ifs.py '0|1'
hostile "9,000 nested parentheses" parens-9000.py 1

# ---- shapes that once took quadratic time (each must finish: the meson
# timeout is the bound; bench/ measures speed) -------------------------------
$PY -c '
open("chain.py", "w").write("import torch\nx = " + "x = " * 8000 + "torch.load(p)\n")
open("one-line.py", "w").write("import torch\n" + "x = torch.load(p); " * 15000 + "\n")
# each `x = x` is one more binding of x to follow from every other: was
# n^8 lookups (30 lines took minutes), now n^2 * 8
open("self-aliases.py", "w").write("import torch\nx = torch\n" + "x = x\n" * 3000 + "x.load(p)\ntorch.load(q)\n")
'
hostile "an 8,000-link assignment chain" chain.py 1
hostile "3,000 rebindings x = x" self-aliases.py 1
hostile "15,000 calls on one line" one-line.py 15000

# ---- size ------------------------------------------------------------------------
# 100 MB on one line: finishes (a generous 120 s) and fixes both calls.
$PY -c '
with open("huge.py", "wb") as f:
    f.write(b"import torch; x = torch.load(p); s = \"" + b"a" * 100_000_000 + b"\"; y = torch.load(q)  # " + b"b" * 1000 + b"\n")
'
cp huge.py huge.orig
timeout 120 "$LOADFIX" --max-file-size 200000000 huge.py >"$WORK/.out" 2>&1
s=$?
expect "100 MB line: report in time, no crash (exit $s)" test "$s" = 1
expect "100 MB line: two findings" test "$(grep -c ': LF001 ' "$WORK/.out")" = 2
timeout 120 "$LOADFIX" --max-file-size 200000000 --fix huge.py >/dev/null 2>&1
s=$?
expect "100 MB line: --fix in time (exit $s)" test "$s" = 0
expect "100 MB line: both calls fixed, nothing else" check_fix huge.orig huge.py 2
timeout 120 "$LOADFIX" --max-file-size 200000000 --diff huge.orig >/dev/null 2>&1
s=$?
expect "100 MB line: --diff in time (exit $s)" test "$s" = 1
rm -f huge.py huge.orig

# Over the default limit (10 MiB): skipped with a warning, not an error; the
# other files are still checked.
mkdir -p limit
$PY -c '
with open("limit/big.py", "wb") as f:
    f.write(b"import torch\nx = torch.load(p)\n" + b"#" * (10 * 1024 * 1024) + b"\n")
'
printf "$src" >limit/small.py
cp limit/big.py big.orig
expect_status "over the limit: skipped, not an error" 0 "$LOADFIX" --fix limit
expect "over the limit: the warning" contains "$ERR" "loadfix: warning: limit/big.py: skipped: file is larger than the limit of 10485760 bytes"
expect "over the limit: one warning line" test "$(printf '%s\n' "$ERR" | grep -c '^loadfix: ')" = 1
expect "over the limit: untouched" cmp -s limit/big.py big.orig
expect "over the limit: the other file fixed" grep -q 'weights_only=True' limit/small.py
expect_status "over the limit alone: exit 0" 0 "$LOADFIX" limit/big.py
expect_status "--max-file-size raises it" 1 "$LOADFIX" --max-file-size 20000000 limit/big.py
"$LOADFIX" --fix - <limit/big.py >/dev/null 2>"$WORK/.err"
expect "over the limit on stdin: an error (nothing to skip to)" test $? = 2
expect "over the limit on stdin: the reason" grep -q '^loadfix: -: file is larger than the limit of 10485760 bytes$' "$WORK/.err"
rm -f big.orig limit/big.py

# ---- file names ---------------------------------------------------------------------
mkdir names
names=($'new\nline.py' $'tab\there.py' "quote'single.py" 'quote"double.py' 'back\slash.py' '-x.py'
       $'bad\xff\xfeutf8.py' 'space name.py' $'ctrl\x01\x1b.py' $'trail\r.py' 'é.py' $'\xed\xa0\x80.py'
       '"leading-quote.py' ' leading-space.py')
for n in "${names[@]}"; do printf "$src" >"names/$n"; done
N=${#names[@]}
cp -r names names.orig

"$LOADFIX" names >"$WORK/.out" 2>"$WORK/.err"
expect "names: exit 1" test $? = 1
expect "names: one line per finding, plus the summary" test "$(wc -l <"$WORK/.out")" = $((N + 1))
expect "names: every line is a finding" test "$(grep -c '^names/.*:2:5: LF001 \[\*\] ' "$WORK/.out")" = "$N"
expect "names: no control character reaches the report" eval '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" <"$WORK/.out")'
expect "names: escapes" eval 'grep -qF "names/new\\nline.py:2:5" "$WORK/.out" && grep -qF "names/tab\\there.py:2:5" "$WORK/.out" && grep -qF "names/back\\\\slash.py:2:5" "$WORK/.out" && grep -qF "names/bad\\xFF\\xFEutf8.py:2:5" "$WORK/.out"'

"$LOADFIX" --output-format json names >"$WORK/.json" 2>/dev/null
expect "names: json parses" $PY -m json.tool "$WORK/.json" /dev/null
expect "names: json has every file" test "$($PY -c 'import json,sys; print(len({f["path"] for f in json.load(open(sys.argv[1]))}))' "$WORK/.json")" = "$N"

"$LOADFIX" --diff names >names.diff 2>/dev/null
expect "names: --diff exit 1" test $? = 1
expect "names: --diff changed nothing" diff -r names names.orig
mkdir git-apply && cp -r names.orig git-apply/names
(cd git-apply && git apply ../names.diff 2>"$WORK/.err")
expect "names: git apply takes the diff" test $? = 0
cp -r names.orig fixed && "$LOADFIX" --fix fixed >/dev/null 2>&1
expect "names: git apply gives the --fix result" diff -r git-apply/names fixed
bad=0
for n in "${names[@]}"; do check_fix "names.orig/$n" "fixed/$n" 1 || bad=$((bad + 1)); done
expect "names: every file rightly fixed" test "$bad" = 0

# A name starting with '-', given on the command line.
printf "$src" >-y.py
expect_status "'-y.py' after --" 1 "$LOADFIX" -- -y.py
expect "'-y.py' reported" contains "$OUT" "-y.py:2:5: LF001"
expect_status "'./-y.py'" 1 "$LOADFIX" ./-y.py
expect_status "'-y.py' without -- is an option, a usage error" 2 "$LOADFIX" -y.py
expect_status "--fix -- -y.py" 0 "$LOADFIX" --fix -- -y.py
expect "'-y.py' fixed" grep -q 'weights_only=True' -- -y.py
# --stdin-filename with hostile names: one line, JSON parses.
"$LOADFIX" --stdin-filename $'a\nb\xff.py' - <nul.py >"$WORK/.out" 2>/dev/null
expect "--stdin-filename: one line per finding" test "$(grep -c ':[0-9]*:[0-9]*: LF001' "$WORK/.out")" = 2
"$LOADFIX" --output-format json --stdin-filename $'a\nb\xff.py' - <nul.py >"$WORK/.json" 2>/dev/null
expect "--stdin-filename: json parses" $PY -m json.tool "$WORK/.json" /dev/null

expect "no temporary file anywhere" no_temp_files
finish
