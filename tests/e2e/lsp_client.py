#!/usr/bin/python3
"""A scripted JSON-RPC client for `loadfix server` (standard library only).

Run as: lsp_client.py LOADFIX.  Every LSP method the server implements is
exercised, positions are checked in both encodings on a line holding `é`
and an emoji, code actions are applied to the text and compared with what
`loadfix --fix -` writes, the framing is attacked, and a soak test makes
10,000 edits with the resident set measured.  Exits non-zero on the first
failure, naming it.
"""
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

LOADFIX = sys.argv[1]
TIMEOUT = 20


def fail(what):
    print("FAIL: " + what, file=sys.stderr)
    sys.exit(1)


def check(condition, what):
    if not condition:
        fail(what)
    print("ok - " + what)


class Server:
    """One server process; a thread reads its messages into a queue."""

    def __init__(self, cwd=None, env=None):
        self.proc = subprocess.Popen([LOADFIX, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.messages = queue.Queue()
        self.next_id = 1
        self.logs = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            body = out.read(length)
            self.messages.put(json.loads(body))

    def raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        message["jsonrpc"] = "2.0"
        body = json.dumps(message).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        self.send({"method": method, "params": params or {}})

    def request(self, method, params=None):
        ident = self.next_id
        self.next_id += 1
        self.send({"id": ident, "method": method, "params": params or {}})
        return self.wait(lambda m: m.get("id") == ident and "method" not in m)

    def wait(self, predicate, timeout=TIMEOUT):
        """The first message matching; the others seen meanwhile are kept
        in self.seen (log messages in self.logs)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                fail("timed out waiting for a message")
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                fail("timed out waiting for a message")
            if message is None:
                fail("the server closed its output")
            if message.get("method") == "window/logMessage":
                self.logs.append(message["params"]["message"])
            if predicate(message):
                return message

    def diagnostics(self, uri, version=None):
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and
                            m["params"]["uri"] == uri and (version is None or m["params"].get("version") == version))
        return message["params"]["diagnostics"]

    def initialize(self, encodings=None, root=None):
        capabilities = {"general": {"positionEncodings": encodings}} if encodings else {}
        params = {"processId": os.getpid(), "capabilities": capabilities,
                  "rootUri": ("file://" + root) if root else None}
        response = self.request("initialize", params)
        self.notify("initialized")
        return response

    def stop(self):
        self.request("shutdown")
        self.notify("exit")
        return self.proc.wait(timeout=TIMEOUT)

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        fail("no VmRSS")


# ---- positions, as the client computes them --------------------------------

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text):
    return [0] + [m.end() for m in LINE_BREAK.finditer(text)]


def units(s, encoding):
    return len(s.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(s.encode("utf-8"))


def index_of(text, position, encoding):
    """String index of an LSP position."""
    starts = line_starts(text)
    start = starts[position["line"]]
    end = starts[position["line"] + 1] if position["line"] + 1 < len(starts) else len(text)
    counted, i = 0, start
    while i < end and counted < position["character"]:
        counted += units(text[i], encoding)
        i += 1
    return i


def position_of(text, index, encoding):
    starts = line_starts(text)
    line = max(n for n, s in enumerate(starts) if s <= index)
    return {"line": line, "character": units(text[starts[line]:index], encoding)}


def apply_edits(text, edits, encoding):
    spans = [(index_of(text, e["range"]["start"], encoding), index_of(text, e["range"]["end"], encoding),
              e["newText"]) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def cli_fix(text, *args):
    done = subprocess.run([LOADFIX, "--fix", "-", "--exit-zero", "--isolated", "--stdin-filename", "x.py", *args],
                          input=text.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0:
        fail("loadfix --fix - failed: " + done.stderr.decode())
    return done.stdout.decode()


def open_doc(server, uri, text, version=1, language="python"):
    server.notify("textDocument/didOpen",
                  {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}})


FRESH = [0]


def fresh_diagnostics(server, text):
    """The diagnostics of `text` opened anew (a full parse), to compare with
    those the server computed incrementally."""
    FRESH[0] += 1
    uri = "file://%s/fresh%d.py" % (TMP, FRESH[0])
    open_doc(server, uri, text)
    diags = server.diagnostics(uri, 1)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    server.diagnostics(uri)
    return diags


def code_actions(server, uri, rng, only=None):
    context = {"diagnostics": []}
    if only:
        context["only"] = only
    response = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": rng,
                                                          "context": context})
    if "error" in response:
        fail("codeAction error: %r" % response["error"])
    return response["result"]


TMP = tempfile.mkdtemp(prefix="loadfix-lsp-")
URI = "file://" + TMP + "/model.py"

# A line with é and an emoji before the call: 1 and 2 UTF-16 units, 2 and 4 bytes.
TEXT = ("import torch\n"
        "s = \"é😀\"; m = torch.load(p)\n"
        "n = torch.load(q, weights_only=False)\n")


def test_lifecycle():
    server = Server()
    response = server.request("textDocument/codeAction", {})
    check(response.get("error", {}).get("code") == -32002, "a request before initialize: ServerNotInitialized")
    response = server.initialize(["utf-8", "utf-16"])
    caps = response["result"]["capabilities"]
    check(caps["positionEncoding"] == "utf-8", "utf-8 negotiated when offered")
    check(caps["textDocumentSync"]["change"] == 2, "incremental sync announced")
    check("source.fixAll.loadfix" in caps["codeActionProvider"]["codeActionKinds"], "fixAll kind announced")
    response = server.request("initialize", {"capabilities": {}})
    check(response.get("error", {}).get("code") == -32600, "a second initialize is refused")
    check(server.stop() == 0, "shutdown then exit: status 0")

    server = Server()
    caps = server.initialize(["utf-32"])["result"]["capabilities"]
    check(caps["positionEncoding"] == "utf-16", "utf-16 when utf-8 is not offered")
    server.notify("exit")
    check(server.proc.wait(timeout=TIMEOUT) == 1, "exit without shutdown: status 1")

    server = Server()
    caps = server.initialize()["result"]["capabilities"]
    check(caps["positionEncoding"] == "utf-16", "utf-16 by default")
    response = server.request("shutdown")
    response = server.request("textDocument/codeAction", {})
    check(response.get("error", {}).get("code") == -32600, "a request after shutdown is refused")
    server.proc.stdin.close()
    check(server.proc.wait(timeout=TIMEOUT) == 0, "EOF after shutdown ends the server: status 0")

    server = Server()
    server.initialize()
    server.proc.stdin.close()
    check(server.proc.wait(timeout=TIMEOUT) == 1, "EOF without shutdown ends the server: status 1")


def test_encoding(encoding):
    server = Server()
    server.initialize(["utf-8"] if encoding == "utf-8" else None)
    open_doc(server, URI, TEXT)
    diags = server.diagnostics(URI, 1)
    check([d["code"] for d in diags] == ["LF001", "LF002"], encoding + ": LF001 and LF002 published")
    first = diags[0]
    call = TEXT.index("torch.load(p)")
    expected = {"start": position_of(TEXT, call, encoding), "end": position_of(TEXT, call + len("torch.load(p)"),
                                                                               encoding)}
    check(first["range"] == expected, encoding + ": range after é and an emoji is %r" % expected)
    wanted = 15 if encoding == "utf-16" else 18
    check(first["range"]["start"]["character"] == wanted, encoding + ": the call starts at character %d" % wanted)
    check(first["severity"] == 1 and first["source"] == "loadfix", encoding + ": severity error, source loadfix")
    check(first["codeDescription"]["href"] == "https://cwe.mitre.org/data/definitions/502.html", encoding + ": codeDescription.href")
    check("weights_only=True" in first["message"], encoding + ": message")

    # Quick fix on the LF001 line: applied, it equals the CLI's safe fix.
    actions = code_actions(server, URI, first["range"])
    titles = [a["title"] for a in actions]
    fix = next(a for a in actions if a["title"].startswith("LF001"))
    check(fix["kind"] == "quickfix" and fix["isPreferred"] is True, encoding + ": LF001 quick fix is preferred")
    check(fix["diagnostics"][0]["code"] == "LF001", encoding + ": the quick fix names its diagnostic")
    fixed = apply_edits(TEXT, fix["edit"]["changes"][URI], encoding)
    check(fixed == TEXT.replace("torch.load(p)", "torch.load(p, weights_only=True)"),
          encoding + ": LF001 quick fix applied after é and emoji")
    check("Suppress LF001 with `# noqa: LF001`" in titles, encoding + ": suppress action offered")
    noqa = next(a for a in actions if a["title"].startswith("Suppress LF001"))
    suppressed = apply_edits(TEXT, noqa["edit"]["changes"][URI], encoding)
    check(suppressed == TEXT.replace("torch.load(p)\n", "torch.load(p)  # noqa: LF001\n"),
          encoding + ": suppress action appends # noqa: LF001")
    server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": 2},
                                             "contentChanges": [{"text": suppressed}]})
    remaining = server.diagnostics(URI, 2)
    check([d["code"] for d in remaining] == ["LF002"], encoding + ": suppressed LF001 is gone")

    # The unsafe LF002 fix is offered, marked.
    lf002_line = remaining[0]["range"]
    actions = code_actions(server, URI, lf002_line)
    unsafe = next(a for a in actions if a["title"].startswith("LF002"))
    check(unsafe["title"].endswith("(unsafe)") and unsafe["isPreferred"] is False,
          encoding + ": LF002 fix offered, titled (unsafe), not preferred")
    check(apply_edits(suppressed, unsafe["edit"]["changes"][URI], encoding) ==
          suppressed.replace("weights_only=False", "weights_only=True"), encoding + ": LF002 fix applied")
    # A `# noqa:` list gets the code appended.
    listed = suppressed.replace("weights_only=False)\n", "weights_only=False)  # noqa: LF101\n")
    server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": 3},
                                             "contentChanges": [{"text": listed}]})
    server.diagnostics(URI, 3)
    noqa = next(a for a in code_actions(server, URI, lf002_line) if a["title"].startswith("Suppress"))
    check(apply_edits(listed, noqa["edit"]["changes"][URI], encoding).endswith("# noqa: LF101, LF002\n"),
          encoding + ": suppress extends an existing # noqa: list")

    # A comment cannot go where the line ends inside a string: the
    # server proves the suppression by re-checking, so it uses the call's
    # first line, or offers nothing.
    for version, (source, expected) in enumerate([
            ('import torch\nm = torch.load(\n    p); s = """\nx"""\n',
             'import torch\nm = torch.load(  # noqa: LF001\n    p); s = """\nx"""\n'),
            ('import torch\nm = torch.load(p); s = """\nx"""\n', None)], start=10):
        server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": version},
                                                 "contentChanges": [{"text": source}]})
        diag = server.diagnostics(URI, version)[0]
        noqa = [a for a in code_actions(server, URI, diag["range"]) if a["title"].startswith("Suppress")]
        if expected:
            check(apply_edits(source, noqa[0]["edit"]["changes"][URI], encoding) == expected,
                  encoding + ": suppress goes to the call's first line when the last ends in a string")
        else:
            check(noqa == [], encoding + ": no suppress action when the comment would land in a string")

    # source.fixAll.loadfix: safe fixes only, the CLI's --fix output.
    server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": 4},
                                             "contentChanges": [{"text": TEXT}]})
    server.diagnostics(URI, 4)
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 3, "character": 0}}
    actions = code_actions(server, URI, whole, only=["source.fixAll.loadfix"])
    check([a["kind"] for a in actions] == ["source.fixAll.loadfix"], encoding + ": only fixAll when only asks")
    fixed = apply_edits(TEXT, actions[0]["edit"]["changes"][URI], encoding)
    check(fixed == cli_fix(TEXT), encoding + ": fixAll equals loadfix --fix - (safe fixes only)")
    check("weights_only=False" in fixed, encoding + ": fixAll leaves the unsafe fix out")
    actions = code_actions(server, URI, whole, only=["quickfix"])
    check(actions and all(a["kind"] == "quickfix" for a in actions), encoding + ": only quickfix when only asks")

    # Incremental edits, mirrored here: insert the keyword right after the
    # emoji's line's call in two steps, and delete across the line break.
    text = TEXT
    version = 5
    edits = []
    at = text.index("torch.load(p)") + len("torch.load(p")
    edits.append((at, at, ", weights_only"))
    edits.append((at + len(", weights_only"), at + len(", weights_only"), "=True"))
    for start, end, new in edits:
        rng = {"start": position_of(text, start, encoding), "end": position_of(text, end, encoding)}
        text = text[:start] + new + text[end:]
        server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": version},
                                                 "contentChanges": [{"range": rng, "text": new}]})
        diags = server.diagnostics(URI, version)
        version += 1
    check([d["code"] for d in diags] == ["LF002"], encoding + ": incremental edits fixed LF001")
    # Two changes in one notification; the second spans a line break.
    start = text.index("\nn = ")
    changes = [{"range": {"start": position_of(text, 0, encoding), "end": position_of(text, 0, encoding)},
                "text": "# 🐍 é\n"}]
    text2 = "# 🐍 é\n" + text
    start = text2.index("\nn = ")
    changes.append({"range": {"start": position_of(text2, start, encoding),
                              "end": position_of(text2, start + 5, encoding)}, "text": "\nq = "})
    text3 = text2[:start] + "\nq = " + text2[start + 5:]
    server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": version},
                                             "contentChanges": changes})
    diags = server.diagnostics(URI, version)
    call = text3.index("weights_only=False")
    check(diags[0]["range"]["start"] == position_of(text3, call, encoding),
          encoding + ": two incremental changes in one notification, across a line break")
    check(diags == fresh_diagnostics(server, text3),
          encoding + ": the incrementally re-parsed document's findings equal a fresh parse's")
    actions = code_actions(server, URI, whole, only=["source.fixAll"])
    check(actions == [] or apply_edits(text3, actions[0]["edit"]["changes"][URI], encoding) == cli_fix(text3),
          encoding + ": the server's text matches the client's after incremental edits")
    unsafe = next(a for a in code_actions(server, URI, diags[0]["range"]) if a["title"].startswith("LF002"))
    check(apply_edits(text3, unsafe["edit"]["changes"][URI], encoding) == cli_fix(text3, "--unsafe-fixes"),
          encoding + ": the unsafe quick fix equals loadfix --fix --unsafe-fixes")

    # didSave republishes; didClose clears.
    server.notify("textDocument/didSave", {"textDocument": {"uri": URI}})
    check([d["code"] for d in server.diagnostics(URI)] == ["LF002"], encoding + ": didSave republishes")
    server.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
    check(server.diagnostics(URI) == [], encoding + ": didClose clears the diagnostics")
    response = server.request("textDocument/codeAction", {"textDocument": {"uri": URI}, "range": whole,
                                                          "context": {"diagnostics": []}})
    check(response.get("error", {}).get("code") == -32602, encoding + ": a code action on a closed document: error")
    check(server.stop() == 0, encoding + ": clean stop")


def test_settings():
    root = os.path.join(TMP, "project")
    os.makedirs(root)
    pyproject = os.path.join(root, "pyproject.toml")
    with open(pyproject, "w") as f:
        f.write("[tool.loadfix]\nignore = [\"LF002\"]\n")
    uri = "file://" + root + "/m%C3%A9.py"  # percent-encoded é in the name
    server = Server()
    server.initialize(root=root)
    open_doc(server, uri, TEXT)
    check([d["code"] for d in server.diagnostics(uri, 1)] == ["LF001"], "settings: pyproject ignore drops LF002")
    with open(pyproject, "w") as f:
        f.write("[tool.loadfix]\nignore = [\"LF001\"]\nper-file-ignores = { \"other.py\" = [\"LF002\"] }\n")
    open_doc(server, "file://" + pyproject, open(pyproject).read(), language="toml")
    server.diagnostics("file://" + pyproject)
    server.notify("textDocument/didSave", {"textDocument": {"uri": "file://" + pyproject}})
    check([d["code"] for d in server.diagnostics(uri)] == ["LF002"], "settings: saving pyproject.toml reloads them")
    with open(pyproject, "w") as f:
        f.write("[tool.loadfix]\nselect = [\"XX9\"]\n")
    server.notify("workspace/didChangeConfiguration", {"settings": {}})
    check([d["code"] for d in server.diagnostics(uri)] == ["LF001", "LF002"],
          "settings: a bad configuration falls back to the defaults")
    check(any("unknown rule selector 'XX9'" in log for log in server.logs), "settings: ... and says why")
    check(server.stop() == 0, "settings: clean stop")
    # workspaceFolders when there is no rootUri
    with open(pyproject, "w") as f:
        f.write("[tool.loadfix]\nselect = [\"LF002\"]\n")
    server = Server()
    server.request("initialize", {"capabilities": {}, "rootUri": None,
                                  "workspaceFolders": [{"uri": "file://" + root, "name": "p"}]})
    open_doc(server, uri, TEXT)
    check([d["code"] for d in server.diagnostics(uri, 1)] == ["LF002"], "settings: from workspaceFolders")
    check(server.stop() == 0, "settings: clean stop")


def error_code(message):
    return message.get("error", {}).get("code")


def test_robustness():
    server = Server()
    server.initialize()
    is_response = lambda m: "method" not in m

    server.raw(b"Content-Length: 9\r\n\r\n{not json")
    check(error_code(server.wait(is_response)) == -32700, "malformed JSON: ParseError")
    server.raw(b"Content-Type: x\r\n\r\n")
    check(error_code(server.wait(is_response)) == -32700, "a header without Content-Length: error")
    server.raw(b"Content-Length: abc\r\n\r\n")
    check(error_code(server.wait(is_response)) == -32700, "Content-Length not a number: error")
    body = json.dumps({"jsonrpc": "2.0", "id": 100, "method": "nope/unknown"}).encode()
    server.raw(b"Content-Length: %d\r\n\r\n" % (len(body) - 5) + body)
    check(error_code(server.wait(is_response)) == -32700, "too-short Content-Length: error for the cut message")
    response = server.request("another/unknown")
    check(error_code(response) == -32601, "... and the next message is read (MethodNotFound)")
    # too long, with the next message right behind it
    first = json.dumps({"jsonrpc": "2.0", "id": 200, "method": "one/unknown"}).encode()
    second = json.dumps({"jsonrpc": "2.0", "id": 201, "method": "two/unknown"}).encode()
    server.raw(b"Content-Length: %d\r\n\r\n" % (len(first) + 30) + first +
               b"Content-Length: %d\r\n\r\n" % len(second) + second)
    check(server.wait(is_response)["id"] == 200, "too-long Content-Length: the first message is handled")
    check(server.wait(is_response)["id"] == 201, "... and the one it ran into too")
    # too long on the last message: taken after a stall, not a hang
    server.raw(b"Content-Length: %d\r\n\r\n" % (len(first) + 100) + first)
    check(server.wait(is_response, timeout=5)["id"] == 200, "too-long Content-Length on the last message: no hang")
    server.raw(b"garbage\r\nContent-Length: %d\r\n\r\n" % len(second) + second)
    check(server.wait(is_response)["id"] == 201, "garbage before a header is skipped")
    server.raw(b"Content-Length: 3\r\n\r\n[1]")
    check(error_code(server.wait(is_response)) == -32600, "a JSON array: InvalidRequest")
    server.notify("unknown/notification")
    server.notify("$/cancelRequest", {"id": 1})
    response = server.request("textDocument/codeAction", {"textDocument": {"uri": "file:///never/opened.py"},
                                                          "range": {}, "context": {}})
    check(error_code(response) == -32602 and "not open" in response["error"]["message"],
          "unknown notifications ignored; a request for an unopened document: InvalidParams")
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///never/opened.py", "version": 2},
                                             "contentChanges": [{"text": "x"}]})
    server.wait(lambda m: m.get("method") == "window/logMessage" and "not open" in m["params"]["message"])
    check(True, "didChange for an unopened document: a log message")
    open_doc(server, URI, TEXT)
    server.diagnostics(URI, 1)
    server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": 2},
                                             "contentChanges": [{"range": {"start": {"line": "x"}}, "text": "a"},
                                                                {"range": {"start": {"line": 99, "character": 0},
                                                                           "end": {"line": 99, "character": 5}},
                                                                 "text": "# end\n"}]})
    diags = server.diagnostics(URI, 2)
    check([d["code"] for d in diags] == ["LF001", "LF002"], "a malformed change is logged, a range past the end clamps")
    response = server.request("textDocument/codeAction", {"textDocument": {"uri": URI}, "range": {"start": 1},
                                                          "context": {}})
    check(error_code(response) == -32602, "a code action with a malformed range: InvalidParams")
    check(server.stop() == 0, "robustness: clean stop after all that")
    # EOF in the middle of a message
    server = Server()
    server.initialize()
    server.raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"")
    server.proc.stdin.close()
    check(server.proc.wait(timeout=TIMEOUT) == 1, "EOF inside a message ends the server")


def test_incremental_differential():
    """Seeded random edits of Python-ish snippets (brackets, indentation,
    strings, f-strings, lone CRs, non-ASCII) at random places: after every
    edit the findings from the incremental re-parse equal a fresh parse's."""
    import random
    rng = random.Random(13)
    snippets = ["import torch\n", "import pickle as p\n", "torch.load(x)", "p.loads(b)", "(", ")", "\n", "    ",
                "def f(torch):\n", "class C:\n", '"""', "'", 'f"{', "}", "\r", "\r\n", "é😀", "#", ",",
                "weights_only=False", "from torch import load\n", "load(y)", "\\\n", "try:\n", "except:\n"]
    server = Server()
    server.initialize()
    uri = "file://%s/random.py" % TMP
    text = TEXT
    open_doc(server, uri, text)
    server.diagnostics(uri, 1)
    mismatches = 0
    for version in range(2, 402):
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.choice([0, 0, 1, 3, 10]))
        # No position lies between the \r and \n of a line break (LSP
        # positions cannot name it; the server clamps it to the line end).
        inside = lambda i: 0 < i < len(text) and text[i - 1] == "\r" and text[i] == "\n"
        start -= inside(start)
        end -= inside(end)
        new = rng.choice(snippets) if rng.random() < 0.8 else ""
        change = {"range": {"start": position_of(text, start, "utf-16"), "end": position_of(text, end, "utf-16")},
                  "text": new}
        text = text[:start] + new + text[end:]
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [change]})
        incremental = server.diagnostics(uri, version)
        if incremental != fresh_diagnostics(server, text):
            mismatches += 1
            print("# mismatch after edit %d: %r" % (version, text[-200:]))
    check(mismatches == 0, "incremental re-parsing: 400 random edits, findings equal a fresh parse's every time")
    # The same on code that stays valid, where the incremental parse is
    # used (a text with syntax errors is parsed from scratch): whole
    # statements inserted and deleted, with every kind of line ending.
    units = ["import torch", "import pickle as p", "x = torch.load(a)", "y = torch.load(b, weights_only=False)",
             "s = 'é😀'; z = torch.load(c)", "def f(torch):\n    return torch.load(d)",
             "if x:\n    w = p.loads(e)", "from torch import load", "v = load(g)", "t = f\"{torch.load(h)}\"",
             "class C:\n    q = torch.load(i)\n    def m(self):\n        return torch.load(j)"]
    lines = ["import torch"]
    endings = ["\n"]
    uri = "file://%s/valid.py" % TMP
    text = "import torch\n"
    open_doc(server, uri, text)
    server.diagnostics(uri, 1)
    mismatches = 0
    for version in range(2, 402):
        at = rng.randrange(len(lines) + 1)
        if lines and rng.random() < 0.4:
            at = min(at, len(lines) - 1)
            del lines[at], endings[at]
        else:
            lines.insert(at, rng.choice(units))
            endings.insert(at, rng.choice(["\n", "\r\n", "\r"]))
        new_text = "".join(l.replace("\n", e) + e for l, e in zip(lines, endings))
        prefix = 0
        while prefix < min(len(text), len(new_text)) and text[prefix] == new_text[prefix]:
            prefix += 1
        suffix = 0
        while (suffix < min(len(text), len(new_text)) - prefix and text[len(text) - 1 - suffix] ==
               new_text[len(new_text) - 1 - suffix]):
            suffix += 1
        # Neither end may split a \r\n of the old text (see above).
        if 0 < prefix and text[prefix - 1] == "\r":
            prefix -= 1
        if suffix and text[len(text) - suffix] == "\n" and len(text) - suffix > 0 and \
                text[len(text) - suffix - 1] == "\r":
            suffix -= 1
        change = {"range": {"start": position_of(text, prefix, "utf-16"),
                            "end": position_of(text, len(text) - suffix, "utf-16")},
                  "text": new_text[prefix:len(new_text) - suffix]}
        text = new_text
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [change]})
        incremental = server.diagnostics(uri, version)
        if incremental != fresh_diagnostics(server, text):
            mismatches += 1
            print("# mismatch after valid edit %d: %r" % (version, text[-300:]))
    check(mismatches == 0, "incremental re-parsing: 400 edits of valid code, findings equal a fresh parse's")
    check(server.stop() == 0, "incremental: clean stop")


