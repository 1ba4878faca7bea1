#!/usr/bin/python3
"""Partial parsing against whole-file parsing.

    /usr/bin/python3 tests/differential/partial_diff.py LOADFIX_BINARY [CORPUS_DIR...]

Runs loadfix over each corpus twice, with --partial and with --no-partial,
in report mode (--output-format json, every finding with its fix) and in
diff mode (--diff, the fixes of every round), both with --unsafe-fixes, and
requires byte-identical standard output, standard error and exit status.
Any difference is a partial-parsing bug: the script prints the first
differing findings (by path) or diff lines.

Default corpora (those that exist): the CPython standard library, Debian's
torch, torchvision, torchaudio and torchgen sources, numpy, pandas and
PyYAML's sources, the golden inputs (tests/golden), and the pipeline
fuzzer's corpus and regressions (hostile inputs: unterminated strings,
deep nesting, lone CRs, NULs...), copied as .py files into a temporary
directory.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPORA = [
    "/usr/lib/python3.11",
    "/usr/lib/python3/dist-packages/torch",
    "/usr/lib/python3/dist-packages/torchvision",
    "/usr/lib/python3/dist-packages/torchaudio",
    "/usr/lib/python3/dist-packages/torchgen",
    "/usr/lib/python3/dist-packages/numpy",
    "/usr/lib/python3/dist-packages/pandas",
    "/usr/lib/python3/dist-packages/yaml",
    os.path.join(os.path.dirname(HERE), "golden"),
]
COMMON = ["--isolated", "--no-ignore", "--exit-zero", "--unsafe-fixes", "-q", "-j", "2"]
MODES = {
    "report": ["--output-format", "json"],
    "diff": ["--diff"],
}


def run(loadfix, parse_flag, mode, corpus):
    cmd = [loadfix, parse_flag] + COMMON + MODES[mode] + [corpus]
    p = subprocess.run(cmd, capture_output=True, cwd=corpus)
    return p.returncode, p.stdout, p.stderr


def by_path(json_text):
    findings = {}
    for f in json.loads(json_text or b"[]"):
        findings.setdefault(f["path"], []).append(f)
    return findings


def explain(mode, whole, part):
    if mode == "report":
        a, b = by_path(whole), by_path(part)
        shown = 0
        for path in sorted(set(a) | set(b)):
            if a.get(path) != b.get(path):
                print(f"  {path}:\n    whole:   {json.dumps(a.get(path))[:600]}\n"
                      f"    partial: {json.dumps(b.get(path))[:600]}")
                shown += 1
                if shown == 5:
                    break
        return
    wl, pl = whole.decode(errors="replace").splitlines(), part.decode(errors="replace").splitlines()
    for i, (x, y) in enumerate(zip(wl, pl)):
        if x != y:
            print(f"  line {i + 1}:\n    whole:   {x}\n    partial: {y}")
            return
    print(f"  whole has {len(wl)} lines, partial {len(pl)}")


def fuzz_corpus(into):
    """The pipeline fuzzer's inputs as .py files in `into`."""
    fuzz = os.path.join(os.path.dirname(HERE), "fuzz")
    n = 0
    for sub in ("corpus/fuzz_pipeline", "regressions/fuzz_pipeline"):
        top = os.path.join(fuzz, sub)
        for dirpath, _, files in os.walk(top):
            for name in sorted(files):
                n += 1
                shutil.copyfile(os.path.join(dirpath, name), os.path.join(into, f"input{n}.py"))
    return n


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    loadfix = os.path.abspath(sys.argv[1])
    corpora = [os.path.abspath(c) for c in sys.argv[2:]]
    if not corpora:
        corpora = [c for c in DEFAULT_CORPORA if os.path.isdir(c)]
        fuzz_dir = tempfile.mkdtemp(prefix="loadfix-partial-fuzz-")
        if fuzz_corpus(fuzz_dir):
            corpora.append(fuzz_dir)
    failures = 0
    for corpus in corpora:
        for mode in MODES:
            whole = run(loadfix, "--no-partial", mode, corpus)
            part = run(loadfix, "--partial", mode, corpus)
            if whole == part:
                print(f"ok {corpus} {mode}: {len(whole[1])} bytes of output")
                continue
            failures += 1
            print(f"FAIL {corpus} {mode}: exit {whole[0]} vs {part[0]}")
            if whole[1] != part[1]:
                explain(mode, whole[1], part[1])
            if whole[2] != part[2]:
                print(f"  stderr whole:   {whole[2][:400]!r}\n  stderr partial: {part[2][:400]!r}")
    if not sys.argv[2:]:
        shutil.rmtree(fuzz_dir, ignore_errors=True)
    if failures:
        sys.exit(f"{failures} differences between --partial and --no-partial")
    print("partial parsing equals whole-file parsing on every corpus")


if __name__ == "__main__":
    main()
