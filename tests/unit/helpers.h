/* Small helpers shared by the unit tests (header-only: each test is its own
 * executable). */
#ifndef LOADFIX_TEST_HELPERS_H
#define LOADFIX_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "loadfix/source.h"

/* An lf_source holding a copy of `len` bytes of `text`. */
static inline void source_from_bytes(lf_source *src, const char *text, uint32_t len)
{
	uint8_t *bytes = malloc((size_t)len + 1);
	assert_non_null(bytes);
	if (len) /* an empty file's text may be NULL */
		memcpy(bytes, text, len);
	lf_source_init(src, bytes, len);
}

/* An lf_source holding a copy of the NUL-terminated `text`. */
static inline void source_from(lf_source *src, const char *text)
{
	source_from_bytes(src, text, (uint32_t)strlen(text));
}

/* Byte offset of the n-th (0-based) occurrence of `needle` in `haystack`;
 * fails the test when there is none. */
static inline uint32_t offset_of_nth(const char *haystack, const char *needle, int n)
{
	const char *at = haystack;
	for (;;) {
		at = strstr(at, needle);
		assert_non_null(at);
		if (n-- == 0)
			return (uint32_t)(at - haystack);
		at++;
	}
}

static inline uint32_t offset_of(const char *haystack, const char *needle)
{
	return offset_of_nth(haystack, needle, 0);
}

#endif