def rss_after(server, uri, text, edits, version):
    """Makes `edits` pairs of incremental edits (insert a character on the
    emoji line, delete it), waiting for diagnostics now and then so the
    pipes never fill."""
    at = position_of(text, text.index("torch.load(p)"), "utf-16")
    after = {"line": at["line"], "character": at["character"] + 1}
    for n in range(edits):
        version += 1
        if n % 2 == 0:
            change = {"range": {"start": at, "end": at}, "text": "x"}
        else:
            change = {"range": {"start": at, "end": after}, "text": ""}
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [change]})
        if n % 200 == 199:
            server.diagnostics(uri, version)
    return version


def test_soak():
    # In the sanitizer build, AddressSanitizer keeps freed memory in a
    # quarantine (256 MiB by default), which would look like growth; with
    # none, the resident set measures the server's own memory again.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "quarantine_size_mb=0"]))
    server = Server(env=env)
    server.initialize()
    text = TEXT + "".join("x%d = torch.load(f%d)\n" % (i, i) for i in range(50))
    open_doc(server, URI, text)
    server.diagnostics(URI, 1)
    version = rss_after(server, URI, text, 1000, 1)  # warm up: allocator pools settle
    before = server.rss_kib()
    version = rss_after(server, URI, text, 10000, version)
    after = server.rss_kib()
    growth = after - before
    print("# soak: 10,000 edits, VmRSS %d KiB -> %d KiB (%+d KiB)" % (before, after, growth))
    check(growth < 1024, "soak: VmRSS flat within 1 MiB over 10,000 edits (%+d KiB)" % growth)
    actions = code_actions(server, URI, {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                           only=["source.fixAll"])
    check(apply_edits(text, actions[0]["edit"]["changes"][URI], "utf-16") == cli_fix(text),
          "soak: the text is intact after 10,000 edits")
    version += 1
    server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": version},
                                             "contentChanges": []})
    check(server.diagnostics(URI, version) == fresh_diagnostics(server, text),
          "soak: the findings after 10,000 incremental re-parses equal a fresh parse's")
    check(server.stop() == 0, "soak: clean stop")


