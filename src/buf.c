#include "loadfix/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
	fputs("loadfix: out of memory\n", stderr);
	exit(2);
}

void *lf_xmalloc(size_t size)
{
	void *ptr = malloc(size ? size : 1);
	if (!ptr)
		out_of_memory();
	return ptr;
}

void *lf_xcalloc(size_t count, size_t size)
{
	void *ptr = calloc(count ? count : 1, size ? size : 1);
	if (!ptr)
		out_of_memory();
	return ptr;
}

void *lf_xrealloc(void *ptr, size_t size)
{
	void *grown = realloc(ptr, size ? size : 1);
	if (!grown)
		out_of_memory();
	return grown;
}

char *lf_xstrndup(const char *text, size_t len)
{
	char *copy = lf_xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	return copy;
}

char *lf_xstrdup(const char *text)
{
	return lf_xstrndup(text, strlen(text));
}

char *lf_xvasprintf(const char *fmt, va_list args)
{
	va_list again;
	va_copy(again, args);
	char small[256];
	int needed = vsnprintf(small, sizeof small, fmt, args);
	if (needed < 0)
		out_of_memory();
	if ((size_t)needed < sizeof small) {
		va_end(again);
		return lf_xstrdup(small);
	}
	char *big = lf_xmalloc((size_t)needed + 1);
	vsnprintf(big, (size_t)needed + 1, fmt, again);
	va_end(again);
	return big;
}

char *lf_xasprintf(const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	char *text = lf_xvasprintf(fmt, args);
	va_end(args);
	return text;
}

void lf_buf_init(lf_buf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
}

void lf_buf_finish(lf_buf *buf)
{
	free(buf->data);
	lf_buf_init(buf);
}

void lf_buf_reserve(lf_buf *buf, size_t extra)
{
	size_t need = buf->len + extra + 1;
	if (need <= buf->cap)
		return;
	size_t cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap *= 2;
	buf->data = lf_xrealloc(buf->data, cap);
	buf->cap = cap;
	buf->data[buf->len] = '\0'; /* the promise in buf.h holds from the first reserve */
}

void lf_buf_append(lf_buf *buf, const void *bytes, size_t len)
{
	lf_buf_reserve(buf, len);
	if (len)
		memcpy(buf->data + buf->len, bytes, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void lf_buf_puts(lf_buf *buf, const char *text)
{
	lf_buf_append(buf, text, strlen(text));
}

void lf_buf_put_utf8(lf_buf *buf, uint32_t cp)
{
	char out[4];
	size_t n;
	if (cp < 0x80) {
		out[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	lf_buf_append(buf, out, n);
}

int lf_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void lf_buf_putc(lf_buf *buf, char c)
{
	lf_buf_append(buf, &c, 1);
}

void lf_buf_printf(lf_buf *buf, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	va_list again;
	va_copy(again, args);
	int needed = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (needed > 0) {
		lf_buf_reserve(buf, (size_t)needed);
		vsnprintf(buf->data + buf->len, (size_t)needed + 1, fmt, again);
		buf->len += (size_t)needed;
	}
	va_end(again);
}

char *lf_buf_steal(lf_buf *buf, size_t *len)
{
	if (!buf->data)
		lf_buf_reserve(buf, 0), buf->data[0] = '\0';
	char *data = buf->data;
	if (len)
		*len = buf->len;
	lf_buf_init(buf);
	return data;
}
