#ifndef LOADFIX_PRINTER_H
#define LOADFIX_PRINTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/cli.h"
#include "loadfix/doc.h"
#include "loadfix/report.h"

/*
 * Printing: a file's findings in the chosen format, the counts of the run,
 * and the summary, statistics and machine-format document at its end.
 * Each file prints into its own buffers (workers run in parallel); the
 * run adds them up and writes them in path order.  The formats themselves
 * (one line, one object) are loadfix/report.h's.
 */

/* What one file printed and counted (owned buffers; finish after use). */
typedef struct lf_file_report {
	lf_buf out;        /* for stdout */
	lf_buf err;        /* for stderr */
	lf_buf reports;    /* machine-format objects, comma-separated */
	uint32_t objects;  /* machine-format objects in `reports` */
	uint32_t findings; /* left after fixing */
	uint32_t fixable;  /* of those, fixable with the current options */
	uint32_t hidden;   /* of those, fixable only with --unsafe-fixes */
	uint32_t fixed;    /* fixed (or, under --diff, that would be) */
	uint32_t per_rule[LF_MAX_RULES];
	uint32_t per_rule_fixable[LF_MAX_RULES];
	bool checked;                             /* read and run through the pipeline */
	bool parsed;                              /* ... and parsed (the prefilter did not rule it out) */
	uint32_t parsed_bytes, parsed_file_bytes; /* when parsed: bytes given to the parser (partial) of the file's */
	uint32_t whole_reparses;                  /* lf_doc's: parsed whole again after a partial parse */
	bool changed;
	bool error;
} lf_file_report;

void lf_file_report_finish(lf_file_report *report);

/* The whole run's counts, and the machine-format objects in path order. */
typedef struct lf_run_totals {
	uint64_t findings, fixable, hidden, fixed, changed_files, checked, parsed;
	uint64_t per_rule[LF_MAX_RULES], per_rule_fixable[LF_MAX_RULES];
	lf_buf reports;
	uint64_t objects;
	uint64_t modules_parsed;                  /* parsed only for their exports (loadfix/project.h) */
	uint64_t save_files_parsed;               /* parsed only for their torch.save calls (loadfix/save_index.h) */
	uint64_t parsed_bytes, parsed_file_bytes; /* the files parsed: bytes selected, bytes in all */
	uint64_t whole_reparses;                  /* files parsed whole again after a partial parse */
	bool error;                               /* a file could not be checked, fixed or written */
	bool output_failed;                       /* standard output could not be written */
} lf_run_totals;

void lf_run_totals_init(lf_run_totals *totals);
void lf_run_totals_finish(lf_run_totals *totals);

/*
 * Counts the document's findings into `report` and prints them in the
 * settings' format: text and GitHub lines into `out` (into `err` when the
 * source itself goes to stdout, `--fix -`), JSON and SARIF objects into
 * `reports`.  `name` is the path as given, `display` its escaped form.
 * `map` (NULL for a plain file) says where positions are shown (a
 * notebook's cells; loadfix/report.h).
 */
void lf_print_findings(const lf_settings *settings, const lf_check_options *options, const lf_doc *doc,
                       const char *name, const char *display, const lf_report_map *map, bool source_on_stdout,
                       lf_file_report *report);

/* Writes one file's buffers to the streams and adds its counts. */
void lf_totals_add(lf_run_totals *totals, const lf_file_report *report, FILE *out, FILE *err);

/* The end of the run: statistics and the summary line (text format) ... */
void lf_print_summary(const lf_settings *settings, const lf_run_totals *totals, bool stdin_fix);
/* ... and the JSON array or SARIF document (machine formats). */
void lf_print_document(const lf_settings *settings, const lf_run_totals *totals, FILE *out);

#endif