def latency_text():
    """5,000 lines, 100 torch.load calls, an `é` on most lines."""
    lines = []
    for i in range(5000):
        if i % 50 == 0:
            lines.append("m%d = torch.load(path%d)" % (i, i))
        elif i % 10 == 0:
            lines.append("def f%d(x):" % i)
        else:
            lines.append("    y%d = x + %d  # é" % (i, i) if i % 10 else "z = %d" % i)
    return "import torch\n" + "\n".join(lines) + "\n"


def test_latency():
    server = Server()
    server.initialize()
    text = latency_text()
    open_doc(server, URI, text)
    first = server.diagnostics(URI, 1)
    check(len(first) == 100, "latency: 100 findings in a 5,000-line file")
    times = []
    cpu_before = server.cpu_seconds()
    for n in range(31):
        version = n + 2
        pos = {"line": 2500, "character": 0}
        change = {"range": {"start": pos, "end": pos}, "text": "#" if n % 2 == 0 else ""}
        if n % 2:
            change["range"]["end"] = {"line": 2500, "character": 1}
        start = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": URI, "version": version},
                                                 "contentChanges": [change]})
        server.diagnostics(URI, version)
        times.append((time.perf_counter() - start) * 1000)
    cpu = (server.cpu_seconds() - cpu_before) * 1000 / len(times)
    # Wall time depends on the machine's load; the server's own CPU time
    # per change does not.
    print("# latency: diagnostics for a 5,000-line file after a change: median %.1f ms, max %.1f ms wall; "
          "%.1f ms server CPU per change (%d changes)" % (statistics.median(times), max(times), cpu, len(times)))
    check(server.stop() == 0, "latency: clean stop")


