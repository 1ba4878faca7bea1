/* LD_PRELOAD shim for bench/run: counts tree-sitter parses (and bytes parsed)
 * in one loadfix run, since loadfix has no counter for "files parsed".  In
 * report mode loadfix parses each file that passes its prefilter exactly once.
 * Writes "PARSES BYTES" to $COUNT_PARSES_OUT at exit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct TSParser TSParser;
typedef struct TSTree TSTree;

static atomic_ullong parses, bytes;

/* TSInputEncoding is an enum: passed as int. */
TSTree *ts_parser_parse_string_encoding(TSParser *p, const TSTree *old, const char *s, uint32_t len, int enc)
{
	static TSTree *(*real)(TSParser *, const TSTree *, const char *, uint32_t, int);
	if (!real)
		real = (TSTree * (*)(TSParser *, const TSTree *, const char *, uint32_t, int))
		        dlsym(RTLD_NEXT, "ts_parser_parse_string_encoding");
	atomic_fetch_add(&parses, 1);
	atomic_fetch_add(&bytes, len);
	return real(p, old, s, len, enc);
}

__attribute__((destructor)) static void report(void)
{
	const char *out = getenv("COUNT_PARSES_OUT");
	FILE *f = out ? fopen(out, "w") : NULL;
	if (f) {
		fprintf(f, "%llu %llu\n", (unsigned long long)parses, (unsigned long long)bytes);
		fclose(f);
	}
}
