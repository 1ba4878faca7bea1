#!/usr/bin/env python3
"""Round-trip property test of the notebook adapter on real notebooks.

Notebooks are written by Debian's python3-nbformat (nbformat.writes, as
Jupyter saves them; one also with ensure_ascii escapes and one with
single-string sources).  For each, through tests/unit/notebook_tool:
  1. zero edits give back the same bytes;
  2. the combined source (IPython syntax masked) parses with Python's ast;
  3. inserting ", weights_only=True" after the last argument of every
     torch.load(...) call (offsets found with ast in the combined source,
     by this driver) gives a notebook that nbformat.reads and
     nbformat.validate accept, whose code cells are the old ones with
     exactly those insertions (cell offsets recomputed here), whose every other JSON
     value is unchanged, and whose combined source is the old one with the
     insertions;
  4. the same with the vertical fix (a new line "    weights_only=True,"
     before the closing parenthesis of a call split over lines), which
     must become its own list element.
Usage: notebook_roundtrip.py NOTEBOOK_TOOL
"""
import ast
import json
import os
import subprocess
import sys
import tempfile

import nbformat
from nbformat import v4

TOOL = sys.argv[1]
INSERT = ", weights_only=True"
# ruff's list, as src/notebook.c keeps it (is_magic_cell in ruff_notebook/src/cell.rs).
PYTHON_CELL_MAGICS = {"capture", "debug", "ipytest", "prun", "pypy", "python", "python3", "time", "timeit"}

CELLS = [
    ("markdown", "# Loading checkpoints\nSome *text* with caf\u00e9."),
    ("code", "%matplotlib inline\nimport torch\n!pip install -q torchvision\nfiles = !ls *.pt"),
    ("code", "m = torch.load('model.pt')\nprint(m)\n"),
    ("raw", "raw text torch.load('x')"),
    ("code", "state = torch.load(\n    'na\u00efve-\U0001f600.pt',\n    map_location='cpu'\n)\nx = 1"),
    ("code", "%%time\nw = torch.load(path, map_location=lambda s, l: s)"),
    ("code", "%%bash\necho torch.load"),
    ("code", "def f(p):\n    %time y = torch.load(p)\n    return torch.load(p, mmap=True)\n\ntorch.load?"),
    ("code", ""),
    ("code", "s = '''\n!not magic\n'''\nt = torch.load(open('f', 'rb'))"),
]


def make_notebooks():
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, src in CELLS:
        cell = {"code": v4.new_code_cell, "markdown": v4.new_markdown_cell, "raw": v4.new_raw_cell}[kind](src)
        if kind == "code":
            cell.outputs = [v4.new_output("stream", name="stdout", text="ok \u00e9\n")]
        nb.cells.append(cell)
    nbformat.validate(nb)
    plain = nbformat.writes(nb)  # Jupyter's layout: indent=1, ensure_ascii=False, lists of lines
    as_dict = json.loads(plain)
    ascii_text = json.dumps(as_dict, indent=2, ensure_ascii=True, sort_keys=True)  # no final newline
    for cell in as_dict["cells"]:
        cell["source"] = "".join(cell["source"])  # one string per cell
    single = json.dumps(as_dict, indent=1, ensure_ascii=False) + "\n"
    return {"jupyter": plain.encode(), "ensure_ascii": ascii_text.encode(), "single_string": single.encode()}


def tool(args, data):
    r = subprocess.run([TOOL] + args, input=data, capture_output=True)
    if r.returncode != 0:
        raise SystemExit("notebook_tool %s failed: %s" % (" ".join(args), r.stderr.decode()))
    return r.stdout


def apply(data, edits):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(edits, f)
    try:
        return tool(["apply", f.name], data)
    finally:
        os.unlink(f.name)


def byte_offset(lines, lineno, col):
    return sum(len(line) for line in lines[: lineno - 1]) + col


def torch_load_calls(source):
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "torch"):
            yield node, lines


def code_sources(data):
    nb = nbformat.reads(data.decode(), as_version=4)
    nbformat.validate(nb)
    return nb, [c.source for c in nb.cells if c.cell_type == "code"]


def without_sources(data):
    d = json.loads(data)
    for c in d["cells"]:
        c["source"] = None
    return d


def check_edits(name, data, edits):
    new = apply(data, edits)
    old_nb, old_code = code_sources(data)
    new_nb, new_code = code_sources(new)
    assert len(old_nb.cells) == len(new_nb.cells), name
    # The expected cells, from this driver's own reading of the cell map:
    # code cells in order, opaque %% cells left out, a newline added to a
    # text that lacks one.
    expected_code, offset, changed = [], 0, 0
    for old in old_code:
        text = old.encode()
        magic = old.split("\n", 1)[0][2:].split(" ")[0] if old.startswith("%%") else None
        if magic is not None and magic not in PYTHON_CELL_MAGICS:
            expected_code.append(old)
            continue
        cell = bytearray(text)
        for start, end, ins in sorted(edits, reverse=True):
            if offset <= start and end <= offset + len(text):
                cell[start - offset:end - offset] = ins.encode()
        expected_code.append(cell.decode())
        offset += len(text) + (1 if text and not text.endswith((b"\n", b"\r")) else 0)
    for old, cur, exp in zip(old_code, new_code, expected_code):
        assert cur == exp, (name, old, cur, exp)
        changed += cur != old
    assert changed > 0, name
    assert without_sources(new) == without_sources(data), name + ": a non-source value changed"
    for old, cur in zip(old_nb.cells, new_nb.cells):
        if old.cell_type != "code":
            assert old == cur, name
    # The adapter reads its own output back as the old source plus the edits.
    src = tool(["source"], data)
    expected = bytearray(src)
    for start, end, text in sorted(edits, reverse=True):
        expected[start:end] = text.encode()
    assert tool(["source"], new) == bytes(expected), name
    return new


def main():
    checked = 0
    for name, data in make_notebooks().items():
        assert apply(data, []) == data, name + ": zero edits changed bytes"
        source = tool(["source"], data).decode()
        calls = list(torch_load_calls(source))
        assert len(calls) == 5, (name, len(calls))  # the one after %time is masked
        edits = []
        for call, lines in calls:
            last = (call.args + [k.value for k in call.keywords])[-1]
            at = byte_offset([line.encode() for line in lines], last.end_lineno, last.end_col_offset)
            edits.append([at, at, INSERT])
        check_edits(name + " inline", data, sorted(edits))
        # The vertical fix on the call split over lines.
        vertical = [c for c, lines in calls if c.end_lineno > c.lineno]
        assert len(vertical) == 1
        call = vertical[0]
        blines = [line.encode() for line in calls[0][1]]
        close = byte_offset(blines, call.end_lineno, 0)
        last = call.keywords[-1].value
        comma = byte_offset(blines, last.end_lineno, last.end_col_offset)
        line = "    weights_only=True\n"
        new = check_edits(name + " vertical", data, [[comma, comma, ","], [close, close, line]])
        if name != "single_string":
            cells = json.loads(new)["cells"]
            assert any(c["source"][-3:-1] == [line, ")\n"] for c in cells
                       if isinstance(c["source"], list) and len(c["source"]) >= 3), name
        checked += 1
    print("notebook round trip: %d notebooks, zero-edit, inline and vertical fixes" % checked)


main()