# ---- notebooks (notebookDocument/*) -----------------------------------------

NB_URI = "file://" + TMP + "/nb/analysis.ipynb"


def cell_uri(n):
    # VS Code's form: the notebook's path with a fragment per cell.
    return "vscode-notebook-cell:" + TMP + "/nb/analysis.ipynb#W%dsZmlsZQ%%3D%%3D" % n


def nb_open(server, cells, version=1):
    """cells: (n, kind, language, text); kind 2 code, 1 markup."""
    server.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": NB_URI, "notebookType": "jupyter-notebook", "version": version,
                             "metadata": {}, "cells": [{"kind": k, "document": cell_uri(n)} for n, k, _, _ in cells]},
        "cellTextDocuments": [{"uri": cell_uri(n), "languageId": lang, "version": 1, "text": text}
                              for n, _, lang, text in cells]})


def nb_change(server, version, change):
    server.notify("notebookDocument/didChange", {"notebookDocument": {"uri": NB_URI, "version": version},
                                                 "change": change})


def nb_diagnostics(server, cells):
    """The next diagnostics published for each of `cells` (cell numbers):
    the server publishes every cell after each change (cells removed
    first), so pass them all to keep the queue in step."""
    got = {}
    while len(got) < len(cells):
        message = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and
                              m["params"]["uri"] in [cell_uri(n) for n in cells])
        got[message["params"]["uri"]] = message["params"]["diagnostics"]
    return [got[cell_uri(n)] for n in cells]


