#!/usr/bin/python3
"""Self-test of ast_diff.py: it must pass a correct loadfix and catch faults.

Usage: /usr/bin/python3 tests/differential/selftest.py LOADFIX_BINARY

Runs ast_diff.py on a small corpus through a wrapper around the real
loadfix that damages its output in one way at a time (a changed comment,
a fix on json.load, a changed argument, a silently missed call, a fix on a
call whose `torch` is a parameter, a duplicated keyword, a fix despite
pickle_module) and checks that each damage is reported as a failure.
"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CORPUS = '''import json
import torch
import torch as th
from torch import load as tl
from torch.serialization import load


def f(p):
    x = torch.load(p)  # comment
    y = json.load(p)
    z = th.load(p, map_location="cpu")
    return tl(p), load(p), x, y, z


def g(torch):
    return torch.load(1)


def h(p):
    return torch.load(p, pickle_module=json)
'''

WRAPPER = r'''#!/usr/bin/python3
import json, os, subprocess, sys
real, mode, args = %r, os.environ.get("MUTATE", ""), sys.argv[1:]
p = subprocess.run([real] + args, capture_output=True)
out = p.stdout
if "--fix" in args:
    for root, _dirs, files in os.walk(args[-1]):
        for name in files:
            path = os.path.join(root, name)
            s = open(path).read()
            s = {
                "comment": lambda s: s.replace("# comment", "# Comment"),
                "json": lambda s: s.replace("json.load(p)", "json.load(p, weights_only=True)"),
                "arg": lambda s: s.replace('"cpu", weights_only=True', '"cuda", weights_only=True'),
                "miss": lambda s: s.replace("torch.load(p, weights_only=True)", "torch.load(p)"),
                "shadow": lambda s: s.replace("torch.load(1)", "torch.load(1, weights_only=True)"),
                "dup": lambda s: s.replace("tl(p, weights_only=True)",
                                           "tl(p, weights_only=True, weights_only=True)"),
                "blocker": lambda s: s.replace("pickle_module=json)",
                                               "pickle_module=json, weights_only=True)"),
            }.get(mode, lambda s: s)(s)
            open(path, "w").write(s)
if mode == "miss" and "json" in args:
    out = json.dumps([f for f in json.loads(out) if f["start"]["line"] != 9]).encode()
sys.stdout.buffer.write(out)
sys.stderr.buffer.write(p.stderr)
sys.exit(p.returncode)
'''

EXPECT = {
    "": None,
    "comment": "differs from the original plus the JSON report's applied edits",
    "json": "call `json.load` changed (appended) but the report has no applied LF001",
    "arg": "AST difference: Constant.value: 'cpu' became 'cuda'",
    "miss": "resolves to torch.load (bindings: torch) but was neither fixed nor reported",
    "shadow": "a.py:16: call `torch.load` changed (appended) but the report has no applied",
    "dup": "keyword argument repeated",
    "blocker": "appended to `torch.load` call passing pickle_module",
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="loadfix-ast-diff-selftest-") as tmp:
        # a snapshot, in case the binary is rebuilt while the test runs
        loadfix = os.path.join(tmp, "loadfix")
        shutil.copy2(sys.argv[1], loadfix)
        corpus = os.path.join(tmp, "corpus", "pkg")
        os.makedirs(corpus)
        with open(os.path.join(corpus, "a.py"), "w") as fh:
            fh.write(CORPUS)
        wrapper = os.path.join(tmp, "loadfix-wrapper")
        with open(wrapper, "w") as fh:
            fh.write(WRAPPER % loadfix)
        os.chmod(wrapper, 0o755)
        for mode, needle in EXPECT.items():
            env = dict(os.environ, MUTATE=mode)
            proc = subprocess.run(
                [sys.executable, os.path.join(HERE, "ast_diff.py"), wrapper,
                 os.path.join(tmp, "corpus")],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
            out = proc.stdout.decode("utf-8", "replace")
            ok = (proc.returncode == 0) if needle is None else (
                proc.returncode == 1 and needle in out)
            print("%-4s %s" % ("ok" if ok else "FAIL", mode or "(no damage)"))
            if not ok:
                bad += 1
                print("     expected %s; got exit %d:\n%s" % (
                    "exit 0" if needle is None else repr(needle), proc.returncode,
                    "\n".join("     | " + l for l in out.splitlines()[-15:])))
    print("%d passed, %d failed" % (len(EXPECT) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
