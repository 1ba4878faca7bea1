#ifndef LOADFIX_SOURCE_H
#define LOADFIX_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The raw bytes of one Python file.  loadfix never decodes source: offsets
 * are uint32_t byte offsets (tree-sitter's own unit), so latin-1 files and
 * invalid UTF-8 pass through untouched.  Lines end at '\n', '\r\n' or a
 * lone '\r', as Python's tokenizer has it (so line numbers match Python's
 * even in old Mac-style files).
 */
typedef struct lf_source {
	uint8_t *bytes; /* owned; NUL-terminated for convenience */
	uint32_t len;
	uint32_t *line_starts; /* owned; byte offset of each line */
	uint32_t line_count;
	/* The last column computed, so that findings reported in order along a
	 * very long line cost linear time, not quadratic.  A cache, updated by
	 * the const lf_source_column_of: a source belongs to one thread. */
	uint32_t column_cache_offset, column_cache_value;
} lf_source;

/* Takes ownership of `bytes` (malloc'd, len bytes plus one spare). */
void lf_source_init(lf_source *src, uint8_t *bytes, uint32_t len);
void lf_source_finish(lf_source *src);

/*
 * Reads a whole file (or stdin when path is NULL).  On failure returns false
 * and sets *error to the reason (the OS's words; caller frees).  Files over
 * max_size bytes are refused (tree-sitter offsets are 32-bit anyway).
 */
bool lf_source_read(lf_source *src, const char *path, uint64_t max_size, char **error);
bool lf_source_read_fd(lf_source *src, int fd, uint64_t max_size, char **error);
/* lf_source_read that also tells why it failed: *too_large is true when the
 * only problem is the max_size limit (the caller may skip the file). */
bool lf_source_read_limited(lf_source *src, const char *path, uint64_t max_size, bool *too_large, char **error);

/* 0-based line of a byte offset. */
uint32_t lf_source_line_of(const lf_source *src, uint32_t offset);
/* Length of the well-formed UTF-8 sequence at p (at most `avail` bytes),
 * or 0 when it is not one (overlongs and surrogates included). */
size_t lf_utf8_valid_length(const uint8_t *p, size_t avail);

/* 1-based column of a byte offset, counted in characters (UTF-8 code points;
 * each byte of an invalid sequence counts as one character). */
uint32_t lf_source_column_of(const lf_source *src, uint32_t offset);
/* Byte offset of the start of the line holding `offset`. */
uint32_t lf_source_line_start(const lf_source *src, uint32_t offset);
/* True when only spaces, tabs or form feeds precede `offset` on its line. */
bool lf_source_first_on_line(const lf_source *src, uint32_t offset);
/* The line ending ("\n", "\r\n" or "\r") that ends the line holding
 * `offset`; "\n" when that line is the last and has none. */
const char *lf_source_line_ending(const lf_source *src, uint32_t offset);

#endif
