#!/usr/bin/python3
"""Differential test: loadfix's PEP 440 evaluator against `packaging`.

Generates specifier sets and versions with a seeded generator (edge cases
first, then random ones built around each specifier's own operand so that
the boundaries are hit: pre/post/dev/local neighbours, epochs, wildcards,
~=, ===, odd spellings), feeds "SPEC<TAB>VERSION" lines to the driver
(tests/unit/pep440_driver.c) and compares each answer with
`SpecifierSet(spec).contains(version)` and `.contains(version,
prereleases=True)`.  An invalid specifier or version must be invalid for
both ("E").

One deliberate difference: packaging 23 (Debian bookworm) splits "1!2.0"
into "1!2", "0" when it matches wildcards and ~=, so `==1!2.0.*` does not
contain 1!2.0.  loadfix follows PEP 440 there.  For packaging < 24 this
script compares with packaging whose _version_split keeps the epoch apart
(the later upstream form) and reports how many pairs that changed.

Then the admission question, on the same specifier sets: for each set and
a bound (2.6.0, 2.10.0, 1.13 and versions around the set's operands),
lf_pep440_set_admits must not say "none" when some generated version below
the bound is contained (soundness, checked on a pool of candidates), and a
witness it names must be below the bound and contained (checked by
packaging).  "maybe" is allowed and counted.

Usage: pep440_differential.py DRIVER [--count N] [--seed S]
"""

import argparse
import itertools
import random
import subprocess
import sys

try:
    from packaging import specifiers as _specifiers
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version
    import packaging
except ImportError:
    print("SKIP: python3-packaging is not installed (scripts/bootstrap --tests)")
    sys.exit(77)

EDGE_CASES = [
    # (specifier set, version)
    ("", "1.0"), ("", "1.0a1"), ("", "1.0.dev0"), ("", "1.0.post1"), ("", "1.0+local"),
    (">=2.0,<3", "2.5"), (">=2.0,<3", "3.0rc1"), (">=2.0,<3", "2.0rc1"), (">=2.0,<3", "3"),
    ("<2.6.0", "2.6.0rc1"), ("<2.6.0", "2.5.99"), ("<2.6.0rc1", "2.6.0a1"), ("<2.6.0rc1", "2.5.0a1"),
    (">2.5", "2.5.post1"), (">2.5", "2.5+cu121"), (">2.5", "2.5.1"), (">2.5.post1", "2.5.post2"),
    (">1.0.dev1", "1.0.post1"), (">1.0.dev1", "1.0"), (">1.0a1", "1.0a2"), (">1.0a1", "1.0.post1"),
    ("==2.6.*", "2.6"), ("==2.6.*", "2.6.0rc1"), ("==2.6.*", "2.60"), ("==2.6.*", "2.6.3+cu124"),
    ("==2.6.*", "2.6.post1"), ("!=2.6.*", "2.6.1"), ("!=2.6.*", "2.7"), ("==2.0.*", "2"),
    ("==2.1", "2.1+cu118"), ("==2.1+cu118", "2.1"), ("==2.1+cu118", "2.1+CU118"), ("==2.1.0", "2.1"),
    ("!=2.1", "2.1+cpu"), ("!=2.1+cpu", "2.1"), ("<=2.1", "2.1+cpu"), (">=2.1", "2.1+cpu"),
    ("<2.1", "2.1+cpu"), ("<2.1", "2.0+cpu"), ("~=2.2", "2.3"), ("~=2.2", "3.0"), ("~=2.2.0", "2.3"),
    ("~=2.2.0", "2.2.5"), ("~=1.4.5a4", "1.4.5"), ("~=1.4.5a4", "1.4.5a5"), ("~=2.2.post3", "2.2.post4"),
    ("~=1.0c1", "1.0.5"), ("~=1.0c1", "1.5"), ("~=1.0.rev1", "1.0.5"), ("~=1.0.POST1", "1.0.7"),
    ("===1.0", "1.0"), ("===1.0", "1.0.0"), ("===1.0+LOCAL", "1.0+local"), ("===1.0a1", "1.0a1"),
    ("==1!2.0", "2.0"), ("==1!2.0", "1!2.0"), (">=1!0", "9999"), ("<1!0", "9999"),
    ("==1!2.*", "1!2.5"), ("==1!2.0.*", "1!2.0"), ("~=1!2.0", "1!2.0"), ("~=1!2.0.0", "1!2.0"),
    (">= 1.0 , < 2.0", "1.5"), (">=1.0,,<2", "1.5"), ("  ==  1.0  ", "1.0"), (">=v1.0", "1.0"),
    (">=1.0-1", "1.0.post1"), (">=1.0.r1", "1.0.post1"), (">=1.0rev1", "1.0.post1"),
    (">=1.0alpha1", "1.0a1"), (">=1.0.BETA.2", "1.0b2"), (">=1.0-preview_3", "1.0rc3"), (">=1.0c4", "1.0rc4"),
    (">=1.0.DEV", "1.0.dev0"), (">=1.0a", "1.0a0"), (">=1.0a.", "1.0a0"), (">=1.0-post", "1.0.post0"),
    ("==01.002", "1.2"), ("==1.0+001", "1.0+1"), ("==1.0+a-B_c", "1.0+a.b.c"),
    (">=1.0a1", "1.0a1"), ("<=1.0a1", "1.0.dev5"), ("==1.0.dev1", "1.0.dev1"), ("!=1.0a1", "1.0a2"),
    (">1.0", "1.0.0.1"), (">1.0", "1.1.dev1"), ("<1.0", "0.9.dev1"), ("<1.0.dev5", "1.0.dev1"),
    ("<1.0.post1", "1.0.post1.dev1"), (">=1.0,<1.0.post0", "1.0+x"), (">=1.0,!=1.0", "1.0.post0"),
    ("==1.0.0.0.0", "1"), ("<1.13", "1.12.1"), ("<1.13", "1.13.0"), (">=2.10", "2.9"), (">=2.10", "2.10.0"),
    # invalid either way
    ("=>1.0", "1.0"), ("==1.0.*.*", "1.0"), (">=1.0.*", "1.0"), ("~=1", "1.0"), (">=1.0+local", "1.0"),
    ("==1.0a1.*", "1.0"), ("1.0", "1.0"), ("==", "1.0"), (">=1.0", "1.0+"), (">=1.0", "not.a.version"),
    (">=1.0", "1.0-"), (">=1.0", "1..0"), (">=1.0", ""), ("~=1.0+x", "1.0"), ("===1.0 1", "1.0"),
]

