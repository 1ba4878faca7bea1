#ifndef LOADFIX_REPORT_H
#define LOADFIX_REPORT_H

#include <stdbool.h>

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/diag.h"
#include "loadfix/source.h"

/*
 * Printing findings.  Every function appends to a buffer; the caller
 * decides where and when it goes (one buffer per file keeps parallel output
 * in order).
 */

/*
 * A file name made safe to print: control characters, backslashes and bytes
 * that are not valid UTF-8 are escaped (\n, \t, \\, \xHH), so a hostile name
 * can neither break a report line nor reach the terminal raw.  Caller frees.
 */
char *lf_display_path(const char *path);

/* `path:line:col: CODE [*] message` and a newline.  `fixable` adds [*]. */
void lf_report_text(lf_buf *out, const char *display_path, const lf_source *src, const lf_diag *diag,
                    bool fixable);

/*
 * One finding as a JSON object (no trailing comma or newline); see the
 * README for the schema.  `path` is the raw path: strings are built with
 * jansson, invalid UTF-8 is replaced by U+FFFD.
 */
void lf_report_json(lf_buf *out, const char *path, const lf_source *src, const lf_diag *diag,
                    const lf_check_options *options);

#endif
