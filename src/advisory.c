/*
 * PyTorch's torch.load advisories and version facts: one table, read by
 * every question below.  The facts, as issue 11 states them:
 * CVE-2025-32434 (weights_only=True loads can still execute code; fixed in
 * 2.6.0), CVE-2026-24747 (memory-safety bugs in the weights-only
 * unpickler; fixed in 2.10.0); torch.load gained weights_only in 1.13
 * (earlier releases raise TypeError on the keyword); 2.6 made True the
 * default (before, an omitted weights_only means a full unpickle).  A new
 * advisory is one more row (and enum value); nothing else changes.
 */
#include "loadfix/advisory.h"

#include <string.h>

#include "loadfix/buf.h"

static const lf_advisory advisories[LF_ADVISORY_COUNT] = {
        {LF_ADVISORY_NO_WEIGHTS_ONLY, "no-weights-only", false, NULL, "1.13",
         "torch.load has no weights_only parameter before 1.13: passing it raises TypeError"},
        {LF_ADVISORY_DEFAULT_UNSAFE, "default-unsafe", false, NULL, "2.6",
         "weights_only defaults to False before 2.6: a call without it unpickles anything"},
        {LF_ADVISORY_CVE_2025_32434, "CVE-2025-32434", true, NULL, "2.6.0",
         "torch.load(weights_only=True) can be bypassed to execute code before 2.6.0"},
        {LF_ADVISORY_CVE_2026_24747, "CVE-2026-24747", true, NULL, "2.10.0",
         "the weights-only unpickler has memory-safety bugs before 2.10.0"},
};

const lf_advisory *lf_advisory_get(lf_advisory_id id)
{
	return id < LF_ADVISORY_COUNT ? &advisories[id] : NULL;
}

static lf_pep440_range range_of(const lf_advisory *a)
{
	lf_pep440_range r = {0};
	if (a->introduced)
		r.has_lower = lf_pep440_version_parse(a->introduced, strlen(a->introduced), &r.lower);
	if (a->fixed)
		r.has_upper = lf_pep440_version_parse(a->fixed, strlen(a->fixed), &r.upper);
	return r;
}

void lf_advisory_check_set(const lf_pep440_set *set, lf_advisory_verdict *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < LF_ADVISORY_COUNT; i++) {
		lf_pep440_range r = range_of(&advisories[i]);
		out->admission[i] = lf_pep440_set_admits(set, &r, &out->witness[i]);
	}
}

void lf_advisory_check_requirement(const lf_torchreq *req, lf_advisory_verdict *out)
{
	lf_pep440_set unpinned;
	lf_pep440_set_init(&unpinned);
	lf_advisory_check_set(req->parsed ? &req->set : &unpinned, out);
}

bool lf_advisory_check_version(const char *version, size_t len, lf_advisory_verdict *out)
{
	memset(out, 0, sizeof *out);
	lf_pep440_version v;
	if (!lf_pep440_version_parse(version, len, &v))
		return false;
	for (int i = 0; i < LF_ADVISORY_COUNT; i++) {
		lf_pep440_range r = range_of(&advisories[i]);
		bool in = (!r.has_lower || lf_pep440_version_compare(&v, &r.lower) >= 0) &&
		          (!r.has_upper || lf_pep440_version_compare(&v, &r.upper) < 0);
		out->admission[i] = in ? LF_PEP440_ADMITS_WITNESS : LF_PEP440_ADMITS_NONE;
		if (in)
			out->witness[i] = v;
	}
	return true;
}

/* Appends copies of src's clauses to dst (a conjunction). */
static void add_clauses(lf_pep440_set *dst, const lf_pep440_set *src)
{
	if (!src->count)
		return;
	dst->clauses = lf_xrealloc(dst->clauses, (dst->count + src->count) * sizeof *dst->clauses);
	for (size_t i = 0; i < src->count; i++) {
		dst->clauses[dst->count] = src->clauses[i];
		dst->clauses[dst->count].text = lf_xstrdup(src->clauses[i].text);
		dst->count++;
	}
}

void lf_advisory_check_listed(const lf_torchreq_list *list, size_t index, lf_advisory_verdict *out)
{
	const lf_torchreq *req = &list->items[index];
	lf_pep440_set set;
	lf_pep440_set_init(&set);
	if (req->parsed)
		add_clauses(&set, &req->set);
	for (size_t j = 0; j < list->count; j++)
		if (j != index && list->items[j].constraint && list->items[j].parsed)
			add_clauses(&set, &list->items[j].set);
	lf_advisory_check_set(&set, out);
	lf_pep440_set_finish(&set);
}

