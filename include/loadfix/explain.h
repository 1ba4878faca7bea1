#ifndef LOADFIX_EXPLAIN_H
#define LOADFIX_EXPLAIN_H

#include "loadfix/buf.h"
#include "loadfix/rules.h"

/*
 * A rule's documentation (what it finds, why, an example, the fix and when
 * it is applied), rendered from its row in the rule table (src/rules.c) so
 * that `loadfix --explain`, the man page's RULES section (generated at build
 * time with `--explain ALL --explain-format scdoc`) and the SARIF help
 * markdown can never say different things.  Each appends to `out`.
 */

typedef enum lf_explain_format {
	LF_EXPLAIN_TEXT,  /* for a terminal: --explain CODE */
	LF_EXPLAIN_SCDOC, /* a man page section: doc/loadfix.1.scd's RULES */
} lf_explain_format;

void lf_explain(lf_buf *out, const lf_rule *rule, lf_explain_format format);

/* The SARIF rule's help.markdown: the help text, the example and its fix,
 * the applicability and a link to the CWE page at `cwe_uri`. */
void lf_explain_markdown(lf_buf *out, const lf_rule *rule, const char *cwe_uri);

#endif
