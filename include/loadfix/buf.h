#ifndef LOADFIX_BUF_H
#define LOADFIX_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A growable byte buffer, the one dynamic array of loadfix (as tree-sitter
 * has one in lib/src/array.h).  `data` is always NUL-terminated after the
 * first append so text can be handed to C string functions; `len` excludes
 * the terminator.  init/finish: the caller owns the struct, the buffer owns
 * `data`.
 */
typedef struct lf_buf {
	char *data;
	size_t len;
	size_t cap;
} lf_buf;

void lf_buf_init(lf_buf *buf);
void lf_buf_finish(lf_buf *buf);
void lf_buf_reserve(lf_buf *buf, size_t extra);
void lf_buf_append(lf_buf *buf, const void *bytes, size_t len);
void lf_buf_puts(lf_buf *buf, const char *text);
void lf_buf_putc(lf_buf *buf, char c);
/* Appends code point `cp` (< 0x110000) in UTF-8.  Surrogates are encoded
 * too (three bytes), as Python's decoders of JSON, TOML and pickle
 * escapes produce them; libunistring's u8_uctomb refuses them. */
void lf_buf_put_utf8(lf_buf *buf, uint32_t cp);
/* The value of one hex digit, or -1. */
int lf_hex_value(int c);
__attribute__((format(printf, 2, 3))) void lf_buf_printf(lf_buf *buf, const char *fmt, ...);
/* Hands `data` to the caller (who frees it) and leaves the buffer empty. */
char *lf_buf_steal(lf_buf *buf, size_t *len);

/*
 * Allocation that cannot fail: on out-of-memory loadfix prints a message
 * and exits 2.  A tool that rewrites files must not limp on after a failed
 * allocation, and threading ENOMEM through every helper would hide the
 * logic.  Writes in progress are always to temporary files, so exiting
 * loses nothing.
 */
void *lf_xmalloc(size_t size);
void *lf_xcalloc(size_t count, size_t size);
void *lf_xrealloc(void *ptr, size_t size);
char *lf_xstrdup(const char *text);
char *lf_xstrndup(const char *text, size_t len);
__attribute__((format(printf, 1, 2))) char *lf_xasprintf(const char *fmt, ...);
/* lf_xasprintf for a va_list (the caller's va_start/va_end). */
__attribute__((format(printf, 1, 0))) char *lf_xvasprintf(const char *fmt, va_list args);

#endif
