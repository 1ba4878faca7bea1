#ifndef LOADFIX_WRITE_H
#define LOADFIX_WRITE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Replaces the file at `path` by `bytes`, atomically: the new content goes
 * to a temporary file in the same directory, is flushed to disk, takes the
 * original's mode (and owner, where permitted), and is renamed over the
 * original; the directory is then flushed too.  Whatever fails, the
 * original is either untouched or wholly replaced, and no temporary file is
 * left.  On failure returns false with *error set (the OS's words; caller
 * frees).
 */
bool lf_write_atomic(const char *path, const uint8_t *bytes, uint32_t len, char **error);

#endif
