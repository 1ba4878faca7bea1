#!/usr/bin/python3
"""Self-test of ast_diff.py: it must pass a correct loadfix and catch faults.

Usage: /usr/bin/python3 tests/differential/selftest.py LOADFIX_BINARY

Runs ast_diff.py on a small corpus through a wrapper around the real
loadfix that damages its output in one way at a time (a changed comment,
a fix on json.load, a changed argument, a silently missed call, a fix on a
call whose `torch` is a parameter, a duplicated keyword, a fix despite
pickle_module; for the rules beyond torch: allow_pickle=None instead of
False, unsafe_load_all renamed to safe_load instead of safe_load_all,
CLoader to SafeLoader instead of CSafeLoader, a keyword added to a safe
np.load, an LF101 and an LF104 call silently missed, an LF103 fix left
out, a safe np.load reported) and checks that each damage is reported as a
failure.
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

# The rules beyond torch (LF101-LF104), in a second file so that a.py's
# line numbers stay as the damages above expect.
CORPUS_RULES = '''import pickle
import numpy as np
import yaml


def read(p, s):
    data = pickle.load(p)
    arr = np.load(p, allow_pickle=True)
    docs = yaml.load_all(s, Loader=yaml.CLoader)
    one = yaml.unsafe_load_all(s)
    cfg = yaml.load(s)
    ok = np.load(p)
    return data, arr, docs, one, cfg, ok
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
                # the rules beyond torch: a wrong value, a wrong twin, a
                # wrong loader, a keyword added, a fix undone or left out
                "allow_none": lambda s: s.replace("allow_pickle=False", "allow_pickle=None"),
                "yaml_twin": lambda s: s.replace("yaml.safe_load_all(s)", "yaml.safe_load(s)"),
                "cloader": lambda s: s.replace("yaml.CSafeLoader", "yaml.SafeLoader"),
                "np_kw": lambda s: s.replace("np.load(p)\n", "np.load(p, allow_pickle=True)\n"),
                "miss_yaml": lambda s: s.replace("cfg = yaml.safe_load(s)", "cfg = yaml.load(s)"),
                "keep_np": lambda s: s.replace("allow_pickle=False", "allow_pickle=True"),
            }.get(mode, lambda s: s)(s)
            open(path, "w").write(s)


def finding_at(f, name, line):
    return f["path"].endswith(name) and f["start"]["line"] == line


if "json" in args:
    findings = json.loads(out)
    if mode == "miss":
        findings = [f for f in findings if not finding_at(f, "a.py", 9)]
    if mode == "miss_pickle":  # pickle.load(p) in b.py silently not reported
        findings = [f for f in findings if not finding_at(f, "b.py", 7)]
    if mode == "miss_yaml":    # yaml.load(s) neither reported nor fixed
        findings = [f for f in findings if not finding_at(f, "b.py", 11)]
    if mode == "keep_np":      # allow_pickle=True reported, but not fixed
        for f in findings:
            if finding_at(f, "b.py", 8):
                f["fix"] = None
    if mode == "fp_np":        # np.load(p), safe, reported as LF103
        b = [f for f in findings if f["path"].endswith("b.py")][0]
        text = open(b["path"], "rb").read()
        at = text.index(b"np.load(p)\n")
        line = text[:at].count(b"\n") + 1
        column = at - text[:at].rindex(b"\n")
        findings.append(dict(b, code="LF103", message="numpy.load", fix=None,
                             start={"line": line, "column": column, "offset": at},
                             end={"line": line, "column": column + 10, "offset": at + 10}))
    out = json.dumps(findings).encode()
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
    "allow_none": "AST difference: Constant.value: True became None",
    "yaml_twin": "AST difference: Attribute.attr: 'unsafe_load_all' became 'safe_load'",
    "cloader": "AST difference: Attribute.attr: 'CLoader' became 'SafeLoader'",
    "np_kw": "AST difference: Call keywords [] became [allow_pickle]",
    "miss_pickle": "b.py:7: `pickle.load(...)` resolves to pickle.load but loadfix reported no LF101",
    "miss_yaml": ("b.py:11: `yaml.load(...)` resolves to yaml.load without a Loader but loadfix "
                  "reported no LF104"),
    "keep_np": "LF103 on `np.load(...)` (numpy.load with a true allow_pickle literal) has no applied fix",
    "fp_np": ("LF103 reported on `np.load(...)`, but Python resolves it to numpy.load without "
              "allow_pickle, which the rule calls safe"),
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
        with open(os.path.join(corpus, "b.py"), "w") as fh:
            fh.write(CORPUS_RULES)
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
