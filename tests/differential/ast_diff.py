#!/usr/bin/python3
"""Differential test of loadfix against Python's own parser.

Usage:
    /usr/bin/python3 tests/differential/ast_diff.py LOADFIX_BINARY [CORPUS_DIR...]

Without corpus directories it uses the CPython standard library
(/usr/lib/python3.11), Debian python3-torch's sources (torch and torchgen,
plus torchvision and torchaudio when installed), numpy, pandas, joblib,
dill, cloudpickle, jsonpickle and PyYAML (those installed), and the
golden test inputs (tests/golden).

Every *.py file of every corpus is copied into a temporary directory
(relative paths kept), then loadfix runs on the copy three times:

    loadfix --output-format json --unsafe-fixes COPY   (the report)
    loadfix --fix --unsafe-fixes COPY                  (in place)
    loadfix --diff --unsafe-fixes COPY                 (must now be empty)

and each file that Python's `ast` module parses in its original form is
checked with the standard library only (see README.md next to this file):

  * the fixed file still parses, and compiles when it changed;
  * a structural walk over both ASTs (no attributes) finds no difference
    except the fixes' own (CHANGE_RULES): a Call gained exactly one
    trailing keyword `weights_only=True`; its `weights_only=False` (or "")
    or a non-empty string became `True`; `allow_pickle=<true literal>`
    became `False`; a PyYAML callee or Loader attribute was renamed to its
    safe twin; `safe_mode=False` became `True`;
  * each changed call's callee looks like the loader its change is for
    (`X.load`, a bare name, `partial(X.load, ...)`, ...), and no
    weights_only=True was appended through **kwargs, *args or
    pickle_module, which the README says are never fixed;
  * the fixed bytes equal the original with the report's applied edits
    spliced in, and every applied fix in the report matches one changed
    call at the reported position, and vice versa;
  * every call that a conservative, scope-aware AST check takes for
    torch.load either has `weights_only=True` after the fix or is reported
    without an applied fix (LF001/LF002/LF003).  Calls whose resolution the
    simple check cannot settle are listed as "needs review", not failed;
  * independently, every pickle-family, joblib, numpy.load and PyYAML call
    that Python's name resolution (module-level imports, nothing rebinding
    the name) settles is reported with the right code at the right place,
    fixed exactly when the rule fixes it, and not reported when the rule
    calls it safe.

Exit status 0 only when no check failed.  The last line of output is
`N passed, M failed` (files that Python parsed).
"""

import argparse
import ast
import collections
import io
import json
import multiprocessing
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tokenize
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
DIST = "/usr/lib/python3/dist-packages"
DEFAULT_CORPORA = [
    "/usr/lib/python3.11",
    DIST + "/torch",
    DIST + "/torchvision",
    DIST + "/torchaudio",
    # the rules beyond torch: torchgen (yaml.load with custom Loaders),
    # numpy (allow_pickle=True in its tests), pandas, joblib, dill,
    # cloudpickle, jsonpickle and PyYAML (the pickle family and joblib)
    DIST + "/torchgen",
    DIST + "/numpy",
    DIST + "/pandas",
    DIST + "/joblib",
    DIST + "/dill",
    DIST + "/cloudpickle",
    DIST + "/jsonpickle",
    DIST + "/yaml",
    # the golden inputs: the only corpus with every new-rule fix (PyYAML
    # renames, safe_mode, weights_only="...", torch.hub's weights_only)
    os.path.join(os.path.dirname(HERE), "golden"),
]

# Directory names loadfix's walker skips (README "Walking", src/walk.c),
# plus hidden directories.  Files below them are named on the command line
# instead, which loadfix always checks.  A superset is harmless: loadfix
# de-duplicates paths.
WALK_SKIPPED_DIRS = {
    "__pycache__", "venv", "node_modules", "site-packages", "__pypackages__",
    "build", "dist",
}

UNAPPLIED_CODES = ("LF001", "LF002", "LF003")
SUPPRESS_RE = re.compile(r"#\s*(noqa|nosec)\b", re.I)
MAX_FAILURES_PER_FILE = 10


# --------------------------------------------------------------------------
# Source helpers


