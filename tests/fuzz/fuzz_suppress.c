/*
 * lf_comment_suppresses (src/suppress.c) on arbitrary bytes, for each code:
 *  S1 no crash, and the same answer twice;
 *  S2 no "noqa"/"nosec" (any case) in the text, or no '#': never suppresses;
 *  S3 exactly "# noqa" (and the other fixed cases checked once at start-up:
 *     "# nosec", "# noqa: LF001", "# nosec B614", "# noqa: LF999" for
 *     LF001, "# noqa-x") gives the documented answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_common.h"
#include "loadfix/suppress.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const CODES[] = {"LF001", "LF002", "LF003", "LF004", "B614", "E501", ""};
#define CODE_COUNT (sizeof CODES / sizeof CODES[0])

static bool suppresses(const char *text, const char *code)
{
	size_t len = strlen(text);
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	bool result = lf_comment_suppresses(copy, (uint32_t)len, code);
	free(copy);
	return result;
}

static void expect(const char *text, const char *code, bool want)
{
	if (suppresses(text, code) != want)
		fuzz_fail("S3: lf_comment_suppresses(\"%s\", %s) is %d, expected %d", text, code, !want, want);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	expect("# noqa", "LF001", true);
	expect("# NOQA", "LF002", true);
	expect("# nosec", "LF003", true);
	expect("# noqa: LF001", "LF001", true);
	expect("# noqa:LF002,LF001", "LF001", true);
	expect("# noqa: LF999", "LF001", false);
	expect("# noqa: LF0011", "LF001", false);
	expect("# nosec B614", "LF001", true);
	expect("# nosec B301", "LF001", false);
	expect("# noqa-x", "LF001", false);
	expect("# noqanot", "LF001", false);
	expect("x = 1", "LF001", false);
	return 0;
}

static bool contains_ci(const uint8_t *data, size_t size, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = 0; i + n <= size; i++)
		if (strncasecmp((const char *)data + i, word, n) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 16))
		return 0;
	/* An exact-size copy: ASan catches any read past the comment. */
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	bool directive = (contains_ci(copy, size, "noqa") || contains_ci(copy, size, "nosec")) &&
	                 memchr(copy, '#', size) != NULL;
	bool exact_noqa = size == 6 && memcmp(copy, "# noqa", 6) == 0;
	for (size_t c = 0; c < CODE_COUNT; c++) {
		bool first = lf_comment_suppresses(copy, (uint32_t)size, CODES[c]);
		bool second = lf_comment_suppresses(copy, (uint32_t)size, CODES[c]);
		if (first != second)
			fuzz_fail("S1: two calls disagree for code %s", CODES[c]);
		if (first && !directive) {
			fuzz_dump("comment", copy, size);
			fuzz_fail("S2: suppresses %s without a '#' and a noqa/nosec", CODES[c]);
		}
		if (exact_noqa && !first)
			fuzz_fail("S3: \"# noqa\" does not suppress %s", CODES[c]);
	}
	free(copy);
	return 0;
}
