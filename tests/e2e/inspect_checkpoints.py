"""End-to-end test of `loadfix inspect` against real PyTorch 1.13.

Run with Debian's /usr/bin/python3 (python3-torch): `inspect_checkpoints.py LOADFIX`
(not named inspect.py: that would shadow the standard library's inspect).

Checkpoints are made here, at test time, with torch.save / torch.jit.save /
pickle. For each one:
  * the globals loadfix reports (names and counts) equal those of an
    independent lister built on pickletools (below), which resolves
    STACK_GLOBAL from pickletools' own stack-effect tables;
  * with --torch-version 1.13, loads_with_weights_only equals what
    torch.load(f, weights_only=True) really does in 1.13 (in a subprocess);
  * the payload's marker file is never created by loadfix inspect;
  * dangerous globals give exit 1, and the remedies say what they should.
Hostile inputs must fail with exit 2, a message naming the file, bounded
time and memory.
"""
import argparse
import collections
import io
import json
import os
import pickle
import pickletools
import resource
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile

import numpy as np
import torch

LOADFIX = os.path.abspath(sys.argv[1])
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


# ---- the independent lister ------------------------------------------------

UNRESOLVED = "<unresolved STACK_GLOBAL>"
STRING_OPS = {"STRING", "BINSTRING", "SHORT_BINSTRING", "UNICODE", "BINUNICODE",
              "SHORT_BINUNICODE", "BINUNICODE8"}


def list_globals(f):
    """Counts the globals of the pickle at f's position (f advances past
    its STOP), by pickletools.genops and each opcode's stack_before /
    stack_after: values are the str a string opcode pushed, or None."""
    counts = collections.Counter()
    stack, metastack, memo = [], [], {}
    for op, arg, _pos in pickletools.genops(f):
        name = op.name
        if name == "STOP":
            break
        if name in ("GLOBAL", "INST"):
            module, attr = arg.split(" ", 1)
            counts[f"{module}.{attr}"] += 1
        elif name in ("EXT1", "EXT2", "EXT4"):
            counts[f"<extension code {arg}>"] += 1
        if name == "STACK_GLOBAL":
            attr, module = stack.pop(), stack.pop()
            if isinstance(module, str) and isinstance(attr, str):
                counts[f"{module}.{attr}"] += 1
            else:
                counts[UNRESOLVED] += 1
            stack.append(None)
            continue
        if name == "MARK":
            metastack.append(stack)
            stack = []
            continue
        if name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1]
            continue
        if name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
            continue
        if name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo[arg])
            continue
        if name == "DUP":
            stack.append(stack[-1])
            continue
        before = op.stack_before
        if pickletools.markobject in before:
            k = before.index(pickletools.markobject)
            stack = metastack.pop()
            if k:
                del stack[-k:]
        elif before:
            del stack[-len(before):]
        for _ in op.stack_after:
            stack.append(arg if name in STRING_OPS else None)
    return counts


def record_prefix(z):
    return z.namelist()[0].split("/", 1)[0]


def expected_globals(path):
    with open(path, "rb") as f:
        head = f.read(4)
    counts = collections.Counter()
    if head == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z:
            data = z.read(record_prefix(z) + "/data.pkl")
        counts += list_globals(io.BytesIO(data))
        return counts
    if tarfile.is_tarfile(path):
        with tarfile.open(path) as t:
            for member in ("storages", "tensors", "pickle"):
                data = t.extractfile(member).read()
                stream = io.BytesIO(data)
                while stream.tell() < len(data):  # no raw records in the tars made here
                    counts += list_globals(stream)
        return counts
    with open(path, "rb") as f:
        data = f.read()
    stream = io.BytesIO(data)
    first = list_globals(stream)
    counts += first
    magic = pickle.loads(data[:stream.tell()]) if not first else None
    if magic == 0x1950a86a20f9469cfc6c:
        for _ in range(4):  # protocol, sys_info, main, storage keys
            counts += list_globals(stream)
    return counts


# ---- running things --------------------------------------------------------

GNU_TIME = "/usr/bin/time"  # Debian's `time` package (scripts/bootstrap --tests)


def inspect(paths, *args, cwd=None):
    """Runs loadfix inspect; returns (status, stdout, stderr, seconds, peak RSS in MB or None).

    The peak RSS comes from GNU time, which forks loadfix itself: a child
    forked from this (torch-sized) Python would report Python's RSS."""
    start = time.monotonic()
    with tempfile.NamedTemporaryFile() as rss:
        wrapper = [GNU_TIME, "-q", "-f", "%M", "-o", rss.name] if os.access(GNU_TIME, os.X_OK) else []
        proc = subprocess.run(wrapper + [LOADFIX, "inspect", *args, *paths], cwd=cwd, capture_output=True,
                              timeout=300)
        text = open(rss.name).read().split()
        peak = int(text[-1]) / 1024 if wrapper and text else None
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode(), time.monotonic() - start, peak