def cli_notebook(cells):
    """`loadfix --output-format json` on the same cells written as an .ipynb:
    (cell number, 0-based line, 0-based column, code) per finding."""
    directory = tempfile.mkdtemp(prefix="loadfix-nb-")
    path = os.path.join(directory, "x.ipynb")
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code" if k == 2 else "markdown", "metadata": {}, "source": text,
         **({"outputs": [], "execution_count": None} if k == 2 else {})} for _, k, _, text in cells]}
    with open(path, "w") as f:
        json.dump(notebook, f)
    done = subprocess.run([os.path.abspath(LOADFIX), "--isolated", "--exit-zero", "--output-format", "json", path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=directory)
    return sorted((d["cell"], d["start"]["line"] - 1, d["start"]["column"] - 1, d["code"])
                  for d in json.loads(done.stdout))


def server_findings(cells, diagnostic_lists):
    return sorted((i + 1, d["range"]["start"]["line"], d["range"]["start"]["character"], d["code"])
                  for i, diags in enumerate(diagnostic_lists) for d in diags)


def test_notebook():
    server = Server()
    caps = server.initialize()["result"]["capabilities"]
    selector = caps["notebookDocumentSync"]["notebookSelector"][0]
    check(selector["notebook"]["notebookType"] == "jupyter-notebook" and selector["cells"] == [{"language": "python"}],
          "notebook: notebookDocumentSync announced for jupyter-notebook, python cells")

    cells = [(0, 2, "python", "import torch\n"),
             (1, 2, "python", "m = torch.load(p)"),  # no final newline, as editors send cells
             (2, 1, "markdown", "# torch.load(x) in prose\n"),
             (3, 2, "python", "%matplotlib inline\n!pip install torch\nn = torch.load(q)\n"),
             (4, 2, "python", "%%bash\necho torch.load(x)\n")]
    nb_open(server, cells)
    diags = nb_diagnostics(server, [0, 1, 2, 3, 4])
    check(diags[1] and diags[1][0]["code"] == "LF001" and diags[1][0]["range"]["start"] == {"line": 0, "character": 4},
          "notebook: cell 1's import makes cell 2's torch.load torch's (LF001 on the cell's own line 0)")
    check(diags[0] == [] and diags[2] == [] and diags[4] == [],
          "notebook: no findings in the import cell, the markdown cell and the %%bash cell")
    check([d["range"]["start"] for d in diags[3]] == [{"line": 2, "character": 4}],
          "notebook: a cell with line magics and a shell escape is checked (masked), finding at its line 2")
    check(server_findings(cells, diags) == cli_notebook(cells),
          "notebook: the server's findings equal `loadfix --output-format json` on the .ipynb")

    # Cell 1 no longer imports torch (an incremental change): cell 2's finding goes.
    nb_change(server, 2, {"cells": {"textContent": [{
        "document": {"uri": cell_uri(0), "version": 2},
        "changes": [{"range": {"start": {"line": 0, "character": 7}, "end": {"line": 0, "character": 12}},
                     "text": "numpy"}]}]}})
    diags = nb_diagnostics(server, [0, 1, 2, 3, 4])
    check(diags[1] == [] and diags[3] == [], "notebook: `import numpy` in cell 1: cell 2's and cell 4's findings gone")
    # Back, with a full-text change.
    nb_change(server, 3, {"cells": {"textContent": [{
        "document": {"uri": cell_uri(0), "version": 3}, "changes": [{"text": "import torch as th\nimport torch\n"}]}]}})
    diags = nb_diagnostics(server, [0, 1, 2, 3, 4])
    check([d["code"] for d in diags[1]] == ["LF001"], "notebook: full-text change of cell 1: the finding is back")

    # A cell added between cells 2 and 3, with a metadata change that must not matter.
    nb_change(server, 4, {"metadata": {"x": 1}, "cells": {
        "structure": {"array": {"start": 2, "deleteCount": 0, "cells": [{"kind": 2, "document": cell_uri(5)}]},
                      "didOpen": [{"uri": cell_uri(5), "languageId": "python", "version": 1,
                                   "text": "import pickle\nobj = pickle.load(f)\n"}]},
        "data": [{"kind": 2, "document": cell_uri(1), "metadata": {"tags": []},
                  "executionSummary": {"executionOrder": 3, "success": True}}]}})
    diags = nb_diagnostics(server, [0, 1, 5, 2, 3, 4])
    check([d["code"] for d in diags[2]] == ["LF101"] and diags[2][0]["range"]["start"]["line"] == 1,
          "notebook: an added cell is checked (pickle.load at its line 1)")
    check([d["code"] for d in diags[1]] == ["LF001"], "notebook: the other cells still checked after the insertion")

    # Code actions on cell 2: quick fix, noqa, fixAll as edits of the cell URI.
    rng = {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 4}}
    actions = code_actions(server, cell_uri(1), rng)
    titles = [a["title"] for a in actions]
    fix = next(a for a in actions if a["title"].startswith("LF001"))
    check(list(fix["edit"]["changes"]) == [cell_uri(1)], "notebook: the quick fix edits the cell's URI")
    fixed = apply_edits("m = torch.load(p)", fix["edit"]["changes"][cell_uri(1)], "utf-16")
    check(fixed == "m = torch.load(p, weights_only=True)", "notebook: quick fix applied to the cell text")
    noqa = next(a for a in actions if a["title"].startswith("Suppress LF001"))
    suppressed = apply_edits("m = torch.load(p)", noqa["edit"]["changes"][cell_uri(1)], "utf-16")
    check(suppressed == "m = torch.load(p)  # noqa: LF001", "notebook: suppress action on the cell")
    fix_all = next(a for a in actions if a["kind"] == "source.fixAll.loadfix")
    changes = fix_all["edit"]["changes"]
    check(sorted(changes) == sorted([cell_uri(1), cell_uri(3)]),
          "notebook: fixAll edits the two cells with torch.load, nothing else (%r)" % titles)
    check(apply_edits(cells[3][3], changes[cell_uri(3)], "utf-16") ==
          "%matplotlib inline\n!pip install torch\nn = torch.load(q, weights_only=True)\n",
          "notebook: fixAll keeps the magics of cell 4")
    # The client applies the quick fix: the finding goes.
    nb_change(server, 5, {"cells": {"textContent": [{
        "document": {"uri": cell_uri(1), "version": 2},
        "changes": [{"range": r["range"], "text": r["newText"]} for r in fix["edit"]["changes"][cell_uri(1)]]}]}})
    diags = nb_diagnostics(server, [0, 1, 5, 2, 3, 4])
    check(diags[1] == [], "notebook: the applied quick fix clears cell 2's finding")

    # Removing the added cell clears its diagnostics.
    nb_change(server, 6, {"cells": {"structure": {"array": {"start": 2, "deleteCount": 1},
                                                  "didClose": [{"uri": cell_uri(5)}]}}})
    diags = nb_diagnostics(server, [5, 0, 1, 2, 3, 4])
    check(diags[0] == [], "notebook: a removed cell's diagnostics are cleared")
    check(diags[4][0]["code"] == "LF001", "notebook: cell 4 has its finding before the move")
    # A moved cell (one splice re-inserting it, no didClose/didOpen, as
    # vscode-languageclient sends a move) keeps its text: cell 4 (magics)
    # to the front (module-level names are not order-sensitive in loadfix,
    # as on the command line: the finding stays).
    nb_change(server, 7, {"cells": {"structure": {"array": {"start": 0, "deleteCount": 4, "cells": [
        {"kind": 2, "document": cell_uri(n)} for n in (3, 0, 1, 2)]}}}})
    diags = nb_diagnostics(server, [3, 0, 1, 2, 4])
    check([d["range"]["start"] for d in diags[0]] == [{"line": 2, "character": 4}],
          "notebook: a moved cell keeps its text and its finding")
    response = server.request("textDocument/codeAction", {"textDocument": {"uri": cell_uri(3)}, "range": rng,
                                                          "context": {"diagnostics": []}})
    check("result" in response, "notebook: code actions on a moved cell")
    # Moved back, then saved: the finding returns (the moved cell kept its text).
    nb_change(server, 8, {"cells": {"structure": {"array": {"start": 0, "deleteCount": 4, "cells": [
        {"kind": 2, "document": cell_uri(n)} for n in (0, 1, 2, 3)]}}}})
    nb_diagnostics(server, [0, 1, 2, 3, 4])
    server.notify("notebookDocument/didSave", {"notebookDocument": {"uri": NB_URI}})
    diags = nb_diagnostics(server, [0, 1, 2, 3, 4])
    check([d["code"] for d in diags[3]] == ["LF001"], "notebook: moved back, saved: re-checked")

    server.notify("notebookDocument/didClose", {"notebookDocument": {"uri": NB_URI},
                                                "cellTextDocuments": [{"uri": cell_uri(n)} for n in (0, 1, 2, 3, 4)]})
    diags = nb_diagnostics(server, [0, 1, 2, 3, 4])
    check(all(d == [] for d in diags), "notebook: closing clears every cell's diagnostics")
    response = server.request("textDocument/codeAction", {"textDocument": {"uri": cell_uri(1)}, "range": rng,
                                                          "context": {"diagnostics": []}})
    check(response.get("error", {}).get("code") == -32602, "notebook: a closed notebook's cell is not open")
    nb_change(server, 9, {"cells": {}})
    server.wait(lambda m: m.get("method") == "window/logMessage" and "is not open" in m["params"]["message"])
    check(True, "notebook: a change to a closed notebook is logged")

    # Malformed notebook messages: logged, never a crash.
    server.notify("notebookDocument/didOpen", {"notebookDocument": {"uri": NB_URI}})
    server.wait(lambda m: m.get("method") == "window/logMessage" and "without notebookDocument.uri and cells"
                in m["params"]["message"])
    server.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": NB_URI, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": 2, "document": cell_uri(0)}, {"kind": "x"}]},
        "cellTextDocuments": [{"uri": cell_uri(0)}]})
    server.wait(lambda m: m.get("method") == "window/logMessage" and "malformed" in m["params"]["message"])
    check(nb_diagnostics(server, [0]) == [[]], "notebook: malformed cells are logged and skipped")
    nb_change(server, 2, {"cells": {"structure": {"array": {"start": 5, "deleteCount": 1}},
                                    "textContent": [{"document": {"uri": "x:y", "version": 2}, "changes": []}]}})
    server.wait(lambda m: m.get("method") == "window/logMessage" and "out-of-range" in m["params"]["message"]
                and "not a cell of this notebook" in m["params"]["message"])
    check(nb_diagnostics(server, [0]) == [[]], "notebook: a malformed change is logged and skipped")
    server.notify("notebookDocument/didClose", {"notebookDocument": {"uri": NB_URI}})
    nb_diagnostics(server, [0])

    # Cells named by the notebook's file: URI and a fragment (not VS Code's
    # scheme): still Python cells, not notebook JSON.
    file_cells = ["file://%s/nb/analysis.ipynb#cell%d" % (TMP, n) for n in (0, 1)]
    server.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": NB_URI, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": 2, "document": u} for u in file_cells]},
        "cellTextDocuments": [{"uri": u, "languageId": "python", "version": 1, "text": t}
                              for u, t in zip(file_cells, ["import torch\n", "torch.load(p)\n"])]})
    server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == file_cells[0])
    message = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    check(message["params"]["uri"] == file_cells[1] and [d["code"] for d in message["params"]["diagnostics"]] ==
          ["LF001"], "notebook: cells with file: URIs and a fragment are checked as Python")
    server.notify("notebookDocument/didClose", {"notebookDocument": {"uri": NB_URI}})
    server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == file_cells[0])
    server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == file_cells[1])

    # Positions inside a cell in UTF-16 (the default): é is 1 unit, 😀 2.
    text = "import torch\ns = \"é😀\"; m = torch.load(p)\n"
    nb_open(server, [(0, 2, "python", "x = 1\n"), (1, 2, "python", text)])
    diags = nb_diagnostics(server, [0, 1])
    check([d["range"]["start"] for d in diags[1]] == [position_of(text, text.index("torch.load"), "utf-16")],
          "notebook: a cell's range in UTF-16 after é and an emoji")
    check(server.stop() == 0, "notebook: clean stop")


