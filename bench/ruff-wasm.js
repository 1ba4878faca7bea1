#!/usr/bin/env node
// bench/run's peer "a linter that parses everything": ruff's WebAssembly
// build (npm @astral-sh/ruff-wasm-nodejs, installed by bench/run into
// bench/.tools) over the same *.py files, with the rules closest to
// loadfix's: S301 (pickle and friends: pickle, dill, shelve, jsonpickle,
// pandas.read_pickle) and S506 (unsafe yaml.load).  ruff parses and lints
// every file; WebAssembly runs slower than native ruff (and here on one
// thread), so this row is a floor for what ruff itself would cost, not its
// speed.
//
//   node bench/ruff-wasm.js DIR...    prints PATH:LINE:COL: CODE message
//
// Walks like bench/run's corpus builder: hidden directories, symlinks and
// the directories loadfix skips are left out.  Exit 0, or 2 on a setup
// error (module missing).
'use strict';
const fs = require('fs');
const path = require('path');

const SKIPPED = new Set(['__pycache__', 'venv', 'node_modules', 'site-packages', 'build', 'dist']);
let ruff;
try {
  ruff = require(process.env.RUFF_WASM ||
                 path.join(__dirname, '.tools', 'node_modules', '@astral-sh', 'ruff-wasm-nodejs'));
} catch (e) {
  process.stderr.write(`ruff-wasm: cannot load @astral-sh/ruff-wasm-nodejs: ${e.message}\n`);
  process.exit(2);
}
if (process.argv[2] === '--version') {
  process.stdout.write(`ruff-wasm ${ruff.Workspace.version()}\n`);
  process.exit(0);
}
const workspace = new ruff.Workspace({lint: {select: ['S301', 'S506']}}, ruff.PositionEncoding.Utf32);
const out = [];
let files = 0, failed = 0;

function check(file) {
  files++;
  const text = fs.readFileSync(file, 'utf8');
  let diagnostics;
  try {
    diagnostics = workspace.check(text);
  } catch (e) {
    failed++;
    return;
  }
  for (const d of diagnostics)
    if (d.code) // syntax errors have none
      out.push(`${file}:${d.start_location.row}:${d.start_location.column}: ${d.code} ${d.message}\n`);
  if (out.length > 1000)
    process.stdout.write(out.splice(0).join(''));
}

function walk(dir) {
  const entries = fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isSymbolicLink())
      continue;
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && !SKIPPED.has(e.name) && !fs.existsSync(path.join(full, 'pyvenv.cfg')))
        walk(full);
    } else if (e.isFile() && e.name.endsWith('.py')) {
      check(full);
    }
  }
}

for (const root of process.argv.slice(2))
  walk(root);
process.stdout.write(out.join(''));
process.stderr.write(`ruff-wasm: ${files} files checked, ${failed} failed\n`);
