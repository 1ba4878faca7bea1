#!/bin/bash
# loadfix server in a real editor: Debian's headless Neovim starts it through
# its built-in LSP client, waits for the diagnostic, applies the code action
# and writes the file, which must then equal the expected output.
source "$(dirname "$0")/lib.sh"
T=$WORK
SCRIPT="$SOURCE_ROOT/tests/e2e/lsp/nvim_fix.lua"

run_nvim() { # FILE ACTION
	FILE="$1" ACTION="$2" LOADFIX="$LOADFIX" timeout 60 \
		nvim --headless --clean -u NONE -i NONE -n -c "luafile $SCRIPT" >"$T/nvim.out" 2>&1 || {
		cat "$T/nvim.out"
		fail "nvim: $2 on $1"
		return 1
	}
}

# The LF001 quick fix, after non-ASCII text on the line (UTF-16 positions).
cat >"$T/model.py" <<'PY'
import torch

label = "é😀"; state = torch.load("ckpt.pt")
PY
cat >"$T/expected.py" <<'PY'
import torch

label = "é😀"; state = torch.load("ckpt.pt", weights_only=True)
PY
run_nvim "$T/model.py" "LF001:" &&
	expect "nvim: LF001 quick fix applied and written" cmp "$T/model.py" "$T/expected.py"

# The suppression action.
printf 'import pickle\nobj = pickle.loads(data)\n' >"$T/pick.py"
printf 'import pickle\nobj = pickle.loads(data)  # noqa: LF101\n' >"$T/pick.expected"
run_nvim "$T/pick.py" "Suppress LF101" &&
	expect "nvim: suppress action applied and written" cmp "$T/pick.py" "$T/pick.expected"

# fixAll, safe fixes only: the same bytes as `loadfix --fix`.
cat >"$T/many.py" <<'PY'
import torch
a = torch.load("a.pt")
b = torch.load(
    "b.pt",
    map_location="cpu",
)
c = torch.load("c.pt", weights_only=False)
PY
cp "$T/many.py" "$T/many_cli.py"
"$LOADFIX" --isolated --fix -q "$T/many_cli.py" >/dev/null || true
run_nvim "$T/many.py" "Fix all safe" &&
	expect "nvim: fixAll applied and written, equal to loadfix --fix" cmp "$T/many.py" "$T/many_cli.py"

# The conform.nvim-style formatter: `loadfix --fix - --exit-zero
# --stdin-filename NAME` prints the whole buffer (fixed) and exits 0 even
# when unfixable findings remain, which a formatter plugin requires.
cat >"$T/fmt.py" <<'PY'
import pickle, torch
a = torch.load("a.pt")
b = pickle.loads(blob)
PY
cat >"$T/fmt.expected" <<'PY'
import pickle, torch
a = torch.load("a.pt", weights_only=True)
b = pickle.loads(blob)
PY
expect_status "formatter: exit 0 with an unfixable finding left" 0 \
	sh -c "\"\$1\" --fix - --exit-zero --stdin-filename src/fmt.py <\"\$2\"" sh "$LOADFIX" "$T/fmt.py"
expect "formatter: the whole buffer, fixed, on stdout" cmp "$WORK/.out" "$T/fmt.expected"
expect "formatter: the report names --stdin-filename, on stderr" contains "$ERR" "src/fmt.py:3:5: LF101"
# ... and as Neovim runs a formatter: the buffer filtered through it.
cp "$T/fmt.py" "$T/fmt_nvim.py"
timeout 60 nvim --headless --clean -u NONE -i NONE -n "$T/fmt_nvim.py" \
	-c "%!$LOADFIX --fix - --exit-zero --stdin-filename fmt_nvim.py 2>/dev/null" -c "write" -c "qall!" \
	>"$T/nvim.out" 2>&1 || cat "$T/nvim.out"
expect "formatter: Neovim's buffer filtered through loadfix --fix -" cmp "$T/fmt_nvim.py" "$T/fmt.expected"
finish
