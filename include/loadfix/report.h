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
void lf_report_text(lf_buf *out, const char *display_path, const lf_source *src, const lf_diag *diag, bool fixable);

/*
 * One finding as a JSON object (no trailing comma or newline); see the
 * README for the schema.  `path` is the raw path: strings are built with
 * jansson, invalid UTF-8 is replaced by U+FFFD.
 */
void lf_report_json(lf_buf *out, const char *path, const lf_source *src, const lf_diag *diag,
                    const lf_check_options *options);

#endif

/* ---- machine formats ------------------------------------------------------ */

/*
 * One SARIF 2.1.0 `result` object (no trailing comma): rule id and index,
 * level, message, the region in lines/columns (columnKind
 * unicodeCodePoints) and bytes, and any fix as fixes[].artifactChanges[]
 * .replacements[] (an insertion is an empty deletedRegion).  `rule_index`
 * is the rule's index in lf_fixers.
 */
void lf_report_sarif_result(lf_buf *out, const char *path, const lf_source *src, const lf_diag *diag,
                            size_t rule_index);

/*
 * The SARIF document around `results` (comma-separated result objects):
 * tool.driver with version and every rule's metadata (help text, help URI,
 * CWE-502 tag, security-severity), originalUriBaseIds for the current
 * directory.  Appends to `out`.
 */
void lf_report_sarif_document(lf_buf *out, const char *results, size_t results_len);

/* A GitHub Actions workflow command annotating the finding:
 * ::error file=P,line=L,col=C,endLine=L,endColumn=C,title=T::message */
void lf_report_github(lf_buf *out, const char *path, const lf_source *src, const lf_diag *diag);

/* A relative URI reference for a path: every byte outside RFC 3986's
 * unreserved set and '/' is percent-encoded, so any file name (control
 * characters, invalid UTF-8) yields a valid URI.  Caller frees. */
char *lf_path_to_uri(const char *path);