PRE_SPELLINGS = ["a", "b", "rc", "alpha", "beta", "c", "pre", "preview", "A", "RC"]
POST_SPELLINGS = [".post", "post", "-post", ".rev", "r", "-", "_post"]
DEV_SPELLINGS = [".dev", "dev", "-dev", "_dev", ".DEV"]
SEPS = ["", ".", "-", "_"]


def random_release(rng, min_len=1):
    n = rng.choice([1, 2, 2, 3, 3, 3, 4])
    n = max(n, min_len)
    return [rng.choice([0, 0, 1, 1, 2, 3, 5, 10]) for _ in range(n)]


def spell(rng, epoch, release, pre, post, dev, local, odd=True):
    """A spelling of the version; `odd` allows non-normalised forms."""
    s = ""
    if odd and rng.random() < 0.05:
        s += "v"
    if epoch:
        s += f"{epoch}!"
    s += ".".join(str(x) for x in release)
    if pre is not None:
        label, n = pre
        if odd:
            label = {"a": rng.choice(["a", "alpha", "A"]), "b": rng.choice(["b", "beta"]),
                     "rc": rng.choice(["rc", "c", "pre", "preview", "RC"])}[label]
            s += rng.choice(SEPS) + label + rng.choice(["", "", ".", "-"]) + str(n)
        else:
            s += label + str(n)
    if post is not None:
        if odd:
            sp = rng.choice(POST_SPELLINGS)
            s += sp + str(post)
        else:
            s += f".post{post}"
    if dev is not None:
        s += (rng.choice(DEV_SPELLINGS) if odd else ".dev") + str(dev)
    if local is not None:
        s += "+" + local
    return s


