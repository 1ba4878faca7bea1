#!/usr/bin/env bash
# SARIF for GitHub code scanning: partialFingerprints that survive lines
# inserted above and tell identical calls apart, the recipe the README
# states (re-implemented here in Python), one run with automationDetails,
# and the 25,000-results cap (README, "GitHub code scanning").
. "$(dirname "$0")/lib.sh"

fingerprints() { # FILE -> one "rule fingerprint" line per result
  "$LOADFIX" --output-format sarif "$1" | /usr/bin/python3 -c '
import json, sys
for r in json.load(sys.stdin)["runs"][0]["results"]:
    print(r["ruleId"], r["partialFingerprints"]["loadfix/v1"])'
}

printf 'import torch\na = torch.load(p)\nb = torch.load(p)\nc = torch.load(q, weights_only=False)\n' >m.py
before=$(fingerprints m.py)
expect "three results" test "$(printf '%s\n' "$before" | wc -l)" = 3
expect "two identical calls get different fingerprints" \
  test "$(printf '%s\n' "$before" | sed -n 1p)" != "$(printf '%s\n' "$before" | sed -n 2p)"
printf 'import torch\n\n# a comment\n\n\na = torch.load(p)\nb = torch.load(p)\nc = torch.load(q, weights_only=False)\n' >m.py
expect "lines inserted above change no fingerprint" test "$(fingerprints m.py)" = "$before"
printf 'import torch\na = torch.load(\n    p\n)\nb = torch.load(p)\n    \nc = torch.load(q,  weights_only=False)\n' >m.py
expect "re-wrapping a call changes no fingerprint" test "$(fingerprints m.py)" = "$before"
printf 'import torch\nb = torch.load(p)\nc = torch.load(q, weights_only=False)\n' >m.py
expect "removing the first of two identical calls keeps the other's (it is now occurrence 0)" \
  test "$(fingerprints m.py)" = "$(printf '%s\n' "$before" | sed -n '1p;3p')"
cp m.py n.py
expect "another file, other fingerprints" test "$(fingerprints n.py)" != "$(fingerprints m.py)"

# The README's recipe, re-implemented: FNV-1a 64 over code NUL uri NUL
# whitespace-free text NUL occurrence.
printf 'import torch\nx = torch.load( p )\ny = torch.load(p)\n' >"sp ace.py"
expect_status "sarif" 1 "$LOADFIX" --output-format sarif "sp ace.py"
printf '%s\n' "$OUT" >r.sarif
expect "fingerprints follow the README's recipe" /usr/bin/python3 - <<'PY'
import json, re
def fnv(data, h=0xcbf29ce484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h
run = json.load(open("r.sarif"))["runs"][0]
assert run["automationDetails"] == {"id": "loadfix/"}, run.get("automationDetails")
seen = {}
for r in run["results"]:
    loc = r["locations"][0]["physicalLocation"]
    text = re.sub(rb"[ \t\n\r\f\v]", b"", loc["region"]["snippet"]["text"].encode())
    key = (r["ruleId"], text)
    n = seen.get(key, 0)
    seen[key] = n + 1
    want = fnv(r["ruleId"].encode() + b"\0" + loc["artifactLocation"]["uri"].encode() + b"\0" + text + b"\0" + str(n).encode())
    assert r["partialFingerprints"]["loadfix/v1"] == "%016x" % want, (r["partialFingerprints"], "%016x" % want)
assert len(seen) == 1 and seen[("LF001", b"torch.load(p)")] == 2, seen
PY

# The category: loadfix/ unless --sarif-category names another (one '/').
expect_status "--sarif-category" 1 "$LOADFIX" --output-format sarif --sarif-category py/ m.py
expect "the run's automationDetails.id" contains "$OUT" '"id": "py/"'
expect_status "empty --sarif-category" 2 "$LOADFIX" --output-format sarif --sarif-category "" m.py

# GitHub rejects a run of more than 25,000 results: the first 25,000 are
# written, with a warning, and the document stays valid JSON.
/usr/bin/python3 -c '
print("import torch")
for i in range(25003): print("torch.load(p%d)" % i)' >many.py
# (Straight to files: a 40 MB report in a shell variable is slow.)
"$LOADFIX" --output-format sarif many.py >many.sarif 2>many.err
expect "over the limit: exit 1" test $? = 1
expect "warned about the cap" grep -q "first 25000 of 25003 results" many.err
expect "25,000 results, the first ones, in valid JSON" /usr/bin/python3 -c '
import json
rs = json.load(open("many.sarif"))["runs"][0]["results"]
assert len(rs) == 25000, len(rs)
assert rs[-1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 25001
'
head -n 25001 many.py >exact.py
"$LOADFIX" --output-format sarif exact.py >exact.sarif 2>exact.err
expect "at the limit: exit 1" test $? = 1
expect "no warning at exactly 25,000" test ! -s exact.err

# Snippets are bounded (4096 bytes): a longer call or line gets none, the
# region stays.
/usr/bin/python3 -c '
print("import torch")
print("a = torch.load(%r)" % ("x" * 5000))
print("b = torch.load(%r); c = 1  # %s" % ("y" * 4000, "z" * 200))
print("d = torch.load(%r)" % ("w" * 4000))' >long.py
expect_status "sarif of long lines" 1 "$LOADFIX" --output-format sarif long.py
printf '%s\n' "$OUT" >long.sarif
expect "snippets over 4096 bytes are left out" /usr/bin/python3 -c '
import json
rs = json.load(open("long.sarif"))["runs"][0]["results"]
loc = [r["locations"][0]["physicalLocation"] for r in rs]
assert [("snippet" in l["region"], "contextRegion" in l) for l in loc] == [(False, False), (True, False), (True, True)], loc
assert loc[0]["region"]["startLine"] == 2 and loc[0]["region"]["byteLength"] == 5014
'

# Over GitHub's 10 MB (compressed) upload limit: a warning, the report
# still written. 4000 findings with 4 KB of random text each, in two files
# (each under --max-file-size).
/usr/bin/python3 -c '
import base64, random
random.seed(1)
for name in ("big1.py", "big2.py"):
    with open(name, "w") as f:
        f.write("import torch\n")
        for i in range(2000):
            f.write("x = torch.load(%r)\n" % base64.b64encode(random.randbytes(3000)).decode())'
"$LOADFIX" --output-format sarif big1.py big2.py >big.sarif 2>big.err
expect "over the upload limit: exit 1" test $? = 1
expect "warned that upload-sarif will reject it" grep -q "gzip-compressed, over GitHub code scanning's limit of 10000000" big.err
expect "the report is still complete" /usr/bin/python3 -c '
import json
assert len(json.load(open("big.sarif"))["runs"][0]["results"]) == 4000'
"$LOADFIX" --output-format sarif m.py >small.sarif 2>small.err
expect "a small report has no such warning" test ! -s small.err

finish
