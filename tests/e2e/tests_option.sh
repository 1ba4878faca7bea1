#!/usr/bin/env bash
# -Dtests (meson_options.txt) on a machine without cmocka, as the README's
# first command meets it on a brand-new machine (scripts/bootstrap installs
# no cmocka): `auto` configures loadfix alone and says the tests are off;
# `enabled` stops with cmocka's name. cmocka is hidden from this machine by
# a pkg-config directory holding every .pc file but cmocka's and a `cmake`
# that finds nothing (meson's two ways to look for it). Configure only:
# scripts/fresh-machine builds and runs it for real. Args: MESON.
. "$(dirname "$0")/lib.sh"
: "${SOURCE_ROOT:?}"
meson=$1

mkdir pc bin
for dir in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
  [ -d "$dir" ] || continue
  for pc in "$dir"/*.pc; do
    name=$(basename "$pc")
    [ "$name" = cmocka.pc ] || [ -e "pc/$name" ] || ln -s "$pc" "pc/$name"
  done
done
printf '#!/bin/sh\nexit 1\n' >bin/cmake && chmod +x bin/cmake
without_cmocka() { env PATH="$WORK/bin:$PATH" PKG_CONFIG_LIBDIR="$WORK/pc" PKG_CONFIG_PATH= "$@"; }
expect "the pkg-config directory has the build's dependencies" test -e pc/tree-sitter.pc -a -e pc/jansson.pc
expect "cmocka is hidden" eval '! without_cmocka pkg-config --exists cmocka'

expect_status "-Dtests=auto without cmocka configures" 0 without_cmocka "$meson" setup "$WORK/auto" "$SOURCE_ROOT"
expect "auto says the tests are off and why" contains "$OUT" "Tests are off: cmocka"
expect "auto names the command that turns them on" contains "$OUT" "scripts/bootstrap --tests"
expect "the summary says tests: NO" eval 'printf "%s\n" "$OUT" | grep -Eq "^ *tests *: NO"'
expect_status "introspect the auto build" 0 "$meson" introspect --tests "$WORK/auto"
expect "auto configures no test" test "$(printf '%s' "$OUT" | tr -d ' \n')" = "[]"
expect_status "introspect the auto build's targets" 0 "$meson" introspect --targets "$WORK/auto"
expect "auto still builds loadfix" eval 'printf "%s" "$OUT" | /usr/bin/python3 -c "
import json, sys
assert any(t[\"name\"] == \"loadfix\" and t[\"type\"] == \"executable\" for t in json.load(sys.stdin))"'

expect_status "-Dtests=enabled without cmocka fails" 1 without_cmocka "$meson" setup "$WORK/enabled" "$SOURCE_ROOT" -Dtests=enabled
expect "enabled names cmocka" contains "$OUT$ERR" 'Dependency "cmocka" not found'

finish
