#ifndef LOADFIX_STAR_SUMMARY_H
#define LOADFIX_STAR_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/buf.h"

/*
 * What `from module import *` binds depends only on the module's
 * module-level bindings (loadfix/project.h), and most of a module is the
 * bodies of its functions and classes, which bind nothing there.  This
 * writes to `out` a smaller module that binds the same module-level names
 * to the same values, so that the project index parses that instead of the
 * whole file:
 *
 *  - a top-level `def`/`class` (decorators included) becomes `def NAME():
 *    pass` / `class NAME: pass`, which binds NAME as the original does,
 *    unless its text holds `global` (a body may bind a module name) or
 *    `:=` (a default or a decorator may);
 *  - every other top-level statement (imports, assignments, `if`/`try`
 *    blocks with whatever they hold) is copied as it is.
 *
 * Top-level statements are found by the one statement splitter,
 * loadfix/segment.h, which partial parsing uses too.  Returns false, with
 * `out` left empty, whenever it is unsure (an unterminated string or
 * bracket, a first line that is indented, a lone carriage return, a form
 * feed in a line's indentation, a non-ASCII identifier ...): the caller
 * then parses the whole module.  The caller
 * also parses the whole module when the summary does not parse cleanly.
 * `out` is initialised by the caller and owned by it.
 */
bool lf_star_summary(const uint8_t *bytes, size_t len, lf_buf *out);

#endif
