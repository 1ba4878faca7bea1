#ifndef LOADFIX_ADVISORY_H
#define LOADFIX_ADVISORY_H

#include <stdbool.h>
#include <stddef.h>

#include "loadfix/pep440.h"
#include "loadfix/torchreq.h"

/*
 * What PyTorch versions mean for torch.load, as one table (advisory.c):
 * the CVEs that make weights_only=True unsafe (LF008 reports a requirement
 * that admits one) and the version facts LF001 needs for its messages and
 * fix safety.  Each entry covers the versions introduced <= v < fixed in
 * PEP 440 order, so "before 2.6.0" includes 2.6.0rc1 and the 2.6.0
 * nightlies: erring towards a report.
 */

typedef enum lf_advisory_id {
	LF_ADVISORY_NO_WEIGHTS_ONLY, /* < 1.13: no weights_only (the fix raises TypeError) */
	LF_ADVISORY_DEFAULT_UNSAFE,  /* < 2.6: weights_only defaults to False */
	LF_ADVISORY_CVE_2025_32434,  /* < 2.6.0: weights_only=True is bypassable */
	LF_ADVISORY_CVE_2026_24747,  /* < 2.10.0: weights-only unpickler memory-safety bugs */
	LF_ADVISORY_COUNT
} lf_advisory_id;

typedef struct lf_advisory {
	lf_advisory_id id;
	const char *name;       /* "CVE-2025-32434", or a fact's name ("no-weights-only") */
	bool vulnerability;     /* a CVE: LF008; otherwise a fact for LF001 */
	const char *introduced; /* first affected version; NULL: every earlier release */
	const char *fixed;      /* first version without it */
	const char *summary;    /* what it means, for messages and --explain */
} lf_advisory;

/* The table entry (static, never freed). */
const lf_advisory *lf_advisory_get(lf_advisory_id id);

/* Per advisory: does the requirement (or target version) admit an
 * affected version, and which (a plain value, no heap). */
typedef struct lf_advisory_verdict {
	lf_pep440_admission admission[LF_ADVISORY_COUNT];
	lf_pep440_version witness[LF_ADVISORY_COUNT]; /* for LF_PEP440_ADMITS_WITNESS */
} lf_advisory_verdict;

/* A specifier set: an empty set (unpinned torch) admits everything. */
void lf_advisory_check_set(const lf_pep440_set *set, lf_advisory_verdict *out);
/* One discovered requirement; one whose specifier could not be read
 * (parsed == false) is treated as unpinned. */
void lf_advisory_check_requirement(const lf_torchreq *req, lf_advisory_verdict *out);
/*
 * Exactly one version: the `[tool.loadfix] target-torch-version` override
 * (the config key is wired elsewhere; this is its meaning).  False when
 * `version` is not PEP 440.  An affected version is its own witness.
 */
bool lf_advisory_check_version(const char *version, size_t len, lf_advisory_verdict *out);
/*
 * Requirement `index` of a discovered list, narrowed by every constraint
 * entry of the list (-c files): what LF008 reports on that line.  For a
 * constraint entry itself this is the constraint narrowed by the others.
 */
void lf_advisory_check_listed(const lf_torchreq_list *list, size_t index, lf_advisory_verdict *out);
/*
 * The whole project: each requirement of `list` that is not a constraint,
 * narrowed by every constraint entry (a conjunction), merged: an advisory
 * is admitted when some requirement admits it.  Returns false, with
 * everything admitted (MAYBE), when the project declares no torch
 * requirement: nothing is known then.
 */
bool lf_advisory_check_project(const lf_torchreq_list *list, lf_advisory_verdict *out);

/* The verdict admits the advisory (WITNESS or MAYBE). */
bool lf_advisory_admitted(const lf_advisory_verdict *verdict, lf_advisory_id id);
/* LF008's question: does it admit any vulnerability in the table? */
bool lf_advisory_any_vulnerability(const lf_advisory_verdict *verdict);

/*
 * The version facts LF001 needs, computed once per run (a plain value that
 * lf_check_options carries to the fixers): for each threshold release,
 * whether the project admits a version below it.  A threshold is one of
 * lf_torch_thresholds; `known` is false when neither a requirement nor a
 * target-torch-version says anything, and then nothing is assumed (the
 * fixers behave as without version facts).
 */
#define LF_TORCH_THRESHOLD_COUNT 3
/* "1.13" (weights_only), "2.1" (torch.hub's weights_only), "2.6" (default True) */
extern const char *const lf_torch_thresholds[LF_TORCH_THRESHOLD_COUNT];

typedef struct lf_torch_versions {
	bool known;
	bool below[LF_TORCH_THRESHOLD_COUNT]; /* some admitted version is < threshold i (or maybe is) */
} lf_torch_versions;

/* From the discovered requirements: each non-constraint requirement
 * narrowed by the constraints, any of them admitting counts. */
void lf_torch_versions_from_list(const lf_torchreq_list *list, lf_torch_versions *out);
/* From one version (target-torch-version); false when it is not PEP 440. */
bool lf_torch_versions_from_version(const char *version, lf_torch_versions *out);
/* Known, and every admitted version is >= `threshold` (one of
 * lf_torch_thresholds; any other string gives false). */
bool lf_torch_versions_at_least(const lf_torch_versions *versions, const char *threshold);

#endif