def random_parts(rng):
    epoch = 1 if rng.random() < 0.08 else 0
    release = random_release(rng)
    pre = (rng.choice(["a", "b", "rc"]), rng.choice([0, 1, 2])) if rng.random() < 0.25 else None
    post = rng.choice([0, 1, 2]) if rng.random() < 0.2 else None
    dev = rng.choice([0, 1, 5]) if rng.random() < 0.2 else None
    local = rng.choice(["cpu", "cu121", "1", "ubuntu.1", "a-b", "001"]) if rng.random() < 0.15 else None
    return epoch, release, pre, post, dev, local


def neighbours(rng, parts):
    """Versions at and around an operand: the boundary cases."""
    epoch, release, pre, post, dev, local = parts
    out = [spell(rng, epoch, release, pre, post, dev, None, odd=False)]
    bumped = list(release)
    bumped[-1] += 1
    out.append(spell(rng, epoch, bumped, None, None, None, None, odd=False))
    if bumped[-1] > 1:
        lower = list(release)
        lower[-1] = max(0, lower[-1] - 1)
        out.append(spell(rng, epoch, lower + [9], None, None, None, None, odd=False))
    out.append(spell(rng, epoch, release + [0], None, None, None, None, odd=False))
    out.append(spell(rng, epoch, release + [1], None, None, None, None, odd=False))
    out.append(spell(rng, epoch, release[:1], None, None, None, None, odd=False))
    out.append(spell(rng, epoch, release, ("rc", 1), None, None, None, odd=False))
    out.append(spell(rng, epoch, release, None, None, 0, None, odd=False))
    out.append(spell(rng, epoch, release, None, 1, None, None, odd=False))
    out.append(spell(rng, epoch, release, pre, post, dev, "cu121", odd=False))
    out.append(spell(rng, epoch, release, None, 0, 0, None, odd=False))
    out.append(spell(rng, 1 - epoch, release, None, None, None, None, odd=False))
    return out


def random_clause(rng):
    op = rng.choice(["==", "==", "!=", "<=", ">=", ">=", "<", "<", ">", "~=", "~=", "===", "==*", "!=*"])
    epoch, release, pre, post, dev, local = parts = random_parts(rng)
    if op in ("==*", "!=*"):
        text = op[:2] + spell(rng, epoch, release, None, None, None, None, odd=False) + ".*"
        return text, (epoch, release, None, None, None, None)
    if op == "~=":
        if len(release) < 2:
            release = release + [rng.choice([0, 1])]
        # Spellings where packaging's prefix rule keeps an odd piece are
        # covered by EDGE_CASES; random ones use the plain forms.
        text = "~=" + spell(rng, epoch, release, pre, post, dev, None, odd=False)
        return text, (epoch, release, pre, post, dev, None)
    if op == "===":
        text = "===" + str(Version(spell(rng, epoch, release, pre, post, dev, local, odd=False)))
        if rng.random() < 0.2:
            text = text.upper()
        return text, parts
    if op not in ("==", "!="):
        local = None
    ws = rng.choice(["", "", " "])
    text = op + ws + spell(rng, epoch, release, pre, post, dev, local)
    return text, (epoch, release, pre, post, dev, local)


