/*
 * lf_diff_append (src/diff.c, libgit2) on arbitrary old/new buffers,
 * including NUL, CR, lone CR, no trailing newline and empty sides:
 *  D1 it succeeds;
 *  D2 the diff is empty exactly when old == new;
 *  D3 its header holds only git's lines for a changed text file (so a file
 *     name with a newline or a control character must come out quoted);
 *  D4 a strict reference applier (fuzz_common.c) applies it to old and
 *     gets exactly new.
 *
 * Input layout: byte 0 picks the file name (low 3 bits); the rest is
 * old + "=====SPLIT=====" + new, split at the first separator, or in half
 * when there is none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "loadfix/buf.h"
#include "loadfix/diff.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SEPARATOR[] = "=====SPLIT=====";

static const char *const PATHS[8] = {
        "f.py",          "pkg/sub dir/f.py",     "tab\there.py", "new\nline.py",
        "quo\"te\\d.py", "\xc3\xbcn\xc3\xaf.py", "\xff\xfe.py",  "-rf --no-index.py",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lf_diff_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (1u << 20))
		return 0;
	const char *path = PATHS[data[0] & 7];
	const uint8_t *rest = data + 1;
	size_t rest_len = size - 1;
	const uint8_t *old = rest, *new;
	size_t old_len, new_len;
	const uint8_t *sep = memmem(rest, rest_len, SEPARATOR, sizeof SEPARATOR - 1);
	if (sep) {
		old_len = (size_t)(sep - rest);
		new = sep + sizeof SEPARATOR - 1;
		new_len = rest_len - old_len - (sizeof SEPARATOR - 1);
	} else {
		old_len = rest_len / 2;
		new = rest + old_len;
		new_len = rest_len - old_len;
	}
	/* Exact-size copies, so ASan sees any read past either buffer. */
	uint8_t *o = malloc(old_len ? old_len : 1), *n = malloc(new_len ? new_len : 1);
	memcpy(o, old, old_len);
	memcpy(n, new, new_len);

	lf_buf diff;
	lf_buf_init(&diff);
	if (!lf_diff_append(&diff, path, o, (uint32_t)old_len, n, (uint32_t)new_len))
		fuzz_fail("D1: lf_diff_append failed (old %zu bytes, new %zu bytes)", old_len, new_len);
	bool same = old_len == new_len && memcmp(o, n, old_len) == 0;
	if (same != (diff.len == 0)) {
		fuzz_dump("diff", (const uint8_t *)diff.data, diff.len);
		fuzz_fail("D2: the diff is %sempty, but old and new are %s", diff.len ? "not " : "",
		          same ? "equal" : "different");
	}
	lf_buf applied;
	lf_buf_init(&applied);
	const char *why;
	if (!fuzz_apply_unified(o, old_len, diff.data, diff.len, &applied, &why)) {
		fuzz_dump("old", o, old_len);
		fuzz_dump("new", n, new_len);
		fuzz_dump("diff", (const uint8_t *)diff.data, diff.len);
		fuzz_fail("D3/D4: the diff does not apply: %s", why);
	}
	if (applied.len != new_len || (new_len && memcmp(applied.data, n, new_len) != 0)) {
		fuzz_dump("old", o, old_len);
		fuzz_dump("new", n, new_len);
		fuzz_dump("diff", (const uint8_t *)diff.data, diff.len);
		fuzz_dump("old + diff", (const uint8_t *)applied.data, applied.len);
		fuzz_fail("D4: the diff applied to old does not give new");
	}
	lf_buf_finish(&applied);
	lf_buf_finish(&diff);
	free(o);
	free(n);
	return 0;
}