bool lf_advisory_check_project(const lf_torchreq_list *list, lf_advisory_verdict *out)
{
	memset(out, 0, sizeof *out);
	bool declared = false;
	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i].constraint)
			continue;
		declared = true;
		lf_advisory_verdict one;
		lf_advisory_check_listed(list, i, &one);
		for (int k = 0; k < LF_ADVISORY_COUNT; k++) {
			if (out->admission[k] == LF_PEP440_ADMITS_WITNESS || one.admission[k] == LF_PEP440_ADMITS_NONE)
				continue;
			if (out->admission[k] == LF_PEP440_ADMITS_NONE ||
			    one.admission[k] == LF_PEP440_ADMITS_WITNESS) {
				out->admission[k] = one.admission[k];
				out->witness[k] = one.witness[k];
			}
		}
	}
	if (!declared)
		for (int k = 0; k < LF_ADVISORY_COUNT; k++)
			out->admission[k] = LF_PEP440_ADMITS_MAYBE;
	return declared;
}

bool lf_advisory_admitted(const lf_advisory_verdict *verdict, lf_advisory_id id)
{
	return id < LF_ADVISORY_COUNT && verdict->admission[id] != LF_PEP440_ADMITS_NONE;
}

bool lf_advisory_any_vulnerability(const lf_advisory_verdict *verdict)
{
	for (int i = 0; i < LF_ADVISORY_COUNT; i++)
		if (advisories[i].vulnerability && verdict->admission[i] != LF_PEP440_ADMITS_NONE)
			return true;
	return false;
}

const char *const lf_torch_thresholds[LF_TORCH_THRESHOLD_COUNT] = {"1.13", "2.1", "2.6"};

void lf_torch_versions_from_list(const lf_torchreq_list *list, lf_torch_versions *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i].constraint)
			continue;
		out->known = true;
		lf_pep440_set set;
		lf_pep440_set_init(&set);
		if (list->items[i].parsed)
			add_clauses(&set, &list->items[i].set);
		for (size_t j = 0; j < list->count; j++)
			if (j != i && list->items[j].constraint && list->items[j].parsed)
				add_clauses(&set, &list->items[j].set);
		/* An unpinned torch (nothing narrows it) says nothing about old
		 * releases: pip resolves it to the newest, and a release before
		 * 1.13 (2022) installs on no supported Python.  Counting it as
		 * "admits < 1.13" would make LF001's fix unsafe in most projects,
		 * which list plain `torch`; it still admits < 2.1 and < 2.6 (so
		 * neither torch.hub's fix nor "already the default" is claimed),
		 * and LF008 still reports it. */
		bool unpinned = set.count == 0;
		for (int t = 0; t < LF_TORCH_THRESHOLD_COUNT; t++) {
			if (unpinned) {
				out->below[t] |= t != 0;
				continue;
			}
			lf_pep440_range r = {.has_upper = true};
			lf_pep440_version_parse(lf_torch_thresholds[t], strlen(lf_torch_thresholds[t]), &r.upper);
			out->below[t] |= lf_pep440_set_admits(&set, &r, NULL) != LF_PEP440_ADMITS_NONE;
		}
		lf_pep440_set_finish(&set);
	}
}

bool lf_torch_versions_from_version(const char *version, lf_torch_versions *out)
{
	memset(out, 0, sizeof *out);
	lf_pep440_version v;
	if (!lf_pep440_version_parse(version, strlen(version), &v))
		return false;
	out->known = true;
	for (int t = 0; t < LF_TORCH_THRESHOLD_COUNT; t++) {
		lf_pep440_version bound;
		lf_pep440_version_parse(lf_torch_thresholds[t], strlen(lf_torch_thresholds[t]), &bound);
		out->below[t] = lf_pep440_version_compare(&v, &bound) < 0;
	}
	return true;
}

bool lf_torch_versions_at_least(const lf_torch_versions *versions, const char *threshold)
{
	if (!versions || !versions->known || !threshold)
		return false;
	for (int t = 0; t < LF_TORCH_THRESHOLD_COUNT; t++)
		if (strcmp(lf_torch_thresholds[t], threshold) == 0)
			return !versions->below[t];
	return false;
}
