#ifndef LOADFIX_RULES_H
#define LOADFIX_RULES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Every rule's fixed metadata, in one table that the text, JSON, SARIF and
 * GitHub reports, suppression comments (the Bandit alias), --statistics,
 * --select/--ignore and the rule list all read (as ruff's registry does).
 * What a rule targets is the loader table's business (loadfix/targets.h);
 * how it checks a call is its fixer's (fixers/).
 */

typedef enum lf_level {
	LF_LEVEL_ERROR,   /* a load that can run code */
	LF_LEVEL_WARNING, /* a hint that a load elsewhere may be unchecked */
} lf_level;

typedef struct lf_rule {
	const char *code;              /* "LF001" */
	const char *name;              /* "torch-load-without-weights-only" */
	const char *summary;           /* one line */
	const char *help;              /* what it finds, why it matters, what to do */
	lf_level level;                /* SARIF level; GitHub ::error or ::warning */
	const char *security_severity; /* GitHub code scanning's 0.0-10.0 score */
	const char *cwe;               /* "CWE-502": the weakness, tagged in SARIF */
	const char *fix_title;         /* what its fix does, or NULL when it never fixes */
	const char *bandit;            /* Bandit's code for the same check (`# nosec B301`), or NULL */
	/* The documentation --explain, the man page and SARIF help share: */
	const char *example;       /* code it reports (lines end in a newline) */
	const char *example_fixed; /* the same after the fix, or NULL when it never fixes */
	const char *applicability; /* when its fix is applied: safe, unsafe (--unsafe-fixes), never */
} lf_rule;

/* Sorted by code (a unit test checks); lf_rule_find searches it. */
extern const lf_rule lf_rules[];
extern const size_t lf_rule_count;

/* The rule with this exact code, or NULL. */
const lf_rule *lf_rule_find(const char *code);
/* The page that documents the rule's weakness (MITRE's page of its CWE),
 * for SARIF's helpUri and the language server's codeDescription; owned. */
char *lf_rule_help_uri(const lf_rule *rule);
/* The rule's index in lf_rules. */
size_t lf_rule_index(const lf_rule *rule);

#endif
