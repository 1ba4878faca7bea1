/*
 * Rule documentation from the rule table; see loadfix/explain.h.
 */
#include "loadfix/explain.h"

#include <string.h>

/* Each line of `code` indented by `indent` (the text format's examples). */
static void indented(lf_buf *out, const char *code, const char *indent)
{
	for (const char *line = code; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len)
			lf_buf_printf(out, "%s%.*s\n", indent, (int)len, line);
		else
			lf_buf_putc(out, '\n');
		line += len + (end != NULL);
	}
}

/*
 * scdoc treats `*`, `_` and `\` as markup and a backquote at the start of
 * a line as a literal block: escape them with a backslash (scdoc(5)), so
 * `**kwargs` and `weights_only` print as written.
 */
static void scdoc_text(lf_buf *out, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '*' || *c == '_' || *c == '\\' || *c == '`')
			lf_buf_putc(out, '\\');
		lf_buf_putc(out, *c);
	}
}

static void explain_text(lf_buf *out, const lf_rule *rule)
{
	lf_buf_printf(out, "%s %s\n\n%s\n\n", rule->code, rule->name, rule->summary);
	lf_buf_printf(out, "What and why:\n  %s\n\n", rule->help);
	lf_buf_puts(out, "Example:\n");
	indented(out, rule->example, "    ");
	if (rule->example_fixed) {
		lf_buf_printf(out, "\nFix (%s):\n", rule->fix_title ? rule->fix_title : "fix");
		indented(out, rule->example_fixed, "    ");
	}
	lf_buf_printf(out, "\nApplicability: %s\n", rule->applicability);
}

/* A literal block in scdoc: ``` fences, taken verbatim. */
static void scdoc_code(lf_buf *out, const char *code)
{
	lf_buf_puts(out, "```\n");
	lf_buf_puts(out, code);
	lf_buf_puts(out, "```\n\n");
}

static void explain_scdoc(lf_buf *out, const lf_rule *rule)
{
	lf_buf_printf(out, "*%s* %s\n", rule->code, rule->name);
	/* scdoc indents a paragraph under a preceding line ending in tab */
	lf_buf_puts(out, "\t");
	scdoc_text(out, rule->summary);
	lf_buf_puts(out, ".\n\n\t");
	scdoc_text(out, rule->help);
	lf_buf_puts(out, "\n\n\tExample:\n\n");
	scdoc_code(out, rule->example);
	if (rule->example_fixed) {
		lf_buf_puts(out, "\tFixed (");
		scdoc_text(out, rule->fix_title ? rule->fix_title : "fix");
		lf_buf_puts(out, "):\n\n");
		scdoc_code(out, rule->example_fixed);
	}
	lf_buf_puts(out, "\tApplicability: ");
	scdoc_text(out, rule->applicability);
	lf_buf_puts(out, "\n\n");
}

void lf_explain(lf_buf *out, const lf_rule *rule, lf_explain_format format)
{
	if (format == LF_EXPLAIN_SCDOC)
		explain_scdoc(out, rule);
	else
		explain_text(out, rule);
}

void lf_explain_markdown(lf_buf *out, const lf_rule *rule, const char *cwe_uri)
{
	lf_buf_printf(out, "%s\n\nExample:\n\n```\n%s```\n\n", rule->help, rule->example);
	if (rule->example_fixed)
		lf_buf_printf(out, "Fix (%s):\n\n```\n%s```\n\n", rule->fix_title ? rule->fix_title : "fix",
		              rule->example_fixed);
	lf_buf_printf(out, "Applicability: %s\n\nSee [%s](%s).", rule->applicability, rule->cwe, cwe_uri);
}
