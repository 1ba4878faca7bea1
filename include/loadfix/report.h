#ifndef LOADFIX_REPORT_H
#define LOADFIX_REPORT_H

#include <stdbool.h>
#include <stdint.h>

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

/*
 * Where a finding is shown when that is not where it is in the checked
 * source.  A notebook's code cells are checked as one combined source
 * (loadfix/notebook.h); its findings are shown as `cell N:line:col` and
 * located in the .ipynb file for SARIF and GitHub.  Every printer takes an
 * optional map (NULL: positions are the source's own), so the formats stay
 * here and know nothing of notebooks.
 */
typedef struct lf_report_position {
	uint32_t cell;         /* 1-based cell; 0 when the file has none */
	uint32_t line, column; /* 1-based, inside the cell (text, JSON) */
	uint32_t file_offset;  /* byte offset in the file itself (SARIF, JSON "offset") */
	uint32_t file_line;    /* 1-based line of the file itself (SARIF, GitHub) */
	uint32_t file_column;  /* 1-based column there, in characters */
} lf_report_position;

typedef struct lf_report_map {
	/* Maps an offset of the checked source; false: show it unmapped. */
	bool (*locate)(const void *context, uint32_t offset, lf_report_position *pos);
	const void *context;
	/* The file's own text (SARIF snippets and context lines), borrowed. */
	const lf_source *file;
} lf_report_map;

/* `path:line:col: CODE [*] message` and a newline (`path:cell N:line:col`
 * with a map that gives cells).  `fixable` adds [*]; `color` styles the
 * path, separators, code and [*] with ANSI escapes (loadfix/color.h). */
void lf_report_text(lf_buf *out, const char *display_path, const lf_source *src, const lf_report_map *map,
                    const lf_diag *diag, bool fixable, bool color);

/*
 * One finding as a JSON object (no trailing comma or newline); see the
 * README for the schema.  `path` is the raw path: strings are built with
 * jansson, invalid UTF-8 is replaced by U+FFFD.  With a map that gives
 * cells, the object has "cell": N, lines and columns are inside the cell
 * and offsets are the file's own.
 */
void lf_report_json(lf_buf *out, const char *path, const lf_source *src, const lf_report_map *map, const lf_diag *diag,
                    const lf_check_options *options);

#endif

/* ---- machine formats ------------------------------------------------------ */

/*
 * One SARIF 2.1.0 `result` object (no trailing comma): rule id and index,
 * level, message, the region in lines/columns (columnKind
 * unicodeCodePoints) and bytes, and any fix as fixes[].artifactChanges[]
 * .replacements[] (an insertion is an empty deletedRegion).  `rule_index`
 * is the rule's index in lf_fixers.  With a map, the region is the file's
 * own (map->file), the cell goes in properties.cell, and there are no
 * fixes (their edits are in the checked source's coordinates, not the
 * file's).
 */
void lf_report_sarif_result(lf_buf *out, const char *path, const lf_source *src, const lf_report_map *map,
                            const lf_diag *diag, size_t rule_index, uint32_t occurrence);

/*
 * SARIF partialFingerprints, so code scanning tracks an alert across
 * commits without line numbers: under the key LF_SARIF_FINGERPRINT_KEY,
 * 16 lowercase hex digits of FNV-1a 64 over
 *   rule code, NUL, the file's URI (lf_path_to_uri), NUL,
 *   the finding's source text with every whitespace byte removed, NUL,
 *   `occurrence` in decimal
 * where `occurrence` counts the earlier findings in the same file with the
 * same rule and the same normalised text (0 for the first), so two
 * identical calls differ and inserting lines above changes nothing.
 * lf_report_text_hash is the normalised text's hash alone (to count
 * occurrences).  `out` gets 16 digits and a NUL.
 */
#define LF_SARIF_FINGERPRINT_KEY "loadfix/v1"
void lf_report_fingerprint(char out[17], const char *path, const lf_source *src, const lf_diag *diag,
                           uint32_t occurrence);
uint64_t lf_report_text_hash(const lf_source *src, const lf_diag *diag);

/* GitHub code scanning rejects a run of more than 25,000 results; loadfix
 * writes the first LF_SARIF_MAX_RESULTS (in path order) and warns. */
#define LF_SARIF_MAX_RESULTS 25000
/* A region's snippet, and the context region, are written only up to this
 * many bytes (README, "GitHub code scanning"). */
#define LF_SARIF_MAX_SNIPPET 4096
/* GitHub's limit on an upload, gzip-compressed; loadfix warns past it. */
#define LF_SARIF_MAX_UPLOAD 10000000

/*
 * The SARIF document around `results` (comma-separated result objects):
 * tool.driver with version and every rule's metadata (help text, help URI,
 * CWE-502 tag, security-severity), originalUriBaseIds for the current
 * directory, and automationDetails.id `category/` (the code scanning
 * category; a trailing '/' is not doubled).  Appends to `out`.
 */
void lf_report_sarif_document(lf_buf *out, const char *results, size_t results_len, const char *category);

/* A GitHub Actions workflow command annotating the finding:
 * ::error file=P,line=L,col=C,endLine=L,endColumn=C,title=T::message
 * (lines and columns of the file itself, with a map). */
void lf_report_github(lf_buf *out, const char *path, const lf_source *src, const lf_report_map *map,
                      const lf_diag *diag);

/* A relative URI reference for a path: every byte outside RFC 3986's
 * unreserved set and '/' is percent-encoded, so any file name (control
 * characters, invalid UTF-8) yields a valid URI.  Caller frees. */
char *lf_path_to_uri(const char *path);
