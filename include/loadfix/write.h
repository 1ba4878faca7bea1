#ifndef LOADFIX_WRITE_H
#define LOADFIX_WRITE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Writing fixed files so that no outcome loses or corrupts one (module
 * owner: write.c).
 *
 * lf_write_replace() replaces the content of the file at `path` by `bytes`:
 *
 *  - The usual way: the new content goes to a temporary file
 *    `.loadfix-<pid>-<n>-<random>` in the same directory, is flushed to
 *    disk, takes the original's owner and group (where permitted) and mode,
 *    and is renamed over the original; the directory is then flushed too.
 *    The original is either untouched or wholly replaced.
 *  - `expected` (may be NULL: no check) is the content that was read.  Right
 *    before the rename the file is read again; if it is no longer
 *    `expected` (someone edited it meanwhile, or deleted it), nothing is
 *    written and the error is "file changed since it was read; not
 *    overwritten".
 *  - A symbolic link is followed: the file it points to is fixed (the
 *    temporary file goes next to it) and the link stays a link.
 *  - A file with several hard links is rewritten in place, so that every
 *    link sees the fix (a rename would leave the other links on the old
 *    content): a backup copy is written and flushed first, and any failure
 *    of the in-place write restores the original content.  See write.c.
 *  - A file we may not write (mode, read-only file system) is refused with
 *    the OS's reason even where a rename would get around it.
 *
 * On failure returns false and sets *error (caller frees) to one line: the
 * OS's words (strerror), possibly after a short context such as "cannot
 * create a temporary file in DIR: ".  Whatever happens, no temporary file is
 * left behind, including when SIGINT or SIGTERM arrives (see
 * lf_write_protect_process); the one exception is stated in the error text:
 * when an in-place write failed and restoring the original failed too, the
 * backup holding the original content is kept and named.
 *
 * Thread-safe: workers may write different files concurrently.
 */
bool lf_write_replace(const char *path, const uint8_t *expected, uint32_t expected_len, const uint8_t *bytes,
                      uint32_t len, char **error);

/* lf_write_replace without the "changed since it was read" check. */
bool lf_write_atomic(const char *path, const uint8_t *bytes, uint32_t len, char **error);

/*
 * Called once at the start of main(), before any file is opened:
 *  - installs SIGINT and SIGTERM handlers that remove every temporary file
 *    still alive and exit with 130 / 143 (an in-place write of a hard-linked
 *    file in progress is finished or rolled back first, never cut short);
 *  - makes sure descriptors 0, 1 and 2 are open (on /dev/null, opened so
 *    that using them still fails with EBADF), so that a file loadfix opens
 *    can never become "standard output" when it was closed (`>&-`), and
 *    report text can never end up in a file being written.
 */
void lf_write_protect_process(void);

#endif