def inspect_json(path, version):
    status, out, err, _, _ = inspect([path], "--output-format", "json", "--torch-version", version)
    doc = json.loads(out)
    check(len(doc) == 1, f"{path}: one JSON object")
    return status, doc[0], err


def really_loads(path, workdir):
    """What torch.load(f, weights_only=True) does in 1.13, in a subprocess."""
    proc = subprocess.run([sys.executable, "-W", "ignore", "-c",
                           "import sys, torch; torch.load(sys.argv[1], weights_only=True)", path],
                          cwd=workdir, capture_output=True, timeout=300)
    return proc.returncode == 0


# ---- checkpoints -----------------------------------------------------------

class Payload:
    def __reduce__(self):
        return (os.system, ("touch MARKER",))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)


def make_checkpoints(d):
    torch.manual_seed(0)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.fc(torch.randn(4, 3)).sum().backward()
    opt.step()
    ns = argparse.Namespace(lr=0.1, epochs=3, name="run")
    made = {}

    def save(name, obj, **kw):
        p = os.path.join(d, name)
        torch.save(obj, p, **kw)
        made[name] = p

    save("state_dict.pt", net.state_dict())
    save("optimizer.pt", opt.state_dict())
    save("optimizer_tensors.pt", {k: v for k, v in opt.state_dict()["state"][0].items()})
    save("namespace.pt", {"model": net.state_dict(), "args": ns})
    save("numpy.pt", {"a": np.arange(6, dtype=np.float32).reshape(2, 3)})
    save("module.pt", net)
    save("payload.pt", {"weights": net.state_dict(), "x": Payload()})
    save("protocol4.pt", net.state_dict(), pickle_protocol=4)
    save("protocol4_namespace.pt", {"args": ns}, pickle_protocol=4)
    save("legacy_state_dict.pt", net.state_dict(), _use_new_zipfile_serialization=False)
    save("legacy_namespace.pt", {"args": ns, "w": torch.ones(2)}, _use_new_zipfile_serialization=False)
    save("legacy_payload.pt", {"x": Payload()}, _use_new_zipfile_serialization=False)
    save("tensor.pt", torch.arange(10))
    p = os.path.join(d, "scripted.pt")
    torch.jit.save(torch.jit.script(torch.nn.Linear(3, 2)), p)
    made["scripted.pt"] = p
    for proto in (0, 2, 4, 5):
        p = os.path.join(d, f"plain_p{proto}.pkl")
        with open(p, "wb") as f:
            pickle.dump({"a": [1, 2], "ns": ns, "od": collections.OrderedDict(x=1)}, f, protocol=proto)
        made[f"plain_p{proto}.pkl"] = p
    p = os.path.join(d, "plain_payload.pkl")
    with open(p, "wb") as f:
        pickle.dump([Payload()], f, protocol=4)
    made["plain_payload.pkl"] = p
    # The legacy tar format (PyTorch < 0.1.10): no storages or tensors.
    for name, obj in (("tar_dict.pt", {"a": 1, "b": (2, 3)}), ("tar_namespace.pt", {"args": ns})):
        p = os.path.join(d, name)
        with tarfile.open(p, "w:", format=tarfile.PAX_FORMAT) as t:
            # storages: the count, then the storage views (none)
            for member, data in (("storages", pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2)),
                                 ("tensors", pickle.dumps(0, protocol=2)),
                                 ("pickle", pickle.dumps(obj, protocol=2))):
                info = tarfile.TarInfo(member)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        made[name] = p
    return made


