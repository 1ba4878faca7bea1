#!/usr/bin/env bash
# Walking the tree the way git sees it (.gitignore, .git/info/exclude, the
# global excludes file, --no-ignore, --exclude) and pull-request mode
# (--since REV).
source "$(dirname "$0")/lib.sh"
export GIT_CONFIG_NOSYSTEM=1 HOME=$WORK/home GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
mkdir -p "$HOME"
unsafe='import torch\nstate = torch.load("a.pt")\n'

mkdir repo && cd repo && git init -q .
mkdir -p src gen notes/deep data
for f in src/a.py src/b.py gen/g.py notes/deep/n.py data/d.py top.py local.py; do printf "$unsafe" >"$f"; done
printf 'gen/\n*.tmp.py\n' >.gitignore
printf 'notes/\n' >.git/info/exclude
printf 'local.py\n' >"$HOME/global-ignore"
git config --global core.excludesFile "$HOME/global-ignore"
printf "$unsafe" >x.tmp.py

expect_status "walk honours git's ignore rules" 1 "$LOADFIX" .
files=$(printf '%s\n' "$OUT" | grep LF001 | cut -d: -f1 | tr '\n' ' ')
expect ".gitignore, info/exclude and the global excludes file (got: $files)" \
  test "$files" = "data/d.py src/a.py src/b.py top.py "
expect_status "--no-ignore" 1 "$LOADFIX" --no-ignore .
expect "--no-ignore checks ignored files" eval 'contains "$OUT" gen/g.py && contains "$OUT" notes/deep/n.py && contains "$OUT" local.py && contains "$OUT" x.tmp.py'
expect_status "an ignored file named explicitly is checked" 1 "$LOADFIX" gen/g.py
expect_status "from a subdirectory" 1 sh -c "cd src && \"$LOADFIX\" ."
expect_status "--exclude replaces the defaults" 1 "$LOADFIX" --exclude data .
expect "--exclude data" eval '! contains "$OUT" data/d.py'
expect_status "--extend-exclude glob on a path" 1 "$LOADFIX" --extend-exclude 'src/b*' .
expect "--extend-exclude src/b*" eval '! contains "$OUT" src/b.py && contains "$OUT" src/a.py'

# --since: only what changed since a revision, in git's view.
git add -A && git commit -qm base
printf 'import torch\nstate = torch.load("b.pt")\n' >src/b.py   # modified
printf "$unsafe" >src/new.py                                    # untracked, new
git rm -q data/d.py                                             # deleted
git mv top.py moved.py                                          # renamed
printf "$unsafe" >gen/ignored_new.py                             # ignored: never
expect_status "--since HEAD" 1 "$LOADFIX" --since HEAD
files=$(printf '%s\n' "$OUT" | grep LF001 | cut -d: -f1 | tr '\n' ' ')
expect "--since lists modified, new and renamed files only (got: $files)" \
  test "$files" = "moved.py src/b.py src/new.py "
expect_status "--since HEAD limited to a path" 1 "$LOADFIX" --since HEAD src
files=$(printf '%s\n' "$OUT" | grep LF001 | cut -d: -f1 | tr '\n' ' ')
expect "--since with a path (got: $files)" test "$files" = "src/b.py src/new.py "
expect_status "--since from a subdirectory" 1 sh -c "cd src && \"$LOADFIX\" --since HEAD"
expect "paths relative to the current directory" contains "$OUT" "b.py:2:9: LF001"
git add -A && git commit -qm change
expect_status "--since HEAD with nothing changed" 0 "$LOADFIX" --since HEAD
expect_status "--since a bad revision" 2 "$LOADFIX" --since no-such-rev
expect "bad revision message" contains "$ERR" "loadfix: --since no-such-rev"
cd "$WORK"
expect_status "--since outside a repository" 2 "$LOADFIX" --since HEAD
expect "outside a repository message" contains "$ERR" "loadfix: --since HEAD: not in a git repository"

# build/ and dist/ are skipped by name only where git does not say they are
# source: a tracked directory of that name is walked (mmengine/dist/),
# an untracked one is not, and .gitignore still decides about build output.
cd "$WORK" && mkdir names && cd names && git init -q .
mkdir -p pkg/dist build dist/out
for f in pkg/dist/helpers.py build/gen.py dist/out/o.py; do printf "$unsafe" >"$f"; done
git add pkg
expect_status "tracked dist/ is walked" 1 "$LOADFIX" .
files=$(printf '%s\n' "$OUT" | grep LF001 | cut -d: -f1 | tr '\n' ' ')
expect "only the tracked pkg/dist/ (got: $files)" test "$files" = "pkg/dist/helpers.py "
git add -f build && printf 'build/\n' >.gitignore
expect_status "tracked but ignored build/ stays ignored" 1 "$LOADFIX" .
files=$(printf '%s\n' "$OUT" | grep LF001 | cut -d: -f1 | tr '\n' ' ')
expect ".gitignore decides (got: $files)" test "$files" = "pkg/dist/helpers.py "
rm .gitignore
expect_status "tracked build/ is walked" 1 "$LOADFIX" .
files=$(printf '%s\n' "$OUT" | grep LF001 | cut -d: -f1 | tr '\n' ' ')
expect "tracked build/ and pkg/dist/ (got: $files)" test "$files" = "build/gen.py pkg/dist/helpers.py "
cp -r pkg "$WORK/nogit-pkg"
cd "$WORK"
expect_status "outside git, dist/ is skipped by name" 0 "$LOADFIX" nogit-pkg
cd "$WORK/names"

finish
