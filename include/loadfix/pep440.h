#ifndef LOADFIX_PEP440_H
#define LOADFIX_PEP440_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * PEP 440 versions and version specifiers, evaluated as Python's
 * `packaging` (what pip vendors) evaluates them, and the question LF008
 * asks of a requirement: does its specifier set admit any version in a
 * range?  Pure computation: no I/O, no globals.
 *
 * Limits (a version beyond them fails to parse; real requirements are far
 * inside): at most LF_PEP440_MAX_RELEASE release components, numbers that
 * fit in uint64_t, a local label of at most LF_PEP440_MAX_LOCAL bytes,
 * at most LF_PEP440_MAX_CLAUSES clauses in a set (more fail to parse),
 * ASCII only (packaging's regexes also accept a few Unicode case folds and
 * spaces; nobody writes those).
 */

#define LF_PEP440_MAX_RELEASE 16
#define LF_PEP440_MAX_LOCAL 63
/* Clauses in one set: intervals grow by one per clause and each costs a
 * pass, so hostile sets are refused (real ones have a handful). */
#define LF_PEP440_MAX_CLAUSES 64

typedef enum lf_pep440_label {
	LF_PEP440_LABEL_NONE, /* not a pre-release */
	LF_PEP440_LABEL_A,    /* a, alpha */
	LF_PEP440_LABEL_B,    /* b, beta */
	LF_PEP440_LABEL_RC,   /* rc, c, pre, preview */
} lf_pep440_label;

/* A parsed version, normalised; a plain value (no heap memory), copy freely. */
typedef struct lf_pep440_version {
	uint64_t epoch;
	uint64_t release[LF_PEP440_MAX_RELEASE];
	unsigned release_count; /* >= 1; trailing zeros kept (they matter to wildcards) */
	lf_pep440_label pre_label;
	uint64_t pre;
	bool has_post, has_dev;
	uint64_t post, dev;
	char local[LF_PEP440_MAX_LOCAL + 1]; /* normalised ("ubuntu.1"), "" when none */
} lf_pep440_version;

/* Parses `len` bytes (surrounding whitespace allowed, as packaging allows). */
bool lf_pep440_version_parse(const char *text, size_t len, lf_pep440_version *out);
/* <0, 0, >0 in PEP 440 order (1.0 == 1.0.0; 1.0.dev0 < 1.0a0 < 1.0 < 1.0+local < 1.0.post0). */
int lf_pep440_version_compare(const lf_pep440_version *a, const lf_pep440_version *b);
/* packaging's is_prerelease: a pre-release or a dev release. */
bool lf_pep440_version_is_prerelease(const lf_pep440_version *v);
/* The normalised form (str(Version(...))) into out[size], snprintf-like:
 * returns the length it needs. */
size_t lf_pep440_version_format(const lf_pep440_version *v, char *out, size_t size);

typedef enum lf_pep440_op {
	LF_PEP440_OP_COMPATIBLE,    /* ~= */
	LF_PEP440_OP_EQUAL,         /* == (also ==X.*) */
	LF_PEP440_OP_NOT_EQUAL,     /* != (also !=X.*) */
	LF_PEP440_OP_LESS_EQUAL,    /* <= */
	LF_PEP440_OP_GREATER_EQUAL, /* >= */
	LF_PEP440_OP_LESS,          /* < */
	LF_PEP440_OP_GREATER,       /* > */
	LF_PEP440_OP_ARBITRARY,     /* === */
} lf_pep440_op;

typedef struct lf_pep440_clause {
	lf_pep440_op op;
	bool wildcard;                          /* ==X.* / !=X.* */
	bool version_valid;                     /* false only for === with a non-version string */
	lf_pep440_version version;              /* the operand; for wildcards its release is the prefix */
	uint64_t prefix[LF_PEP440_MAX_RELEASE]; /* ~= and wildcards: the release prefix to match */
	unsigned prefix_count;
	char *text; /* owned: the operand as written (=== compares it as text) */
} lf_pep440_clause;

/* A comma-separated specifier set.  init/finish: the caller owns the
 * struct, the set owns its clauses. */
typedef struct lf_pep440_set {
	lf_pep440_clause *clauses; /* owned */
	size_t count;
} lf_pep440_set;

void lf_pep440_set_init(lf_pep440_set *set);
void lf_pep440_set_finish(lf_pep440_set *set);

/*
 * Parses a specifier set (">=2.0, <3", "==2.6.*", "" for none).  On failure
 * returns false, leaves *set empty and sets *error (caller frees) when
 * error is not NULL.
 */
bool lf_pep440_set_parse(const char *text, size_t len, lf_pep440_set *set, char **error);

/* packaging's SpecifierSet.prereleases: whether the set itself opts in to
 * pre-releases (one of ==, >=, <=, ~=, === names a pre-release). */
bool lf_pep440_set_prereleases(const lf_pep440_set *set);

typedef enum lf_pep440_prereleases {
	LF_PEP440_PRERELEASES_AUTO,  /* contains(v): as the set decides */
	LF_PEP440_PRERELEASES_ALLOW, /* contains(v, prereleases=True) */
	LF_PEP440_PRERELEASES_DENY,  /* contains(v, prereleases=False) */
} lf_pep440_prereleases;

/* SpecifierSet(s).contains(v, prereleases=...). */
bool lf_pep440_set_contains(const lf_pep440_set *set, const lf_pep440_version *v, lf_pep440_prereleases prereleases);

/* The versions v with lower <= v < upper in PEP 440 order; a missing bound
 * is unbounded.  "Any version before 2.6.0" is {.has_upper, .upper = 2.6.0}
 * and includes 2.6.0rc1 and 2.6.0.dev20241112 (nightlies before the fix). */
typedef struct lf_pep440_range {
	bool has_lower, has_upper;
	lf_pep440_version lower, upper;
} lf_pep440_range;

typedef enum lf_pep440_admission {
	LF_PEP440_ADMITS_NONE,    /* proved: contains(v) is false for every v in the range */
	LF_PEP440_ADMITS_WITNESS, /* *witness is in the range and contained */
	LF_PEP440_ADMITS_MAYBE,   /* no proof either way: treat as admitted */
} lf_pep440_admission;

/*
 * Does the set admit (contains(v), prereleases AUTO, which is what pip
 * installs from an index holding every version) any version in `range`?
 * See pep440.c for the method; NONE is a proof, never a guess.  `witness`
 * may be NULL; it is written only for ADMITS_WITNESS.
 */
lf_pep440_admission lf_pep440_set_admits(const lf_pep440_set *set, const lf_pep440_range *range,
                                         lf_pep440_version *witness);

#endif