def nb_edits(server, cell, edits, version):
    """`edits` incremental edits of a cell (insert a character, delete it),
    each followed by a structure change every 100 (a cell added, then
    removed), waiting for the cell's diagnostics now and then so the pipes
    never fill."""
    at, after = {"line": 1, "character": 0}, {"line": 1, "character": 1}
    for n in range(edits):
        version += 1
        change = {"range": {"start": at, "end": at if n % 2 == 0 else after}, "text": "x" if n % 2 == 0 else ""}
        cells = {"textContent": [{"document": {"uri": cell_uri(cell), "version": version}, "changes": [change]}]}
        if n % 100 == 0:
            cells["structure"] = {"array": {"start": 2, "deleteCount": 0, "cells": [{"kind": 2, "document": cell_uri(9)}]},
                                  "didOpen": [{"uri": cell_uri(9), "languageId": "python", "version": 1,
                                               "text": "import pickle\npickle.load(f)\n"}]}
        elif n % 100 == 50:
            cells["structure"] = {"array": {"start": 2, "deleteCount": 1}, "didClose": [{"uri": cell_uri(9)}]}
        nb_change(server, version, {"cells": cells})
        if n % 200 == 199:
            server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and
                        m["params"]["uri"] == cell_uri(cell) and m["params"].get("version") == version)
    return version


