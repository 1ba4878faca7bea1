#include "loadfix/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loadfix/buf.h"

/* Whether a line ends at bytes[i]: '\n', or a '\r' not followed by '\n'
 * (Python's tokenizer accepts a lone CR as a line end, so must we). */
static bool ends_line(const uint8_t *bytes, uint32_t len, uint32_t i)
{
	return bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 == len || bytes[i + 1] != '\n'));
}

void lf_source_init(lf_source *src, uint8_t *bytes, uint32_t len)
{
	src->bytes = bytes;
	src->len = len;
	src->bytes[len] = '\0';
	src->column_cache_offset = 0;
	src->column_cache_value = 1;
	/* Fast path: without any '\r', memchr for '\n' does it all. */
	bool has_cr = memchr(bytes, '\r', len) != NULL;
	uint32_t count = 1;
	for (uint32_t i = 0; i < len; i++) {
		if (!has_cr) {
			const uint8_t *nl = memchr(bytes + i, '\n', len - i);
			if (!nl)
				break;
			i = (uint32_t)(nl - bytes);
			count++;
		} else if (ends_line(bytes, len, i)) {
			count++;
		}
	}
	src->line_starts = lf_xmalloc(sizeof(uint32_t) * count);
	src->line_count = count;
	src->line_starts[0] = 0;
	uint32_t line = 1;
	for (uint32_t i = 0; i < len && line < count; i++) {
		if (!has_cr) {
			const uint8_t *nl = memchr(bytes + i, '\n', len - i);
			i = (uint32_t)(nl - bytes);
			src->line_starts[line++] = i + 1;
		} else if (ends_line(bytes, len, i)) {
			src->line_starts[line++] = i + 1;
		}
	}
}

void lf_source_finish(lf_source *src)
{
	free(src->bytes);
	free(src->line_starts);
	memset(src, 0, sizeof *src);
}

static bool read_fd(lf_source *src, int fd, uint64_t max_size, bool *too_large, char **error)
{
	lf_buf buf;
	lf_buf_init(&buf);
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size > max_size) {
			*too_large = true;
			*error = lf_xasprintf("file is larger than the limit of %llu bytes",
			                      (unsigned long long)max_size);
			return false;
		}
		lf_buf_reserve(&buf, (size_t)st.st_size);
	} else if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		*error = lf_xstrdup(strerror(EISDIR));
		return false;
	}
	for (;;) {
		lf_buf_reserve(&buf, 65536);
		ssize_t got = read(fd, buf.data + buf.len, buf.cap - buf.len - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			*error = lf_xstrdup(strerror(errno));
			lf_buf_finish(&buf);
			return false;
		}
		if (got == 0)
			break;
		buf.len += (size_t)got;
		if (buf.len > max_size || buf.len >= UINT32_MAX) {
			*too_large = true;
			*error = lf_xasprintf("file is larger than the limit of %llu bytes",
			                      (unsigned long long)max_size);
			lf_buf_finish(&buf);
			return false;
		}
	}
	lf_buf_reserve(&buf, 1);
	size_t len;
	uint8_t *bytes = (uint8_t *)lf_buf_steal(&buf, &len);
	lf_source_init(src, bytes, (uint32_t)len);
	return true;
}

bool lf_source_read_fd(lf_source *src, int fd, uint64_t max_size, char **error)
{
	bool too_large = false;
	return read_fd(src, fd, max_size, &too_large, error);
}

bool lf_source_read(lf_source *src, const char *path, uint64_t max_size, char **error)
{
	bool too_large = false;
	return lf_source_read_limited(src, path, max_size, &too_large, error);
}

bool lf_source_read_limited(lf_source *src, const char *path, uint64_t max_size, bool *too_large, char **error)
{
	*too_large = false;
	if (!path)
		return read_fd(src, STDIN_FILENO, max_size, too_large, error);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*error = lf_xstrdup(strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		/* FIFOs, sockets and devices could block forever or never end. */
		*error = lf_xstrdup("not a regular file");
		close(fd);
		return false;
	}
	/* O_NONBLOCK was only for opening a FIFO safely; regular files ignore it. */
	bool ok = read_fd(src, fd, max_size, too_large, error);
	close(fd);
	return ok;
}

uint32_t lf_source_line_of(const lf_source *src, uint32_t offset)
{
	uint32_t lo = 0, hi = src->line_count;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (src->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint32_t lf_source_line_start(const lf_source *src, uint32_t offset)
{
	return src->line_starts[lf_source_line_of(src, offset)];
}

size_t lf_utf8_valid_length(const uint8_t *p, size_t avail)
{
	uint8_t b = p[0];
	if (b < 0x80)
		return 1;
	size_t n;
	uint32_t min, cp;
	if (b >= 0xC2 && b <= 0xDF)
		n = 2, min = 0x80, cp = b & 0x1Fu;
	else if ((b & 0xF0) == 0xE0)
		n = 3, min = 0x800, cp = b & 0x0Fu;
	else if (b >= 0xF0 && b <= 0xF4)
		n = 4, min = 0x10000, cp = b & 0x07u;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3Fu);
	}
	/* Overlong forms, UTF-16 surrogates and values past U+10FFFF are not
	 * UTF-8 (Unicode 15, table 3-7). */
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

uint32_t lf_source_column_of(const lf_source *src, uint32_t offset)
{
	uint32_t line_start = lf_source_line_start(src, offset);
	uint32_t pos = line_start, column = 1;
	/* Resume from the cached column when it is on this line, at or before
	 * `offset` (offset 0 never needs the cache). */
	if (src->column_cache_offset > line_start && src->column_cache_offset <= offset) {
		pos = src->column_cache_offset;
		column = src->column_cache_value;
	}
	while (pos < offset) {
		size_t n = lf_utf8_valid_length(src->bytes + pos, offset - pos);
		pos += n ? (uint32_t)n : 1;
		column++;
	}
	/* pos may pass offset when offset splits a character; cache only exact hits. */
	if (pos == offset) {
		lf_source *cache = (lf_source *)src;
		cache->column_cache_offset = offset;
		cache->column_cache_value = column;
	}
	return column;
}

bool lf_source_first_on_line(const lf_source *src, uint32_t offset)
{
	for (uint32_t pos = lf_source_line_start(src, offset); pos < offset; pos++) {
		uint8_t c = src->bytes[pos];
		if (c != ' ' && c != '\t' && c != '\f')
			return false;
	}
	return true;
}

const char *lf_source_line_ending(const lf_source *src, uint32_t offset)
{
	for (uint32_t i = offset; i < src->len; i++) {
		if (src->bytes[i] == '\n')
			return i > 0 && src->bytes[i - 1] == '\r' ? "\r\n" : "\n";
		if (src->bytes[i] == '\r')
			return i + 1 < src->len && src->bytes[i + 1] == '\n' ? "\r\n" : "\r";
	}
	return "\n";
}
