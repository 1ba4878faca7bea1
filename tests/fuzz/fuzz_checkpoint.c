/*
 * The checkpoint reader (lf_checkpoint_read_bytes, src/inspect/checkpoint.c:
 * zip through libzip, tar, the legacy stream, plain pickles) on arbitrary
 * bytes, passed as an exact-size buffer (as the mmap of a file).
 *  R1 no crash, leak or read past `size` (ASan), bounded time and memory
 *     (the data.pkl cap, the walker's bounds; libFuzzer's -timeout and
 *     -rss_limit_mb): a declared size is never trusted;
 *  R2 success sets no error and a known format; failure sets an error;
 *  R3 a zip or TorchScript result names the record it read, "<dir>/data.pkl";
 *     a file not starting "PK\3\4" is never a zip;
 *  R4 reading twice gives the same outcome, format and globals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "loadfix/inspect/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool read_once(const uint8_t *copy, size_t size, lf_checkpoint *ckpt, const uint8_t *orig)
{
	lf_checkpoint_init(ckpt);
	char *error = NULL;
	bool ok = lf_checkpoint_read_bytes(copy, size, ckpt, &error);
	if (ok != (error == NULL) || (ok && !ckpt->format_known)) {
		fuzz_dump("checkpoint", orig, size);
		fuzz_fail("R2: ok %d, error %s, format_known %d", ok, error ? error : "(none)", ckpt->format_known);
	}
	free(error);
	bool zip =
	        ckpt->format_known && (ckpt->format == LF_CHECKPOINT_ZIP || ckpt->format == LF_CHECKPOINT_TORCHSCRIPT);
	if (zip && (size < 4 || memcmp(orig, "PK\x03\x04", 4) != 0)) {
		fuzz_dump("checkpoint", orig, size);
		fuzz_fail("R3: a zip without the zip signature");
	}
	if (zip && (!ckpt->record || strlen(ckpt->record) < 9 ||
	            strcmp(ckpt->record + strlen(ckpt->record) - 9, "/data.pkl") != 0)) {
		fuzz_dump("checkpoint", orig, size);
		fuzz_fail("R3: zip record '%s'", ckpt->record ? ckpt->record : "(null)");
	}
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (4u << 20))
		return 0;
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	lf_checkpoint a, b;
	bool ok_a = read_once(copy, size, &a, data);
	bool ok_b = read_once(copy, size, &b, data);
	bool same = ok_a == ok_b && a.format_known == b.format_known && a.format == b.format &&
	            a.pickle.global_count == b.pickle.global_count;
	for (uint32_t i = 0; same && i < a.pickle.global_count; i++)
		same = strcmp(a.pickle.globals[i].name, b.pickle.globals[i].name) == 0 &&
		       a.pickle.globals[i].count == b.pickle.globals[i].count;
	if (!same) {
		fuzz_dump("checkpoint", data, size);
		fuzz_fail("R4: two reads differ");
	}
	lf_checkpoint_finish(&a);
	lf_checkpoint_finish(&b);
	free(copy);
	return 0;
}