def test_notebook_soak():
    env = dict(os.environ)  # no ASan quarantine, as in test_soak
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "quarantine_size_mb=0"]))
    server = Server(env=env)
    server.initialize()
    nb_open(server, [(0, 2, "python", "import torch\n"), (1, 2, "python", "%time x = 1\nm = torch.load(p)\n")])
    nb_diagnostics(server, [0, 1])
    version = nb_edits(server, 1, 1000, 1)  # warm up: allocator pools settle
    before = server.rss_kib()
    version = nb_edits(server, 1, 5000, version)
    after = server.rss_kib()
    growth = after - before
    print("# notebook soak: 5,000 cell edits and 100 cell insertions/removals, VmRSS %d KiB -> %d KiB (%+d KiB)" %
          (before, after, growth))
    check(growth < 1024, "notebook soak: VmRSS flat within 1 MiB (%+d KiB)" % growth)
    check(server.stop() == 0, "notebook soak: clean stop")


# ---- the server's findings equal the command line's ------------------------

REAL_FILES = ["/usr/lib/python3/dist-packages/torch/serialization.py",  # required: Debian's PyTorch
              "/usr/lib/python3/dist-packages/torch/hub.py",
              "/usr/lib/python3/dist-packages/skorch/tests/test_net.py",
              "/usr/lib/python3/dist-packages/numpy/core/tests/test_regression.py",
              "/usr/lib/python3/dist-packages/traitlets/tests/test_traitlets.py",
              "/usr/lib/python3/dist-packages/scipy/stats/tests/test_stats.py"]


