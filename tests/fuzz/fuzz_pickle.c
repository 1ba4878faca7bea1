/*
 * The pickle walker (lf_pickle_walk, src/inspect/pickle.c) and the verdict
 * (lf_verdict_compute) on arbitrary bytes, passed as an exact-size buffer.
 * The input is walked as a sequence of pickles (as the legacy format is)
 * until a walk fails or the bytes end.
 *  K1 no crash, leak or read past `size` (ASan); the walk terminates within
 *     the opcode bound (libFuzzer's -timeout) and bounded memory
 *     (-rss_limit_mb); success sets *end in (start, size] and no error,
 *     failure sets an error and leaves *end alone;
 *  K2 every global is recorded once (lf_pickle_result_find returns it),
 *     with count >= 1 and calls >= newobj; no more references than opcodes;
 *  K3 walking again gives the same globals, counts and opcode counts;
 *  K4 under every allow-list: unsafe and dangerous globals are globals of
 *     the pickle, sorted; a verdict that loads has no unsafe or dangerous
 *     global and no remedy; a dangerous verdict never loads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "loadfix/inspect/allowlist.h"
#include "loadfix/inspect/checkpoint.h"
#include "loadfix/inspect/pickle.h"
#include "loadfix/inspect/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_all(const uint8_t *copy, size_t size, lf_pickle_result *r, const uint8_t *orig)
{
	size_t pos = 0;
	while (pos < size) {
		size_t end = (size_t)-1;
		char *error = NULL;
		bool ok = lf_pickle_walk(copy, size, pos, NULL, r, &end, &error);
		if (ok && (error || end <= pos || end > size)) {
			fuzz_dump("pickle", orig, size);
			fuzz_fail("K1: success with end %zu (start %zu, size %zu) or an error", end, pos, size);
		}
		if (!ok) {
			if (!error || end != (size_t)-1) {
				fuzz_dump("pickle", orig, size);
				fuzz_fail("K1: failure without an error, or *end set");
			}
			free(error);
			return;
		}
		pos = end;
	}
}

static void check_names(const lf_pickle_result *r, char *const *names, size_t count, const char *what,
                        const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < count; i++) {
		if (!lf_pickle_result_find(r, names[i])) {
			fuzz_dump("pickle", data, size);
			fuzz_fail("K4: %s global '%s' is not a global of the pickle", what, names[i]);
		}
		if (i && strcmp(names[i - 1], names[i]) >= 0) {
			fuzz_dump("pickle", data, size);
			fuzz_fail("K4: %s globals not sorted and unique", what);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);

	lf_pickle_result a, b;
	lf_pickle_result_init(&a);
	lf_pickle_result_init(&b);
	walk_all(copy, size, &a, data);
	walk_all(copy, size, &b, data);

	uint64_t refs = 0;
	for (uint32_t i = 0; i < a.global_count; i++) {
		const lf_pickle_global *g = &a.globals[i];
		if (lf_pickle_result_find(&a, g->name) != g || g->count < 1 || g->calls < g->newobj) {
			fuzz_dump("pickle", data, size);
			fuzz_fail("K2: global '%s' (count %u, calls %u, newobj %u)", g->name, g->count, g->calls,
			          g->newobj);
		}
		refs += g->count;
	}
	if (refs > a.opcodes) {
		fuzz_dump("pickle", data, size);
		fuzz_fail("K2: %llu references in %llu opcodes", (unsigned long long)refs,
		          (unsigned long long)a.opcodes);
	}
	if (a.global_count != b.global_count || a.opcodes != b.opcodes || a.protocol != b.protocol ||
	    memcmp(a.opcode_counts, b.opcode_counts, sizeof a.opcode_counts) != 0) {
		fuzz_dump("pickle", data, size);
		fuzz_fail("K3: two walks differ");
	}
	for (uint32_t i = 0; i < a.global_count; i++)
		if (strcmp(a.globals[i].name, b.globals[i].name) != 0 || a.globals[i].count != b.globals[i].count ||
		    a.globals[i].calls != b.globals[i].calls) {
			fuzz_dump("pickle", data, size);
			fuzz_fail("K3: two walks differ at global %u", i);
		}

	/* K4: the verdict, on the walk's result as a plain-pickle and as a
	 * zip checkpoint, under every list. */
	lf_checkpoint ckpt;
	lf_checkpoint_init(&ckpt);
	lf_pickle_result_finish(&ckpt.pickle);
	ckpt.pickle = a;
	ckpt.format_known = true;
	for (int format = LF_CHECKPOINT_ZIP; format <= LF_CHECKPOINT_PICKLE; format++) {
		ckpt.format = (lf_checkpoint_format)format;
		for (size_t k = 0; k < lf_allowlist_count; k++) {
			lf_verdict v;
			lf_verdict_compute(&ckpt, true, lf_allowlists[k], &v);
			check_names(&ckpt.pickle, v.unsafe, v.unsafe_count, "unsafe", data, size);
			check_names(&ckpt.pickle, v.dangerous, v.dangerous_count, "dangerous", data, size);
			if (v.loads && (v.unsafe_count || v.dangerous_count || v.remedy)) {
				fuzz_dump("pickle", data, size);
				fuzz_fail("K4: loads with unsafe or dangerous globals, or with a remedy");
			}
			if (v.dangerous_count && (v.loads || !v.remedy)) {
				fuzz_dump("pickle", data, size);
				fuzz_fail("K4: dangerous but loads, or no remedy");
			}
			lf_verdict_finish(&v);
		}
	}
	lf_checkpoint_finish(&ckpt); /* frees `a` */
	lf_pickle_result_finish(&b);
	free(copy);
	return 0;
}
