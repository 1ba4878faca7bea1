#include "loadfix/names.h"

#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

static bool is_ascii(const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (bytes[i] >= 0x80)
			return false;
	return true;
}

uint8_t *lf_name_normalize(const uint8_t *bytes, size_t len, size_t *out_len)
{
	if (is_ascii(bytes, len))
		return NULL;
	size_t n = 0;
	uint8_t *normal = u8_normalize(UNINORM_NFKC, bytes, len, NULL, &n);
	if (!normal)
		return NULL;
	*out_len = n;
	return normal;
}

bool lf_name_equals(const uint8_t *bytes, size_t len, const char *ascii)
{
	size_t want = strlen(ascii);
	if (len == want && memcmp(bytes, ascii, len) == 0)
		return true;
	size_t n;
	uint8_t *normal = lf_name_normalize(bytes, len, &n);
	if (!normal)
		return false;
	bool equal = n == want && memcmp(normal, ascii, n) == 0;
	free(normal);
	return equal;
}