def decode_source(data):
    """The text Python sees for these bytes, or None."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def parse_bytes(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(data)


def split_lines(text):
    """Lines as ast numbers them (\\r\\n, \\r and \\n end a line)."""
    return re.split(r"\r\n|\r|\n", text)


class Positions:
    """Maps ast positions (line, UTF-8 column) to loadfix's: byte offsets
    into the file and 1-based columns in code points."""

    def __init__(self, data, text):
        self.lines = split_lines(text) if text is not None else []
        self.encoding = None
        if text is not None:
            self.encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        self.starts = [bom] + [m.end() for m in re.finditer(rb"\r\n|\r|\n", data)]

    def column(self, lineno, col_offset):
        if not 0 < lineno <= len(self.lines):
            return None
        prefix = self.lines[lineno - 1].encode("utf-8", "surrogatepass")[:col_offset]
        return len(prefix.decode("utf-8", "replace")) + 1

    def offset(self, lineno, col_offset):
        if not 0 < lineno <= min(len(self.lines), len(self.starts)):
            return None
        prefix = self.lines[lineno - 1].encode("utf-8", "surrogatepass")[:col_offset]
        enc = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        try:
            return self.starts[lineno - 1] + len(prefix.decode("utf-8", "replace").encode(enc))
        except (UnicodeError, LookupError):
            return None

    def start(self, node):
        return self.offset(node.lineno, node.col_offset)

    def end(self, node):
        return self.offset(node.end_lineno, node.end_col_offset)

    def line(self, lineno):
        return self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""


def segment(text, node, limit=80):
    try:
        s = ast.get_source_segment(text, node)
    except Exception:  # noqa: BLE001 - a best-effort display string
        s = None
    if s is None:
        s = "<%s>" % type(node).__name__
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def is_const(node, value):
    return isinstance(node, ast.Constant) and node.value is value


def weights_only_kw(call):
    for kw in call.keywords:
        if kw.arg == "weights_only":
            return kw
    return None


def dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return list(reversed(parts))
    return None


# --------------------------------------------------------------------------
# Structural comparison


def same_leaf(a, b):
    if type(a) is not type(b):
        return False
    if a == b:
        return True
    return a != a and b != b  # two NaNs


def compare_trees(orig, fixed):
    """Walk both trees in parallel.

    Returns (diffs, changes, call_map, debug_texts): diffs is a list of
    (line, message) for every difference that is not an allowed one;
    changes is a list of Change (kinds: CHANGE_RULES); call_map maps
    id(orig_call) to the matching fixed Call;
    debug_texts lists (line, original text, fixed Constant) for f-string
    `{expr=}` labels that changed with the expression (needs review).
    """
    diffs, changes, call_map, debug_texts = [], [], {}, []
    stack = [(orig, fixed, 1, "Module")]
    while stack:
        a, b, line, where = stack.pop()
        if isinstance(a, ast.AST):
            line = getattr(a, "lineno", line)
            if type(a) is not type(b):
                diffs.append((line, "%s became %s (in %s)" % (
                    type(a).__name__, type(b).__name__, where)))
                continue
            name = type(a).__name__
            if isinstance(a, ast.Call):
                call_map[id(a)] = b
                found, pairs, problem = compare_call(a, b)
                if problem:
                    diffs.append((line, problem))
                    continue
                if len(found) > 1:
                    diffs.append((line, "several changes in one call: %s" % ", ".join(
                        k for k, _n, _u in found)))
                    continue
                for kind, node, undo in found:
                    changes.append(Change(a, b, kind, node, undo))
                for x, y, field in pairs:
                    stack.append((x, y, line, field))
                continue
            for field in a._fields:
                stack.append((getattr(a, field, None), getattr(b, field, None),
                              line, "%s.%s" % (name, field)))
        elif isinstance(a, list):
            if where == "JoinedStr.values" and isinstance(b, list) and len(a) == len(b):
                # f"{torch.load(p)=}": the debug text before the value is the
                # expression's source, so the fix changes it too.
                for i in range(len(a) - 1):
                    x, y, nxt = a[i], b[i], a[i + 1]
                    if (isinstance(x, ast.Constant) and isinstance(y, ast.Constant)
                            and isinstance(nxt, ast.FormattedValue)
                            and isinstance(x.value, str) and isinstance(y.value, str)
                            and x.value != y.value and x.value.rstrip().endswith("=")
                            and y.value.rstrip().endswith("=")):
                        debug_texts.append((line, x.value, y))
                        a, b = a[:i] + a[i + 1:], b[:i] + b[i + 1:]
                        break
            if not isinstance(b, list) or len(a) != len(b):
                diffs.append((line, "%s: %d elements became %s" % (
                    where, len(a), len(b) if isinstance(b, list) else type(b).__name__)))
                continue
            for x, y in zip(a, b):
                stack.append((x, y, line, where))
        elif not same_leaf(a, b):
            diffs.append((line, "%s: %r became %r" % (where, a, b)))
    return diffs, changes, call_map, debug_texts


def kw_names(kws):
    return "[%s]" % ", ".join("**" if k.arg is None else k.arg for k in kws)


# The changes a fix may make, besides appending weights_only=True.  Each
# kind names the rule whose finding must account for it and where that
# finding starts ("call": the call; "node": the keyword, or the positional
# argument the value was passed as).
CHANGE_RULES = {
    "appended": ("LF001", "call"),        # weights_only=True added (LF004 in a partial)
    "flipped": ("LF002", "node"),         # weights_only=False -> True
    "wo_string": ("LF003", "node"),       # weights_only="<non-empty>" -> True
    "allow_pickle": ("LF103", "node"),    # allow_pickle=<truthy literal> -> False
    "yaml_callee": ("LF104", "call"),     # yaml.load -> yaml.safe_load, ...
    "yaml_loader": ("LF104", "node"),     # Loader=yaml.Loader -> yaml.SafeLoader, ...
    "safe_mode": ("LF105", "node"),       # safe_mode=False -> True
}

CHANGE_LABELS = {
    "appended": "weights_only=True appended", "flipped": "weights_only False -> True",
    "wo_string": 'weights_only "..." -> True', "allow_pickle": "allow_pickle -> False",
    "yaml_callee": "yaml callee -> safe_load[_all]", "yaml_loader": "Loader -> [C]SafeLoader",
    "safe_mode": "safe_mode False -> True",
}

# PyYAML renames (src/targets.c, README): the callee attribute and the Loader
# attribute, to exactly their safe twins.
YAML_CALLEE_RENAMES = {
    "load": "safe_load", "unsafe_load": "safe_load", "full_load": "safe_load",
    "load_all": "safe_load_all", "unsafe_load_all": "safe_load_all",
    "full_load_all": "safe_load_all",
}
YAML_LOADER_RENAMES = {
    "Loader": "SafeLoader", "FullLoader": "SafeLoader", "UnsafeLoader": "SafeLoader",
    "CLoader": "CSafeLoader", "CFullLoader": "CSafeLoader", "CUnsafeLoader": "CSafeLoader",
}
# Positional places of the values a fix may change (the libraries'
# signatures, as in src/targets.c): numpy.load(file, mmap_mode, allow_pickle),
# yaml.load(stream, Loader), keras load_model(filepath, custom_objects,
# compile, safe_mode).  weights_only is keyword-only in torch.load.
POSITIONAL_CHANGES = {2: "allow_pickle", 1: "yaml_loader", 3: "safe_mode"}


class Change:
    """One allowed change: the original and fixed Call, its kind, the node
    (of the original tree) its finding starts at, and how to undo it on the
    fixed tree (a list of (object, field, original value))."""

    def __init__(self, orig, fixed, kind, node, undo):
        self.orig, self.fixed, self.kind, self.node, self.undo = orig, fixed, kind, node, undo

    def __iter__(self):  # (orig, fixed, kind), as the callers unpack it
        return iter((self.orig, self.fixed, self.kind))


def truthy_literal(node):
    """True/False for a constant whose truth is known, None otherwise."""
    if isinstance(node, ast.Constant) and node.value is not Ellipsis:
        return bool(node.value)
    return None


def value_change(name, x, y):
    """The kind of an allowed change of one argument value from x to y, the
    argument being `name` (a keyword, or POSITIONAL_CHANGES' name), or None.
    Returns (kind, pairs still to compare deeply)."""
    if name == "weights_only" and is_const(y, True):
        if is_const(x, False) or (isinstance(x, ast.Constant) and x.value == ""):
            return "flipped", []  # LF002: False, or "" (an empty string is false)
        if isinstance(x, ast.Constant) and isinstance(x.value, str) and x.value:
            return "wo_string", []
    if name == "allow_pickle" and is_const(y, False) and truthy_literal(x) is True:
        return "allow_pickle", []
    if name == "safe_mode" and is_const(x, False) and is_const(y, True):
        return "safe_mode", []
    if (name in ("Loader", "yaml_loader") and isinstance(x, ast.Attribute)
            and isinstance(y, ast.Attribute) and x.attr != y.attr
            and YAML_LOADER_RENAMES.get(x.attr) == y.attr):
        return "yaml_loader", [(x.value, y.value, "Loader.value")]
    return None, None


def compare_call(a, b):
    """Compare two Calls' own fields.  Returns (changes, pairs, problem):
    changes is a list of (kind, node the finding starts at, undo list),
    pairs the (orig, fixed, where) subtrees still to compare."""
    found, pairs = [], []
    # the callee: one PyYAML rename of the attribute, or unchanged
    fa, fb = a.func, b.func
    if (isinstance(fa, ast.Attribute) and isinstance(fb, ast.Attribute) and fa.attr != fb.attr
            and YAML_CALLEE_RENAMES.get(fa.attr) == fb.attr):
        found.append(("yaml_callee", a, [(fb, "attr", fa.attr)]))
        pairs.append((fa.value, fb.value, "Call.func"))
    else:
        pairs.append((fa, fb, "Call.func"))
    # positional arguments: never added or removed
    if len(a.args) != len(b.args):
        return None, None, "Call.args: %d elements became %d" % (len(a.args), len(b.args))
    for i, (x, y) in enumerate(zip(a.args, b.args)):
        kind, more = (value_change(POSITIONAL_CHANGES[i], x, y) if i in POSITIONAL_CHANGES
                      and not any(isinstance(p, ast.Starred) for p in a.args[:i])
                      else (None, None))
        if kind:
            found.append((kind, x, [(b.args, i, x)] if not more else
                          [(y, "attr", x.attr)]))
            pairs.extend(more)
        else:
            pairs.append((x, y, "Call.args"))
    # keywords: the same names in the same order, one value changed, or
    # weights_only=True appended
    ka, kb = a.keywords, b.keywords
    if len(kb) == len(ka) + 1:
        last = kb[-1]
        if not (last.arg == "weights_only" and is_const(last.value, True)):
            return None, None, "Call keywords %s became %s" % (kw_names(ka), kw_names(kb))
        if any(k.arg == "weights_only" for k in ka):
            return None, None, ("weights_only=True appended to a call that "
                                "already has weights_only (duplicate keyword)")
        found.append(("appended", a, [(b, "keywords", kb)]))
        kb = kb[:-1]
    elif len(kb) != len(ka):
        return None, None, "Call keywords %s became %s" % (kw_names(ka), kw_names(kb))
    for x, y in zip(ka, kb):
        kind = None
        if x.arg == y.arg and x.arg is not None:
            kind, more = value_change(x.arg, x.value, y.value)
        if kind:
            undo = [(y, "value", x.value)] if not more else [(y.value, "attr", x.value.attr)]
            found.append((kind, x, undo))
            pairs.extend(more)
        else:
            pairs.append((x, y, "Call.keywords"))
    return found, pairs, None


def normalize_changes(changes):
    """Undo the allowed changes on the fixed tree (for the ast.dump check)."""
    undo = []
    for change in changes:
        for obj, field, value in change.undo:
            if field == "keywords":
                undo.append((obj, field, obj.keywords))
                obj.keywords = obj.keywords[:-1]
            elif isinstance(field, int):
                undo.append((obj, field, obj[field]))
                obj[field] = value
            else:
                undo.append((obj, field, getattr(obj, field)))
                setattr(obj, field, value)
    return undo


def restore(undo):
    for node, field, value in reversed(undo):
        if isinstance(field, int):
            node[field] = value
        else:
            setattr(node, field, value)


TORCH_HUB_LOADERS = ("load_state_dict_from_url", "load_url")
# The attribute a changed call's callee may end in, per kind of change (a
# bare name is always accepted: `from numpy import load`).
CALLEE_ATTRS = {
    "appended": ("load",) + TORCH_HUB_LOADERS,
    "flipped": ("load",) + TORCH_HUB_LOADERS,
    "wo_string": ("load",) + TORCH_HUB_LOADERS,
    "allow_pickle": ("load",),
    "yaml_callee": tuple(YAML_CALLEE_RENAMES),
    "yaml_loader": ("load", "load_all"),
    "safe_mode": ("load_model",),
}


def callee_kind(call, kind="appended"):
    """'partial' for partial(X.load|name, ...) (LF004's fix, appended only),
    'attr' for X.<a loader of that kind>, 'name', or None."""
    f = call.func
    attrs = CALLEE_ATTRS[kind]
    is_partial = ((isinstance(f, ast.Attribute) and f.attr == "partial")
                  or (isinstance(f, ast.Name) and f.id == "partial"))
    if kind == "appended" and is_partial and call.args:
        g = call.args[0]
        if (isinstance(g, ast.Attribute) and g.attr in attrs) or isinstance(g, ast.Name):
            return "partial"
    if isinstance(f, ast.Attribute) and f.attr in attrs:
        return "attr"
    if isinstance(f, ast.Name):
        return "name"
    return None


def has_splat(call):
    return (any(isinstance(a, ast.Starred) for a in call.args)
            or any(k.arg is None for k in call.keywords))


def is_hub_call(call):
    f = call.func
    return ((isinstance(f, ast.Attribute) and f.attr in TORCH_HUB_LOADERS)
            or (isinstance(f, ast.Name) and f.id in TORCH_HUB_LOADERS))


def documented_blocker(call, kind):
    """A reason the README gives for never appending weights_only=True."""
    args = call.args[1:] if kind == "partial" else call.args
    if any(isinstance(a, ast.Starred) for a in args):
        return "*args"
    if any(k.arg is None for k in call.keywords):
        return "**kwargs"
    if is_hub_call(call):
        # load_state_dict_from_url(url, model_dir, map_location, progress,
        # check_hash, file_name, weights_only): the 7th positional is it
        if len(args) >= 7:
            return "weights_only positionally"
    elif (any(k.arg == "pickle_module" and not is_const(k.value, None) for k in call.keywords)
          or (len(args) >= 3 and not is_const(args[2], None))):
        return "pickle_module"  # pickle_module=None is the default, and is fixed
    if (len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.GeneratorExp)
            and (call.args[0].end_lineno, call.args[0].end_col_offset)
            == (call.end_lineno, call.end_col_offset)):
        return "bare generator argument"  # it shares the call's parentheses
    return None


# --------------------------------------------------------------------------
# A conservative, scope-aware "looks like torch.load" check


class Scope:
    def __init__(self, kind, parent):
        self.kind = kind  # module, function, class, comprehension
        self.parent = parent
        self.bindings = collections.defaultdict(set)
        self.globals = set()
        self.nonlocals = set()

    def bind(self, name, kind):
        self.bindings[name].add(kind)


def import_kind(module_name):
    """Kind of the name bound by `import module_name as x`."""
    if module_name == "torch":
        return "torch"
    if module_name == "torch.serialization":
        return "torch.serialization"
    return "other-import"  # torch.nn as nn and anything else


class Binder(ast.NodeVisitor):
    """Records name bindings per scope and the scope of each Call."""

    def __init__(self):
        self.module = Scope("module", None)
        self.scope = self.module
        self.call_scope = {}

    def _bind(self, name, kind):
        if name in self.scope.globals:
            self.module.bind(name, kind)
        elif name in self.scope.nonlocals:
            scope = self.scope.parent
            while scope.parent is not None and (
                    scope.kind == "class" or name not in scope.bindings):
                scope = scope.parent
            scope.bind(name, kind)
        else:
            self.scope.bind(name, kind)

    # scopes -------------------------------------------------------------
    def _function(self, node, args, body, name=None):
        if name is not None:
            self._bind(name, "other")
        for d in getattr(node, "decorator_list", []):
            self.visit(d)
        for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.visit(d)
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None:
                self.visit(a.annotation)
        if getattr(node, "returns", None) is not None:
            self.visit(node.returns)
        outer = self.scope
        self.scope = Scope("function", outer)
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None:
                self._bind(a.arg, "param")
        if isinstance(body, list):
            for stmt in body:
                self.visit(stmt)
        else:
            self.visit(body)
        self.scope = outer

    def visit_FunctionDef(self, node):
        self._function(node, node.args, node.body, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self._function(node, node.args, node.body)

    def visit_ClassDef(self, node):
        for d in node.decorator_list + node.bases + node.keywords:
            self.visit(d)
        outer = self.scope
        self.scope = Scope("class", outer)
        for stmt in node.body:
            self.visit(stmt)
        self.scope = outer
        self._bind(node.name, "other")

    def _comprehension(self, node, elts):
        outer = self.scope
        self.visit(node.generators[0].iter)
        self.scope = Scope("comprehension", outer)
        for i, gen in enumerate(node.generators):
            self._targets(gen.target)
            if i:
                self.visit(gen.iter)
            for cond in gen.ifs:
                self.visit(cond)
        for e in elts:
            self.visit(e)
        self.scope = outer

    def visit_ListComp(self, node):
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        self._comprehension(node, [node.key, node.value])

    # bindings -----------------------------------------------------------
    def _targets(self, target, kind="other"):
        for n in ast.walk(target):
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                self._bind(n.id, kind)

    def visit_Import(self, node):
        for alias in node.names:
            if alias.asname:
                self._bind(alias.asname, import_kind(alias.name))
            else:
                top = alias.name.split(".")[0]
                self._bind(top, "torch" if top == "torch" else "other-import")

    def visit_ImportFrom(self, node):
        module = node.module if not node.level else None
        for alias in node.names:
            if alias.name == "*":
                continue  # not followed: the simple check stays conservative
            name = alias.asname or alias.name
            if module == "torch" and alias.name == "load":
                kind = "load"
            elif module == "torch.serialization" and alias.name == "load":
                kind = "load"
            elif module == "torch" and alias.name == "serialization":
                kind = "torch.serialization"
            else:
                kind = "other-import"
            self._bind(name, kind)

    def visit_Assign(self, node):
        kind = "none" if is_const(node.value, None) else "other"
        for t in node.targets:
            self._targets(t, kind)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._targets(node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self._targets(node.target, "none" if is_const(node.value, None) else "other")
        self.generic_visit(node)

    def visit_For(self, node):
        self._targets(node.target)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node):
        if node.optional_vars is not None:
            self._targets(node.optional_vars)
        self.generic_visit(node)

    def visit_NamedExpr(self, node):
        scope = self.scope
        while scope.kind == "comprehension":
            scope = scope.parent
        scope.bind(node.target.id, "other")
        self.visit(node.value)

    def visit_ExceptHandler(self, node):
        if node.name:
            self._bind(node.name, "other")
        if node.type is not None:
            self.visit(node.type)
        for stmt in node.body:
            self.visit(stmt)

    def visit_Delete(self, node):
        for t in node.targets:
            self._targets(t)
        self.generic_visit(node)

    def visit_Global(self, node):
        self.scope.globals.update(node.names)

    def visit_Nonlocal(self, node):
        self.scope.nonlocals.update(node.names)

    def visit_MatchAs(self, node):
        if node.name:
            self._bind(node.name, "other")
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        if node.name:
            self._bind(node.name, "other")

    def visit_MatchMapping(self, node):
        if node.rest:
            self._bind(node.rest, "other")
        self.generic_visit(node)

    def visit_Call(self, node):
        self.call_scope[id(node)] = self.scope
        self.generic_visit(node)


def resolve(name, scope, module):
    """Binding kinds of `name` seen from `scope`, or None when unbound."""
    start = scope
    while scope is not None:
        if name in scope.globals:
            scope = module
            return set(module.bindings.get(name, ())) or None
        if scope.kind == "class" and scope is not start:
            scope = scope.parent
            continue
        if name in scope.bindings and name not in scope.nonlocals:
            return scope.bindings[name]
        scope = scope.parent
    return None


def torch_load_candidate(call, binder):
    """'clean' or 'ambiguous' when the call looks like torch.load, else None."""
    scope = binder.call_scope.get(id(call))
    if scope is None:
        return None, None
    f = call.func
    if isinstance(f, ast.Attribute) and f.attr == "load":
        parts = dotted(f.value)
        if parts is None or len(parts) > 2:
            return None, None
        kinds = resolve(parts[0], scope, binder.module)
        if not kinds:
            return None, None
        if len(parts) == 1:
            good = kinds & {"torch", "torch.serialization"}
        elif parts[1] == "serialization":
            good = kinds & {"torch"}
        else:
            return None, None
    elif isinstance(f, ast.Name):
        kinds = resolve(f.id, scope, binder.module)
        if not kinds:
            return None, None
        good = kinds & {"load"}
    else:
        return None, None
    if not good:
        return None, None
    rest = kinds - good - {"none"}
    return ("clean" if not rest else "ambiguous"), sorted(kinds)


# --------------------------------------------------------------------------
# An independent check of the loader rules (LF101-LF104)
#
# Python's own name resolution, kept simple: a name counts only when every
# binding of it anywhere in the file is a module-level `import X [as Y]` or
# `from X import name [as alias]` of the same thing (so nothing shadows or
# rebinds it).  Such calls must be reported by loadfix with the right code
# at the right place, fixed exactly when the rule fixes them, and calls the
# rule calls safe must not be reported.

PICKLE_MODULES = ("pickle", "_pickle", "cPickle", "dill", "cloudpickle")
LOADER_CALLS = {(m, f): "LF101" for m in PICKLE_MODULES for f in ("load", "loads")}
LOADER_CALLS.update({("dill", f): "LF101" for f in ("load_module", "load_module_asdict", "load_session")})
LOADER_CALLS[("joblib", "load")] = "LF102"
LOADER_CALLS[("numpy", "load")] = "LF103"
LOADER_CALLS.update({("yaml", f): "LF104" for f in YAML_CALLEE_RENAMES})
LOADER_MODULES = {m for m, _f in LOADER_CALLS}
YAML_SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
BANDIT_CODES = {"LF101": "B301", "LF102": "B301", "LF104": "B506"}
DIRECTIVE_RE = re.compile(
    r"#\s*(?i:(noqa|nosec))(?![\w-])(?:[ \t]*:?[ \t]*([A-Z]+[0-9]+(?:[ \t]*,?[ \t]*[A-Z]+[0-9]+)*))?")


def suppresses(line, code):
    """Whether a `# noqa`/`# nosec` directive on this line covers code (the
    README's suppression rule: blanket, or naming the code or, for nosec,
    its Bandit code)."""
    for m in DIRECTIVE_RE.finditer(line):
        if m.group(2) is None:
            return True
        names = re.findall(r"[A-Z]+[0-9]+", m.group(2))
        if code in names or (m.group(1).lower() == "nosec" and BANDIT_CODES.get(code) in names):
            return True
    return False


def module_level_statements(body):
    """Statements run in the module's scope (not in def or class bodies)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from module_level_statements(getattr(stmt, field, []) or [])
        for handler in getattr(stmt, "handlers", []) or []:
            yield from module_level_statements(handler.body)
        for case in getattr(stmt, "cases", []) or []:
            yield from module_level_statements(case.body)


def simple_bindings(tree):
    """name -> set of what binds it: ('module', M), ('member', M, name) for
    module-level imports of the loader modules, 'other' for anything else."""
    bindings = collections.defaultdict(set)
    module_imports = set()
    for stmt in module_level_statements(tree.body):
        if isinstance(stmt, ast.Import):
            module_imports.add(id(stmt))
            for alias in stmt.names:
                if alias.asname:
                    what = (("module", alias.name) if alias.name in LOADER_MODULES else "other")
                    bindings[alias.asname].add(what)
                else:
                    top = alias.name.split(".")[0]
                    bindings[top].add(("module", top) if top in LOADER_MODULES else "other")
        elif isinstance(stmt, ast.ImportFrom):
            module_imports.add(id(stmt))
            for alias in stmt.names:
                if alias.name == "*":
                    continue  # not followed
                what = (("member", stmt.module, alias.name)
                        if not stmt.level and stmt.module in LOADER_MODULES else "other")
                bindings[alias.asname or alias.name].add(what)
    for node in ast.walk(tree):
        names = []
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in module_imports:
            names = [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names = [node.id]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.arg):
            names = [node.arg]
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            names = [node.name] if node.name else []
        elif isinstance(node, ast.MatchMapping):
            names = [node.rest] if node.rest else []
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names = node.names
        for n in names:
            bindings[n].add("other")
    return bindings


def resolve_simple(name, bindings):
    kinds = bindings.get(name)
    if not kinds or len(kinds) != 1:
        return None
    (what,) = kinds
    return what if what != "other" else None


def loader_target(node, bindings):
    """(module, name) that a callee (or a Loader value) resolves to, or None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        what = resolve_simple(node.value.id, bindings)
        if what and what[0] == "module":
            return what[1], node.attr
    elif isinstance(node, ast.Name):
        what = resolve_simple(node.id, bindings)
        if what and what[0] == "member":
            return what[1], what[2]
    return None


def argument(call, keyword, position):
    """The node passing a parameter (keyword, or positional before any
    *args), or None."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw, kw.value
    args = call.args
    if position < len(args) and not any(isinstance(a, ast.Starred) for a in args[:position + 1]):
        return args[position], args[position]
    return None, None


def loader_expectation(call, bindings):
    """For a call that resolves to a loader: (code, node the finding starts
    at or None when the rule calls it safe, whether it is fixed, why)."""
    target = loader_target(call.func, bindings)
    code = LOADER_CALLS.get(target)
    if code is None:
        return None
    module, name = target
    if code in ("LF101", "LF102"):
        return code, call, False, "%s.%s" % target
    if code == "LF103":
        where, value = argument(call, "allow_pickle", 2)
        if where is None:
            return code, None, False, "numpy.load without allow_pickle"
        truth = truthy_literal(value)
        if truth is False:
            return code, None, False, "numpy.load with a false allow_pickle literal"
        if truth is True:
            return code, where, True, "numpy.load with a true allow_pickle literal"
        return code, where, False, "numpy.load with a non-literal allow_pickle"
    # LF104
    renamable = isinstance(call.func, ast.Attribute)
    if name not in ("load", "load_all"):
        return code, call, renamable, "yaml.%s" % name
    where, value = argument(call, "Loader", 1)
    if where is None and has_splat(call):
        # *args/**kwargs may carry the Loader (a safe one, even): reported,
        # but renaming to safe_load, which takes no Loader, is no fix
        return code, call, False, "yaml.%s with *args/**kwargs and no Loader" % name
    if where is None:
        return code, call, renamable, "yaml.%s without a Loader" % name
    loader = loader_target(value, bindings)
    if loader and loader[0] == "yaml" and loader[1] in YAML_SAFE_LOADERS:
        return code, None, False, "yaml.%s with Loader=%s" % (name, loader[1])
    if loader and loader[0] == "yaml" and loader[1] in YAML_LOADER_RENAMES:
        return (code, where, isinstance(value, ast.Attribute),
                "yaml.%s with Loader=%s" % (name, loader[1]))
    return code, where, False, "yaml.%s with a Loader not known statically" % name


def check_loaders(tree, text, pos, findings, matched, display, res, fail):
    """Step 6 of check_file: the independent check of LF101-LF104."""
    bindings = simple_bindings(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        exp = loader_expectation(node, bindings)
        if exp is None:
            continue
        code, where, fixable, why = exp
        func_text = segment(text, node.func) if text else "?"
        lo, hi = pos.start(node) or 0, pos.end(node) or 0
        # findings of this rule that belong to this call: at the call, or
        # at one of its arguments (not inside a nested call)
        own_starts = {pos.start(node)} | {pos.start(k) for k in node.keywords} | {
            pos.start(a) for a in node.args}
        own = [i for i, f in enumerate(findings) if f["code"] == code
               and f["start"]["offset"] in own_starts and lo <= f["start"]["offset"] < hi]
        if where is None:
            if own:
                res["loaders"]["DISAGREE " + code] += 1
                matched.update(own)
                fail(node.lineno, "%s reported on `%s(...)`, but Python resolves it to %s, which "
                     "the rule calls safe" % (code, func_text, why))
            else:
                res["loaders"]["agree %s: safe, not reported" % code] += 1
            continue
        first, last = pos.line(node.lineno), pos.line(node.end_lineno)
        at = [i for i in own if findings[i]["start"]["offset"] == pos.start(where)]
        if not at and (suppresses(first, code) or suppresses(last, code)):
            res["loaders"]["agree %s: suppressed by comment" % code] += 1
            res["suppressed"].append("%s:%d: `%s(...)` (%s)" % (display, node.lineno, func_text, code))
            continue
        if not at:
            res["loaders"]["DISAGREE " + code] += 1
            matched.update(own)
            fail(node.lineno, "`%s(...)` resolves to %s but loadfix reported no %s at %d:%s%s" % (
                func_text, why, code, where.lineno, pos.column(where.lineno, where.col_offset),
                " (it reported %s)" % ", ".join("%d:%d" % (findings[i]["start"]["line"],
                                                         findings[i]["start"]["column"])
                                                for i in own) if own else ""))
            continue
        f = findings[at[0]]
        matched.update(at)
        has_fix = bool(f.get("fix") and f["fix"].get("applied_with_options"))
        if has_fix != fixable:
            res["loaders"]["DISAGREE " + code] += 1
            fail(node.lineno, "%s on `%s(...)` (%s) %s, but %s" % (
                code, func_text, why, "has an applied fix" if has_fix else "has no applied fix",
                "the rule fixes it" if fixable else "it must not be fixed"))
            continue
        res["loaders"]["agree %s: reported%s" % (code, ", fixed" if fixable else "")] += 1


# --------------------------------------------------------------------------
# Per-file check (runs in worker processes)


def apply_edits(data, edits):
    """Splice report edits (byte offsets) into data, or None if they overlap."""
    spans = sorted((e["start"]["offset"], e["end"]["offset"], i, e["content"])
                   for i, e in enumerate(edits))
    out, pos = [], 0
    last_insert = None
    for start, end, _i, content in spans:
        if start < pos or (start == end and last_insert == start):
            return None
        out.append(data[pos:start])
        out.append(content.encode("utf-8"))
        pos = end
        last_insert = start if start == end else None
    out.append(data[pos:])
    return b"".join(out)


def check_file(task):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    orig_path, copy_path, display, findings = task
    res = {
        "display": display, "parsed": False, "parse_error": None, "changed": False,
        "failures": [], "review": [], "changes": [], "candidates": collections.Counter(),
        "suppressed": [], "unmatched_findings": [], "loaders": collections.Counter(),
    }

    def fail(line, msg):
        if len(res["failures"]) < MAX_FAILURES_PER_FILE:
            res["failures"].append("%s:%s: %s" % (display, line, msg))
        elif len(res["failures"]) == MAX_FAILURES_PER_FILE:
            res["failures"].append("%s: ... more failures in this file" % display)

    with open(orig_path, "rb") as fh:
        orig_bytes = fh.read()
    with open(copy_path, "rb") as fh:
        fixed_bytes = fh.read()
    res["changed"] = orig_bytes != fixed_bytes
    try:
        orig_tree = parse_bytes(orig_bytes)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        res["parse_error"] = "%s: %s" % (type(e).__name__, getattr(e, "msg", e))
        return res
    res["parsed"] = True
    text = decode_source(orig_bytes)
    pos = Positions(orig_bytes, text)

    applied = [f for f in findings if f.get("fix") and f["fix"].get("applied_with_options")]
    unapplied = [f for f in findings if f not in applied]

    # 1. the fixed bytes are the original plus exactly the reported edits
    edits = [e for f in applied for e in f["fix"]["edits"]]
    expected = apply_edits(orig_bytes, edits)
    if expected is None:
        res["review"].append("%s: report edits overlap; byte check skipped" % display)
    elif expected != fixed_bytes:
        fail(first_diff_line(expected, fixed_bytes),
             "fixed file differs from the original plus the JSON report's applied edits")

    if not res["changed"]:
        fixed_tree, changes, call_map = orig_tree, [], None
    else:
        # 2. the fixed file parses and compiles
        try:
            fixed_tree = parse_bytes(fixed_bytes)
        except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
            fail(getattr(e, "lineno", "?"), "fixed file no longer parses: %s" % (
                getattr(e, "msg", e),))
            return res
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(fixed_bytes, display, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as e:
            if not compiles(orig_bytes, display):
                pass  # the original does not compile either (e.g. a test file)
            else:
                fail(getattr(e, "lineno", "?"), "fixed file no longer compiles: %s" % (
                    getattr(e, "msg", e),))
        # 3. structural comparison
        diffs, changes, call_map, debug_texts = compare_trees(orig_tree, fixed_tree)
        for line, msg in diffs:
            fail(line, "AST difference: " + msg)
        for line, before, const in debug_texts:
            res["review"].append("%s:%s: f-string debug label %r became %r (the fix changes "
                                 "what the program prints)" % (display, line, before, const.value))
        if not diffs:
            undo = normalize_changes(changes)
            for _line, before, const in debug_texts:
                undo.append((const, "value", const.value))
                const.value = before
            try:
                if (ast.dump(orig_tree, include_attributes=False)
                        != ast.dump(fixed_tree, include_attributes=False)):
                    fail("?", "ast.dump differs after undoing the allowed changes "
                              "(comparator missed a difference)")
            except RecursionError:
                res["review"].append("%s: ast.dump too deep; dump check skipped" % display)
            restore(undo)

    # 4. every changed call looks like the loader its change is for, and
    #    had no blocker; each change matches one applied finding of its
    #    rule at the reported position (CHANGE_RULES)
    findings_left = list(applied)
    for change in changes:
        a, kind = change.orig, change.kind
        ck = callee_kind(a, kind)
        if kind == "appended" and ck == "partial":
            func_text = "partial(%s, ...)" % segment(text, a.args[0]) if text else "?"
        else:
            func_text = segment(text, a.func) if text else "?"
        res["changes"].append((kind, func_text))
        if ck is None:
            fail(a.lineno, "changed call's callee `%s` is neither `X.%s` nor a name (%s)" % (
                func_text, "|".join(CALLEE_ATTRS[kind]), kind))
        if kind == "appended":
            blocker = documented_blocker(a, ck)
            if blocker:
                fail(a.lineno, "weights_only=True appended to `%s` call passing %s" % (
                    func_text, blocker))
        if kind == "yaml_callee" and a.func.attr in ("load", "load_all") and has_splat(a):
            # safe_load(stream) takes no Loader: a splat that carries one
            # becomes a TypeError, and one that carries SafeLoader was safe
            fail(a.lineno, "`%s` renamed to `%s` although the call passes *args or **kwargs, "
                 "which may carry the Loader (safe_load takes none: TypeError)" % (
                     func_text, change.fixed.func.attr))
        code, where = CHANGE_RULES[kind]
        node = change.node
        if kind == "appended" and ck == "partial":
            code = "LF004"  # reported at the partial(...) call
        want = (node.lineno, pos.column(node.lineno, node.col_offset))
        offset = pos.start(node)
        match = [f for f in findings_left if f["code"] == code
                 and f["start"]["offset"] == offset]
        if match:
            got = (match[0]["start"]["line"], match[0]["start"]["column"])
            if got != want:
                fail(a.lineno, "%s for `%s` (byte offset %d) reported at %d:%d, but Python puts "
                     "it at %d:%s" % (code, func_text, offset, got[0], got[1], want[0], want[1]))
        else:
            near = [f for f in findings_left if f["code"] == code
                    and (pos.start(a) or 0) <= f["start"]["offset"] < (pos.end(a) or 0)]
            if near:
                fail(a.lineno, "%s for `%s` reported at offset %d (%d:%d), but its %s is at "
                     "offset %s (%d:%s)" % (
                         code, func_text, near[0]["start"]["offset"], near[0]["start"]["line"],
                         near[0]["start"]["column"], "call" if where == "call" else "argument",
                         offset, want[0], want[1]))
                match = near
            else:
                fail(a.lineno, "call `%s` changed (%s) but the report has no applied %s for it" % (
                    func_text, kind, code))
        if match:
            findings_left.remove(match[0])
    for f in findings_left:
        fail(f["start"]["line"], "report says %s fix applied at %d:%d (offset %d), but --fix "
             "changed no call there" % (f["code"], f["start"]["line"], f["start"]["column"],
                                        f["start"]["offset"]))

    # 5. calls that look like torch.load are fixed or reported
    binder = Binder()
    binder.visit(orig_tree)
    matched_findings = set()
    for node in ast.walk(orig_tree):
        if not isinstance(node, ast.Call):
            continue
        status, kinds = torch_load_candidate(node, binder)
        if status is None:
            continue
        func_text = segment(text, node.func) if text else "?"
        fixed_call = node if call_map is None else call_map.get(id(node))
        if fixed_call is None:
            continue  # a structural failure was already reported
        own = [i for i, f in enumerate(findings) if finding_of_call(f, node, pos)]
        kw = weights_only_kw(fixed_call)
        if kw is not None and is_const(kw.value, True):
            res["candidates"]["weights_only=True after fix"] += 1
            matched_findings.update(own)
            continue
        reported = [i for i in own if findings[i]["code"] in UNAPPLIED_CODES
                    and findings[i] in unapplied]
        if not reported:
            # the brief's looser rule: an unapplied finding on the call's lines
            reported = [i for i, f in enumerate(findings)
                        if f["code"] in UNAPPLIED_CODES and f in unapplied
                        and i not in matched_findings
                        and node.lineno <= f["start"]["line"] <= node.end_lineno]
            if reported:
                res["review"].append("%s:%d: `%s(...)` counted as reported by a finding on its "
                                     "line that is not at the call (or its keyword)" % (
                                         display, node.lineno, func_text))
        if reported:
            matched_findings.update(reported)
            res["candidates"]["reported, not fixed"] += 1
            for i in reported:
                f = findings[i]
                if f["code"] in ("LF001", "LF002") and "(not fixed" not in f["message"]:
                    fail(f["start"]["line"], "%s reported without fix and without a reason: %s" % (
                        f["code"], f["message"]))
            continue
        first, last = pos.line(node.lineno), pos.line(node.end_lineno)
        if SUPPRESS_RE.search(first) or SUPPRESS_RE.search(last):
            res["candidates"]["suppressed by comment"] += 1
            res["suppressed"].append("%s:%d: `%s(...)`" % (display, node.lineno, func_text))
            continue
        if status == "clean":
            res["candidates"]["MISSED"] += 1
            fail(node.lineno, "`%s(...)` resolves to torch.load (bindings: %s) but was neither "
                 "fixed nor reported" % (func_text, ", ".join(kinds)))
        else:
            res["candidates"]["needs review"] += 1
            res["review"].append("%s:%d: `%s(...)` neither fixed nor reported; the name has "
                                 "mixed bindings in its scope (%s)" % (
                                     display, node.lineno, func_text, ", ".join(kinds)))

    # 6. calls that Python resolves to a pickle-family, joblib, numpy or
    #    PyYAML loader are reported with the right code (independent check)
    check_loaders(orig_tree, text, pos, findings, matched_findings, display, res, fail)

    for i, f in enumerate(findings):
        if i not in matched_findings and f["code"] != "LF004":
            res["unmatched_findings"].append("%s:%d:%d: %s" % (
                display, f["start"]["line"], f["start"]["column"], f["code"]))
    return res


def finding_of_call(finding, call, pos):
    """Whether the finding is about this call: LF001 starts at the call,
    LF002/LF003 at its weights_only keyword."""
    if finding["code"] == "LF001":
        node = call
    elif finding["code"] in ("LF002", "LF003"):
        node = weights_only_kw(call)
        if node is None:
            return False
    else:
        return False
    return finding["start"]["offset"] == pos.start(node)


def compiles(data, name):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, name, "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        return False


def first_diff_line(a, b):
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    return a[:i].count(b"\n") + 1


# --------------------------------------------------------------------------
# Driver


def copy_corpora(corpora, dest_root):
    """Copy *.py files; returns [(orig, copy, display)] and per-corpus counts."""
    entries, counts = [], []
    for i, corpus in enumerate(corpora):
        root = os.path.abspath(corpus)
        label = os.path.basename(root.rstrip("/")) or "root"
        dest = os.path.join(dest_root, "c%d_%s" % (i, re.sub(r"[^A-Za-z0-9_.-]", "_", label)))
        n = 0
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(".py"):
                    continue
                src = os.path.join(dirpath, name)
                try:
                    if not stat.S_ISREG(os.stat(src).st_mode):
                        continue
                except OSError:
                    continue  # dangling symbolic link
                rel = os.path.relpath(src, root)
                dst = os.path.join(dest, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(src, dst)
                entries.append((src, dst, "%s/%s" % (label, rel)))
                n += 1
        counts.append((corpus, n))
    return entries, counts


def walk_skipped(copy_path, dest_root):
    parts = os.path.relpath(copy_path, dest_root).split(os.sep)[:-1]
    return any(p in WALK_SKIPPED_DIRS or p.startswith(".") for p in parts)


def run(cmd, what, global_failures):
    t0 = time.time()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.time() - t0
    if proc.returncode not in (0, 1):
        global_failures.append("`%s` exited with %d: %s" % (
            what, proc.returncode, proc.stderr.decode("utf-8", "replace").strip()[:2000]))
    return proc, dt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("loadfix")
    ap.add_argument("corpora", nargs="*", help="default: %s (those that exist)" % (
        ", ".join(DEFAULT_CORPORA)))
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also list unparsed files and findings outside the simple check")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy")
    opts = ap.parse_args()

    loadfix = os.path.abspath(opts.loadfix)
    corpora = opts.corpora or [c for c in DEFAULT_CORPORA if os.path.isdir(c)]
    for c in corpora:
        if not os.path.isdir(c):
            ap.error("not a directory: %s" % c)
    t_start = time.time()
    tmp = tempfile.mkdtemp(prefix="loadfix-ast-diff-")
    try:
        return check_all(loadfix, corpora, tmp, opts, t_start)
    finally:
        if opts.keep:
            print("kept the copy in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def check_all(loadfix, corpora, tmp, opts, t_start):
    global_failures = []
    # one snapshot of the binary for all three runs, in case it is rebuilt
    snapshot = os.path.join(tmp, "bin", os.path.basename(loadfix))
    os.makedirs(os.path.dirname(snapshot))
    shutil.copy2(loadfix, snapshot)
    shown, loadfix = loadfix, snapshot
    tmp = os.path.join(tmp, "corpora")
    os.makedirs(tmp)
    entries, counts = copy_corpora(corpora, tmp)
    explicit = [dst for _src, dst, _d in entries if walk_skipped(dst, tmp)]
    targets = [tmp] + explicit

    report, t_report = run([loadfix, "--output-format", "json", "--unsafe-fixes"] + targets,
                           "loadfix --output-format json --unsafe-fixes", global_failures)
    try:
        findings = json.loads(report.stdout.decode("utf-8"))
    except ValueError as e:
        global_failures.append("the JSON report does not parse: %s" % e)
        findings = []
    by_path = collections.defaultdict(list)
    for f in findings:
        by_path[os.path.normpath(f["path"])].append(f)
    known = {os.path.normpath(dst) for _s, dst, _d in entries}
    for p in by_path:
        if p not in known:
            global_failures.append("finding for a path that was not copied: %s" % p)

    fixrun, t_fix = run([loadfix, "--fix", "--unsafe-fixes"] + targets,
                        "loadfix --fix --unsafe-fixes", global_failures)
    fix_stdout = (fixrun.stdout + fixrun.stderr).decode("utf-8", "replace")
    fix_summary = [l for l in fix_stdout.splitlines()
                   if l.startswith("Found ") or l.startswith("All checks passed")]

    diffrun, _ = run([loadfix, "--diff", "--unsafe-fixes"] + targets,
                     "loadfix --diff --unsafe-fixes (after --fix)", global_failures)
    not_idempotent = set()
    for line in diffrun.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("+++ "):
            for _s, dst, display in entries:
                if line.endswith(dst):
                    not_idempotent.add(display)
    if diffrun.stdout.strip() and not not_idempotent:
        global_failures.append("--diff after --fix is not empty:\n" + diffrun.stdout.decode(
            "utf-8", "replace")[:2000])

    tasks = [(src, dst, display, by_path.get(os.path.normpath(dst), []))
             for src, dst, display in entries]
    t0 = time.time()
    with multiprocessing.Pool(max(1, opts.jobs)) as pool:
        results = list(pool.imap_unordered(check_file, tasks, chunksize=8))
    t_ast = time.time() - t0
    results.sort(key=lambda r: r["display"])
    for r in results:
        if r["display"] in not_idempotent:
            r["failures"].append("%s: a second run (--diff) would change the fixed file again"
                                 % r["display"])

    # ---------------------------------------------------------------- summary
    parsed = [r for r in results if r["parsed"]]
    unparsed = [r for r in results if not r["parsed"]]
    changed = [r for r in results if r["changed"]]
    changes = [c for r in results for c in r["changes"]]
    failures = [f for r in results for f in r["failures"]]
    review = [x for r in results for x in r["review"]]
    candidates = collections.Counter()
    for r in results:
        candidates.update(r["candidates"])
    by_code = collections.Counter(f["code"] for f in findings)
    applied_by_code = collections.Counter(
        f["code"] for f in findings if f.get("fix") and f["fix"].get("applied_with_options"))

    print("loadfix differential AST test: %s" % shown)
    for corpus, n in counts:
        print("  corpus %s: %d .py files" % (corpus, n))
    print("files:                     %d (%d in directories loadfix's walk skips, named explicitly)"
          % (len(results), len(explicit)))
    print("files parsed by python:    %d" % len(parsed))
    print("files python cannot parse: %d (skipped; %d of them changed by loadfix)" % (
        len(unparsed), sum(r["changed"] for r in unparsed)))
    for r in unparsed if opts.verbose else unparsed[:10]:
        print("    %s: %s" % (r["display"], r["parse_error"]))
    if len(unparsed) > 10 and not opts.verbose:
        print("    ... (-v lists all)")
    print("files changed:             %d" % len(changed))
    kinds = collections.Counter(k for k, _ in changes)
    print("calls fixed:               %d (%s)" % (len(changes), ", ".join(
        "%s %d" % (CHANGE_LABELS[k], kinds[k]) for k in CHANGE_RULES if kinds[k]) or "none"))
    funcs = collections.Counter(t for _, t in changes)
    for text, n in sorted(funcs.items(), key=lambda x: (-x[1], x[0])):
        print("    %4d  %s" % (n, text))
    print("findings by code:          %s" % (", ".join(
        "%s %d (%d fix applied)" % (c, by_code[c], applied_by_code[c]) for c in sorted(by_code))
        or "none"))
    print("loadfix --fix:             %s" % (fix_summary[-1] if fix_summary else "(no summary)"))
    print("torch.load-like calls (simple AST check): %d" % sum(candidates.values()))
    for k in sorted(candidates):
        print("    %4d  %s" % (candidates[k], k))
    loaders = collections.Counter()
    for r in results:
        loaders.update(r["loaders"])
    agree = sum(n for k, n in loaders.items() if k.startswith("agree"))
    disagree = sum(n for k, n in loaders.items() if k.startswith("DISAGREE"))
    print("loader calls Python resolves (independent check, LF101-LF104): %d agreements, "
          "%d disagreements" % (agree, disagree))
    for k in sorted(loaders):
        print("    %4d  %s" % (loaders[k], k))
    suppressed = [x for r in results for x in r["suppressed"]]
    for x in suppressed:
        print("    suppressed: %s" % x)
    unmatched = [x for r in results for x in r["unmatched_findings"]]
    print("findings outside the simple check (aliases, star imports, ...): %d" % len(unmatched))
    for x in unmatched if opts.verbose else unmatched[:20]:
        print("    %s" % x)
    if len(unmatched) > 20 and not opts.verbose:
        print("    ... (-v lists all)")
    print("time: report %.1fs, fix %.1fs, ast checks %.1fs, total %.1fs" % (
        t_report, t_fix, t_ast, time.time() - t_start))
    if review:
        print("needs review (%d):" % len(review))
        for x in review:
            print("    " + x)
    all_failures = global_failures + failures
    if all_failures:
        print("FAILURES (%d):" % len(all_failures))
        for x in all_failures:
            print("    " + x)
    n_failed = sum(1 for r in parsed if r["failures"])
    print("%d passed, %d failed" % (len(parsed) - n_failed, n_failed + len(global_failures)))
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