def main():
    with tempfile.TemporaryDirectory() as d:
        work = os.path.join(d, "work")
        os.mkdir(work)
        made = make_checkpoints(d)
        marker = os.path.join(work, "MARKER")

        # 1. Every checkpoint, with the 1.13 list: globals and verdict.
        for name, path in sorted(made.items()):
            status, report, err = inspect_json(path, "1.13")
            check(not os.path.exists(marker), f"{name}: loadfix inspect created the payload's marker")
            want = expected_globals(path)
            check(report["globals"] == sorted(want), f"{name}: globals {report['globals']} != {sorted(want)}")
            check(report["counts"] == dict(want), f"{name}: counts {report['counts']} != {dict(want)}")
            check(report["globals"] == sorted(set(report["globals"])), f"{name}: globals sorted and unique")
            loads = really_loads(path, work)
            check(report["loads_with_weights_only"] == loads,
                  f"{name}: loads_with_weights_only {report['loads_with_weights_only']}, torch 1.13 says {loads}")
            check(os.path.exists(marker) is False, f"{name}: weights_only=True ran the payload")
            dangerous = "payload" in name
            check(bool(report["dangerous"]) == dangerous, f"{name}: dangerous {report['dangerous']}")
            check(status == (1 if dangerous else 0), f"{name}: exit status {status}")
            check(set(report["unsafe_globals"]) <= set(report["globals"]), f"{name}: unsafe within globals")
            check(err == "", f"{name}: stderr {err!r}")
            for key in ("path", "format", "globals", "unsafe_globals", "dangerous", "loads_with_weights_only",
                        "remedy"):
                check(key in report, f"{name}: JSON key {key}")
            print(f"ok {name}: format={report['format']} globals={len(report['globals'])} "
                  f"loads(1.13)={loads}")

        formats = {name: inspect_json(p, "latest")[1] for name, p in made.items()}
        check(formats["state_dict.pt"]["format"] == "zip", "state_dict: zip")
        check(formats["scripted.pt"]["format"] == "torchscript", "scripted: torchscript")
        check(formats["scripted.pt"]["loader"] == "torch.jit.load", "scripted: loader")
        check(formats["legacy_state_dict.pt"]["format"] == "legacy", "legacy format")
        check(formats["tar_dict.pt"]["format"] == "tar", "tar format")
        check(formats["plain_p2.pkl"]["format"] == "pickle", "plain pickle")

        # 2. The newest list: verdicts and remedies.
        latest = formats
        check(latest["state_dict.pt"]["loads_with_weights_only"], "latest: state_dict loads")
        check(latest["optimizer.pt"]["loads_with_weights_only"], "latest: optimizer (floats) loads")
        check(not latest["scripted.pt"]["loads_with_weights_only"], "latest: TorchScript refused")
        ns = latest["namespace.pt"]
        check(ns["unsafe_globals"] == ["argparse.Namespace"], f"namespace unsafe {ns['unsafe_globals']}")
        check(ns["remedy"] and "import argparse\n" in ns["remedy"] and
              "torch.serialization.add_safe_globals([argparse.Namespace])" in ns["remedy"],
              f"namespace remedy {ns['remedy']!r}")
        check("torch.serialization.safe_globals([argparse.Namespace])" in ns["remedy"], "safe_globals form")
        check("state_dict()" in (latest["module.pt"]["remedy"] or ""), "module remedy: state_dict")
        check(latest["module.pt"]["whole_module"], "module: whole_module")
        check("posix.system" in latest["payload.pt"]["dangerous"], "payload: posix.system dangerous")
        check(latest["payload.pt"]["remedy"].startswith("Do not load"), "payload remedy")
        check("argparse.Namespace" in latest["protocol4_namespace.pt"]["globals"], "STACK_GLOBAL resolved")
        check(latest["numpy.pt"]["unsafe_globals"] == ["numpy.core.multiarray._reconstruct", "numpy.dtype",
                                                       "numpy.ndarray"], "numpy unsafe globals")
        v113 = inspect_json(made["namespace.pt"], "1.13")[1]
        check("2.4" in (v113["remedy"] or ""), "1.13 remedy names the version add_safe_globals needs")

        # The remedy works: under 1.13 add_safe_globals does not exist, so
        # the remedy text must say so rather than claim it loads.
        check(not hasattr(torch.serialization, "add_safe_globals"), "torch 1.13 has no add_safe_globals")

        # 3. Text output, several files, subcommand dispatch.
        status, out, err, _, _ = inspect([made["namespace.pt"], made["state_dict.pt"]])
        check(status == 0, f"text: status {status}")
        check("argparse.Namespace" in out and "not allowed" in out and "add_safe_globals" in out, "text report")
        check(out.count("torch.load(weights_only=True)") == 2, "text: one verdict per file")
        # A file literally named `inspect` is reached as ./inspect by the linter.
        with open(os.path.join(work, "inspect"), "w") as f:
            f.write("import torch\ntorch.load('x')\n")
        proc = subprocess.run([LOADFIX, "--isolated", "./inspect"], cwd=work, capture_output=True, text=True)
        check(proc.returncode == 1 and "LF001" in proc.stdout, f"./inspect is linted: {proc.stdout!r}")
        proc = subprocess.run([LOADFIX, "inspect"], capture_output=True, text=True)
        check(proc.returncode == 2 and "no checkpoint" in proc.stderr, "inspect without files: usage error")
        proc = subprocess.run([LOADFIX, "inspect", "--torch-version", "0.4", made["tensor.pt"]],
                              capture_output=True, text=True)
        check(proc.returncode == 2, "unknown --torch-version")

        # --code: the torch.load calls that load each checkpoint by a literal path.
        code = os.path.join(d, "code")
        os.mkdir(code)
        with open(os.path.join(code, "train.py"), "w") as f:
            f.write("import torch\n"
                    f"a = torch.load({made['namespace.pt']!r})\n"
                    f"b = torch.load({made['state_dict.pt']!r}, map_location='cpu')\n"
                    f"c = torch.load(\n    {made['state_dict.pt']!r},\n    weights_only=False,\n)\n"
                    "d = torch.load(path)\n"
                    f"e = torch.load({made['namespace.pt']!r}, weights_only=True)\n")
        status, out, err, _, _ = inspect([made["namespace.pt"], made["state_dict.pt"]], "--code", code,
                                         "--output-format", "json")
        doc = json.loads(out)
        by_ns = [(x["line"], x["rule"], x["fix_keeps_loading"]) for x in doc[0]["loaded_by"]]
        by_sd = [(x["line"], x["rule"], x["fix_keeps_loading"]) for x in doc[1]["loaded_by"]]
        check(by_ns == [(2, "LF001", False)], f"--code namespace.pt loaded by {by_ns}")
        check(by_sd == [(3, "LF001", True), (6, "LF002", True)], f"--code state_dict.pt loaded by {by_sd}")
        check(status == 0 and err == "", f"--code: status {status}, {err!r}")
        status, out, err, _, _ = inspect([made["state_dict.pt"]], "--code", code)
        check("train.py:3:5: LF001: the fix (weights_only=True) is safe" in out, f"--code text: {out!r}")
        # --code . names the calls as the linter does when it walks `.`: no `./` prefix.
        status, out, err, _, _ = inspect([made["state_dict.pt"]], "--code", ".", cwd=code)
        check("\n    train.py:3:5: LF001: " in out and "./train.py" not in out, f"--code . text: {out!r}")
        status, out, err, _, _ = inspect([made["state_dict.pt"]])
        check(inspect_json(made["state_dict.pt"], "latest")[1]["loaded_by"] is None and "loaded by" not in out,
              "no --code: loaded_by is null")

        # 4. Hostile input: exit 2, the file named, bounded time and memory.
        hostile = {}

        def write(name, data):
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(data)
            hostile[name] = p

        write("text.txt", b"hello, this is not a checkpoint\n")
        write("empty.pt", b"")
        with open(made["state_dict.pt"], "rb") as f:
            whole = f.read()
        write("truncated.pt", whole[: len(whole) // 2])
        write("truncated_head.pt", whole[:40])
        # zip bomb: 300 MB of zeros compress to ~300 KB; the cap stops it.
        p = os.path.join(d, "bomb.pt")
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            with z.open("archive/data.pkl", "w", force_zip64=True) as f:
                chunk = b"\0" * (1 << 20)
                for _ in range(300):
                    f.write(chunk)
        hostile["bomb.pt"] = p
        # A small data.pkl whose declared sizes claim 4 GB.
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            z.writestr("archive/data.pkl", pickle.dumps({"a": 1}, protocol=2))
        raw = bytearray(buf.getvalue())
        cd = raw.rfind(b"PK\x01\x02")
        raw[cd + 24:cd + 28] = struct.pack("<I", 0xFFFFFFF0)  # uncompressed size in the central directory
        raw[22:26] = struct.pack("<I", 0xFFFFFFF0)  # and in the local header
        write("declared_huge.pt", bytes(raw))
        write("deep_marks.pkl", b"\x80\x02" + b"(" * 1_000_000 + b".")
        write("deep_lists.pkl", b"\x80\x02" + b"]" * 1_000_000 + b".")
        write("memo_million.pkl", b"\x80\x02N" + b"".join(b"r" + struct.pack("<I", i) for i in range(1_000_001))
              + b".")
        write("no_stop.pkl", b"\x80\x02" + b"N0" * 10_000_000)
        write("payload_then_garbage.pkl", pickle.dumps(Payload(), protocol=2)[:-1] + b"\xff\xff")
        for name, path in sorted(hostile.items()):
            status, out, err, seconds, rss = inspect([path])
            check(status == 2, f"{name}: exit {status} (want 2); stderr {err!r}")
            check(path in err and err.startswith("loadfix: "), f"{name}: the message names the file: {err!r}")
            check(seconds < 30, f"{name}: took {seconds:.1f} s")
            check(rss is None or rss < 400, f"{name}: peak RSS {rss} MB")
            check(not os.path.exists(marker), f"{name}: marker")
            print(f"ok hostile {name}: {err.strip()[:150]} ({seconds:.2f} s, {'?' if rss is None else round(rss)} MB)")
        status, out, err, _, _ = inspect([hostile["payload_then_garbage.pkl"]])
        check("posix.system" in out and "DANGEROUS" in out, "a payload before garbage is still reported")

    print(f"{checks} checks, {len(failures)} failed")
    sys.exit(1 if failures else 0)


main()