def char_index(text, line, column):
    """String index of a 1-based line and 1-based column in characters."""
    return line_starts(text)[line - 1] + column - 1


def cli_findings(path, *args):
    done = subprocess.run([os.path.abspath(LOADFIX), "--isolated", "--exit-zero", "--output-format", "json",
                           *args, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TMP)
    if done.returncode != 0:
        fail("loadfix --output-format json %s failed: %s" % (path, done.stderr.decode()))
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    return sorted((char_index(text, d["start"]["line"], d["start"]["column"]),
                   char_index(text, d["end"]["line"], d["end"]["column"]), d["code"], d["message"])
                  for d in json.loads(done.stdout))


def test_cli_differential():
    """The server checks the buffer with its own options (no partial parse,
    an incremental tree) and the command line with its (partial parse by
    default): on real files and the latency test's file, after an edit too,
    both must give the same findings, and so must --no-partial."""
    check(os.path.exists(REAL_FILES[0]), "differential: Debian's torch/serialization.py is there")
    synthetic = os.path.join(TMP, "five_thousand.py")
    with open(synthetic, "w") as f:
        f.write(latency_text())
    server = Server()
    server.initialize()
    files = [synthetic] + [p for p in REAL_FILES if os.path.exists(p)]
    total = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        uri = "file://" + urllib.parse.quote(path)
        open_doc(server, uri, text)
        diags = server.diagnostics(uri, 1)
        # an edit and its undo: the incremental path must agree too
        pos = {"line": text.count("\n") // 2, "character": 0}
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": pos, "end": pos}, "text": "#"}]})
        server.diagnostics(uri, 2)
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
            {"range": {"start": pos, "end": {"line": pos["line"], "character": 1}}, "text": ""}]})
        edited = server.diagnostics(uri, 3)
        ours = sorted((index_of(text, d["range"]["start"], "utf-16"), index_of(text, d["range"]["end"], "utf-16"),
                       d["code"], d["message"]) for d in diags)
        theirs = cli_findings(path)
        name = os.path.basename(path)
        total += len(ours)
        check(ours == theirs,
              "differential: %s: the server's %d findings equal `loadfix --output-format json`'s" % (name, len(ours)))
        check(theirs == cli_findings(path, "--no-partial"), "differential: %s: the same with --no-partial" % name)
        check(edited == diags, "differential: %s: the same after an edit and its undo" % name)
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        server.diagnostics(uri)
    check(total >= 100, "differential: %d findings compared in %d files" % (total, len(files)))
    check(server.stop() == 0, "differential: clean stop")


test_lifecycle()
test_encoding("utf-16")
test_encoding("utf-8")
test_settings()
test_robustness()
test_incremental_differential()
test_notebook()
test_notebook_soak()
test_cli_differential()
test_soak()
test_latency()
print("all LSP client tests passed")