def generate(rng, count, pools):
    pairs = list(EDGE_CASES)
    while len(pairs) < count:
        clauses = [random_clause(rng) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
        spec = rng.choice([",", ", ", " ,"]).join(c[0] for c in clauses)
        _, parts = rng.choice(clauses)
        versions = neighbours(rng, parts) + [spell(rng, *random_parts(rng))]
        pools[spec] = [v for c in clauses for v in neighbours(rng, c[1])]
        for v in rng.sample(versions, k=min(4, len(versions))):
            pairs.append((spec, v))
    return pairs


def patched_split(version):
    """_version_split keeping the epoch as its own piece (upstream's later form)."""
    result = []
    epoch, _, rest = version.rpartition("!")
    result.append(epoch or "0")
    for item in rest.split("."):
        match = _specifiers._prefix_regex.search(item)
        if match:
            result.extend(match.groups())
        else:
            result.append(item)
    return result


def patched_compatible(self, prospective, spec):
    pieces = list(itertools.takewhile(_specifiers._is_not_suffix, patched_split(spec)))[:-1]
    epoch, *rest = pieces
    prefix = f"{epoch}!" + ".".join(rest) + ".*"
    return self._get_operator(">=")(prospective, spec) and self._get_operator("==")(prospective, prefix)


def expected(spec, version):
    try:
        s = SpecifierSet(spec)
        v = Version(version)
    except (InvalidSpecifier, InvalidVersion):
        return "E"
    return f"{int(s.contains(v))} {int(s.contains(v, prereleases=True))}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("driver")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=440)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pools = {}
    pairs = generate(rng, args.count, pools)
    # A tab or newline inside a pair would break the line protocol.
    pairs = [(s, v) for s, v in pairs if "\t" not in s + v and "\n" not in s + v]

    want = [expected(s, v) for s, v in pairs]
    changed = 0
    if int(packaging.__version__.split(".")[0]) < 24:
        _specifiers._version_split = patched_split
        _specifiers.Specifier._compare_compatible = patched_compatible
        fixed = [expected(s, v) for s, v in pairs]
        changed = sum(a != b for a, b in zip(want, fixed))
        want = fixed

    stdin = "".join(f"{s}\t{v}\n" for s, v in pairs)
    run = subprocess.run([args.driver], input=stdin, capture_output=True, text=True, check=True)
    got = run.stdout.splitlines()
    if len(got) != len(pairs):
        print(f"FAIL: driver answered {len(got)} lines for {len(pairs)} pairs")
        return 1
    failures = [(s, v, w, g) for (s, v), w, g in zip(pairs, want, got) if w != g]
    kinds = {
        "valid": sum(w != "E" for w in want),
        "invalid": sum(w == "E" for w in want),
        "contained": sum(w.startswith("1") for w in want),
        "prerelease-only": sum(w == "0 1" for w in want),
    }
    print(f"packaging {packaging.__version__}, seed {args.seed}: {len(pairs)} pairs "
          f"({', '.join(f'{k} {n}' for k, n in kinds.items())}); "
          f"epoch fix changed {changed}")
    for s, v, w, g in failures[:50]:
        print(f"MISMATCH: SpecifierSet({s!r}).contains({v!r}): packaging {w!r}, loadfix {g!r}")
    if failures:
        print(f"FAIL: {len(failures)} of {len(pairs)} pairs disagree")
        return 1
    print("OK: all pairs agree")
    return check_admission(args.driver, pools)


def check_admission(driver, pools):
    queries = []
    for spec, pool in pools.items():
        pool = pool + ["0", "1.12", "1.13", "2.5.1", "2.5.1+cu121", "2.6.0rc1", "2.6.0", "2.9.1", "2.10.0"]
        for bound in ["2.6.0", "2.10.0", "1.13"] + pool[:3]:
            queries.append((spec, bound, pool))
    stdin = "".join(f"{s}\t<{b}\n" for s, b, _ in queries)
    run = subprocess.run([driver], input=stdin, capture_output=True, text=True, check=True)
    got = run.stdout.splitlines()
    bad = []
    counts = {"none": 0, "witness": 0, "maybe": 0}
    for (spec, bound, pool), answer in zip(queries, got):
        s, b = SpecifierSet(spec), Version(bound)
        inside = [v for v in pool if Version(v) < b and s.contains(Version(v))]
        kind = answer.split()[0]
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "none" and inside:
            bad.append(f"UNSOUND: {spec!r} below {bound}: loadfix none, packaging contains {inside[0]}")
        elif kind == "witness":
            w = Version(answer.split()[1])
            if not (w < b and s.contains(w)):
                bad.append(f"BAD WITNESS: {spec!r} below {bound}: {w} is not contained below the bound")
        elif kind not in counts or kind == "E":
            bad.append(f"ERROR: {spec!r} below {bound}: {answer!r}")
    print(f"admission: {len(queries)} queries ({', '.join(f'{k} {n}' for k, n in counts.items())})")
    for line in bad[:50]:
        print(line)
    if bad or len(got) != len(queries):
        print(f"FAIL: {len(bad)} admission answers are wrong")
        return 1
    print("OK: every admission answer is sound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
