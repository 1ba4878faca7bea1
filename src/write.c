/*
 * Writing fixed files without ever losing or corrupting one.
 *
 * Two ways to replace a file's content:
 *
 * 1. Rename (the usual case, one link): write a temporary file in the same
 *    directory, flush it, give it the original's owner and mode, check that
 *    the original still holds what was read, rename it over the original,
 *    flush the directory.  Readers see the old file or the new one, never a
 *    mix, and a crash at any point leaves the original or the new file.
 *
 * 2. In place (st_nlink > 1).  A rename would give the path a new inode and
 *    leave every other hard link on the old, unfixed content: the fix would
 *    silently not reach the other names, and the links would be broken
 *    apart.  Decision: rewrite the inode in place so that every link sees
 *    the fix.  The trade-off is atomicity: for the moment of the write a
 *    concurrent reader can see a mix of old and new bytes, and a crash (power
 *    loss, SIGKILL) in that moment leaves a mixed file.  So the original is
 *    first copied to a backup temporary file in the same directory and
 *    flushed (with the directory), the original is then rewritten, truncated
 *    and flushed; if any of that fails the original content is written back
 *    (from memory) and the backup removed.  After a crash the backup is still
 *    there under `.loadfix-*` to recover from.  SIGINT/SIGTERM never cut this
 *    short: the exit waits until the in-place write is done or rolled back.
 *    Should restoring fail as well, the backup is kept and named in the error
 *    (the one case where a temporary file is deliberately left).
 *
 * Temporary files are registered in a fixed, lock-free table of path buffers
 * so that a signal handler can remove them (async-signal-safe: atomics,
 * unlink, nanosleep and _exit only).  Each slot's state is one atomic word:
 * FREE, or (thread id << 2 | CLAIMED, CREATING or LIVE):
 *   CLAIMED   the owner is filling in the path (not valid yet);
 *   CREATING  the path is valid, the file may or may not exist yet;
 *   LIVE      the file exists.
 * Once a stop is requested (exit_signal set), no slot can be claimed, so the
 * path buffers no longer change; the cleaner waits (bounded) for other
 * threads' CLAIMED/CREATING slots to settle, then unlinks every CREATING or
 * LIVE path.  Names hold our pid and a counter, so a name in the table never
 * belongs to another process.
 */
#include "loadfix/write.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "loadfix/buf.h"
#include "loadfix/report.h"

static const char CHANGED[] = "file changed since it was read; not overwritten";

/* ---- the registry of live temporary files -------------------------------- */

_Static_assert(ATOMIC_LONG_LOCK_FREE == 2, "the signal handler needs lock-free atomics");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal handler needs lock-free atomics");

enum { SLOT_FREE = 0, SLOT_CLAIMED = 1, SLOT_CREATING = 2, SLOT_LIVE = 3 };

#define TEMP_SLOTS 256
#define TEMP_PATH_MAX (PATH_MAX + 64)

typedef struct temp_slot {
	atomic_long state;
	char path[TEMP_PATH_MAX];
} temp_slot;

static temp_slot temp_slots[TEMP_SLOTS];
static atomic_int exit_signal;      /* the signal that asked us to stop, or 0 */
static atomic_int in_place_writers; /* in-place writes that must not be cut short */
static atomic_uint temp_counter;

static long slot_kind(long state)
{
	return state & 3;
}

static long slot_owner(long state)
{
	return state >> 2;
}

static long self_id(void)
{
	return (long)gettid();
}

/* Takes a slot for `path` in state CREATING.  Returns its index; -1 when a
 * stop was requested (no temporary file may be created any more); -2 when
 * the path does not fit. */
static int temp_claim(const char *path)
{
	size_t n = strlen(path);
	if (n >= TEMP_PATH_MAX)
		return -2;
	long self = self_id();
	for (;;) {
		for (int i = 0; i < TEMP_SLOTS; i++) {
			long expected = SLOT_FREE;
			if (!atomic_compare_exchange_strong(&temp_slots[i].state, &expected,
			                                    (self << 2) | SLOT_CLAIMED))
				continue;
			if (atomic_load(&exit_signal)) {
				atomic_store(&temp_slots[i].state, SLOT_FREE);
				return -1;
			}
			memcpy(temp_slots[i].path, path, n + 1);
			atomic_store(&temp_slots[i].state, (self << 2) | SLOT_CREATING);
			return i;
		}
		/* More temporary files alive than slots (over 256 threads): wait. */
		if (atomic_load(&exit_signal))
			return -1;
		struct timespec pause = {0, 1000000};
		nanosleep(&pause, NULL);
	}
}

static void temp_mark_live(int slot)
{
	atomic_store(&temp_slots[slot].state, (self_id() << 2) | SLOT_LIVE);
}

/* Forgets a slot: its file was renamed, removed, or is deliberately kept. */
static void temp_release(int slot)
{
	atomic_store(&temp_slots[slot].state, SLOT_FREE);
}

/* Async-signal-safe. */
static void remove_temporaries(void)
{
	long self = self_id();
	for (int i = 0; i < TEMP_SLOTS; i++) {
		long state = atomic_load(&temp_slots[i].state);
		/* Another thread between claiming a slot and creating its file:
		 * let it finish (it cannot start a new one), at most ~2 s. */
		for (int waited = 0;
		     state != SLOT_FREE && slot_kind(state) != SLOT_LIVE && slot_owner(state) != self && waited < 2000;
		     waited++) {
			struct timespec pause = {0, 1000000};
			nanosleep(&pause, NULL);
			state = atomic_load(&temp_slots[i].state);
		}
		if (state == SLOT_FREE || slot_kind(state) == SLOT_CLAIMED)
			continue;
		unlink(temp_slots[i].path);
	}
}

__attribute__((noreturn)) static void exit_for_signal(void)
{
	remove_temporaries();
	_exit(128 + atomic_load(&exit_signal));
}

static void on_signal(int sig)
{
	int saved_errno = errno;
	int none = 0;
	/* The first signal decides; a second one while stopping changes nothing. */
	if (atomic_compare_exchange_strong(&exit_signal, &none, sig) && atomic_load(&in_place_writers) == 0)
		exit_for_signal();
	/* Otherwise the last in-place writer exits when it is done. */
	errno = saved_errno;
}

/* An in-place write starts: false when a stop was already requested. */
static bool in_place_begin(void)
{
	atomic_fetch_add(&in_place_writers, 1);
	if (atomic_load(&exit_signal)) {
		if (atomic_fetch_sub(&in_place_writers, 1) == 1)
			exit_for_signal();
		return false;
	}
	return true;
}

/* An in-place write is over (done or rolled back): a stop requested
 * meanwhile happens now. */
static void in_place_end(void)
{
	if (atomic_fetch_sub(&in_place_writers, 1) == 1 && atomic_load(&exit_signal))
		exit_for_signal();
}

void lf_write_protect_process(void)
{
	/* Closed standard descriptors get /dev/null opened the "wrong" way
	 * round (0 write-only, 1 and 2 read-only): using them still fails with
	 * EBADF, as it would have, but no file we open can take their number. */
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		int null_fd = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (null_fd >= 0 && null_fd != fd) {
			dup2(null_fd, fd);
			close(null_fd);
		}
	}
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		struct sigaction old;
		/* An ignored signal (nohup, background jobs) stays ignored. */
		if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		struct sigaction action;
		memset(&action, 0, sizeof action);
		action.sa_handler = on_signal;
		sigfillset(&action.sa_mask);
		action.sa_flags = SA_RESTART;
		sigaction(signals[i], &action, NULL);
	}
}

/* ---- helpers --------------------------------------------------------------- */

static bool write_all(int fd, const uint8_t *bytes, uint32_t len)
{
	while (len > 0) {
		ssize_t put = write(fd, bytes, len);
		if (put < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (put == 0) {
			errno = EIO;
			return false;
		}
		bytes += put;
		len -= (uint32_t)put;
	}
	return true;
}

static bool pwrite_all(int fd, const uint8_t *bytes, uint32_t len)
{
	off_t at = 0;
	while (len > 0) {
		ssize_t put = pwrite(fd, bytes, len, at);
		if (put < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (put == 0) {
			errno = EIO;
			return false;
		}
		bytes += put;
		at += put;
		len -= (uint32_t)put;
	}
	return true;
}

/* 1 when the file open on `fd` holds exactly `expected`, 0 when not, -1 on a
 * read error (errno set). */
static int holds(int fd, const uint8_t *expected, uint32_t expected_len)
{
	uint8_t chunk[65536];
	uint64_t at = 0;
	for (;;) {
		ssize_t got = pread(fd, chunk, sizeof chunk, (off_t)at);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			return at == expected_len;
		if (at + (uint64_t)got > expected_len || memcmp(chunk, expected + at, (size_t)got) != 0)
			return 0;
		at += (uint64_t)got;
	}
}

/* Reads the whole file open on `fd` into `out` (false with errno set). */
static bool read_whole(int fd, lf_buf *out)
{
	for (;;) {
		lf_buf_reserve(out, 65536);
		ssize_t got = pread(fd, out->data + out->len, out->cap - out->len - 1, (off_t)out->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return false;
		if (got == 0)
			return true;
		out->len += (size_t)got;
		if (out->len >= UINT32_MAX) {
			errno = EFBIG;
			return false;
		}
	}
}

enum current {
	CURRENT_UNCHANGED, /* holds what was read */
	CURRENT_DONE,      /* already holds exactly the new content (a concurrent
	                    * run, or the file's other name, wrote it) */
	CURRENT_CHANGED,   /* anything else, or gone, or no longer a file */
	CURRENT_ERROR,     /* could not tell (errno set) */
};

static enum current current_of_fd(int fd, const uint8_t *expected, uint32_t expected_len, const uint8_t *bytes,
                                  uint32_t len)
{
	int same = holds(fd, expected, expected_len);
	if (same != 0)
		return same > 0 ? CURRENT_UNCHANGED : CURRENT_ERROR;
	int done = holds(fd, bytes, len);
	return done > 0 ? CURRENT_DONE : done == 0 ? CURRENT_CHANGED : CURRENT_ERROR;
}

static enum current current_of(const char *target, const uint8_t *expected, uint32_t expected_len, const uint8_t *bytes,
                               uint32_t len)
{
	int fd = open(target, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? CURRENT_CHANGED : CURRENT_ERROR;
	struct stat st;
	enum current state = fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)
	                             ? CURRENT_CHANGED
	                             : current_of_fd(fd, expected, expected_len, bytes, len);
	int saved = errno;
	close(fd);
	errno = saved;
	return state;
}

/* Moves a descriptor above 2 (see lf_write_protect_process; this covers a
 * caller that did not call it). */
static int above_standard(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int saved = errno;
	close(fd);
	errno = saved;
	return moved;
}

static char *directory_of(const char *path)
{
	char *copy = lf_xstrdup(path);
	char *dir = lf_xstrdup(dirname(copy));
	free(copy);
	return dir;
}

static void sync_directory(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Creates a new, empty temporary file in `dir`, registered in the table.
 * Returns its descriptor, or -1 with errno set. */
static int create_temp(const char *dir, int *slot, char **temp_path)
{
	for (int attempt = 0; attempt < 64; attempt++) {
		unsigned serial = atomic_fetch_add(&temp_counter, 1);
		unsigned noise;
		if (getrandom(&noise, sizeof noise, GRND_NONBLOCK) != (ssize_t)sizeof noise)
			noise = (unsigned)time(NULL) ^ (serial * 2654435761u);
		char *temp = lf_xasprintf("%s/.loadfix-%ld-%u-%06x", dir, (long)getpid(), serial, noise & 0xffffff);
		int s = temp_claim(temp);
		if (s < 0) {
			free(temp);
			errno = s == -2 ? ENAMETOOLONG : EINTR;
			return -1;
		}
		int fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
		if (fd >= 0) {
			temp_mark_live(s);
			fd = above_standard(fd);
			if (fd < 0) {
				int saved = errno;
				unlink(temp);
				temp_release(s);
				free(temp);
				errno = saved;
				return -1;
			}
			*slot = s;
			*temp_path = temp;
			return fd;
		}
		int saved = errno;
		temp_release(s);
		free(temp);
		if (saved != EEXIST) {
			errno = saved;
			return -1;
		}
	}
	errno = EEXIST;
	return -1;
}

static char *temp_error(const char *dir, int err)
{
	char *shown = lf_display_path(dir);
	char *message = lf_xasprintf("cannot create a temporary file in %s: %s", shown, strerror(err));
	free(shown);
	return message;
}

/* ---- the two ways to replace a file -------------------------------------- */

static bool replace_by_rename(const char *target, const struct stat *st, const uint8_t *expected, uint32_t expected_len,
                              const uint8_t *bytes, uint32_t len, char **error)
{
	char *dir = directory_of(target);
	int slot;
	char *temp;
	int fd = create_temp(dir, &slot, &temp);
	if (fd < 0) {
		*error = temp_error(dir, errno);
		free(dir);
		return false;
	}
	int saved = 0;
	if (!write_all(fd, bytes, len))
		saved = errno;
	/* Owner and group where permitted (root fixing another user's file; a
	 * user keeping a group they belong to).  Before the mode: chown clears
	 * the set-user-ID and set-group-ID bits. */
	if (!saved && (st->st_uid != geteuid() || st->st_gid != getegid()) && fchown(fd, st->st_uid, st->st_gid) != 0)
		(void)!fchown(fd, (uid_t)-1, st->st_gid);
	if (!saved && fchmod(fd, st->st_mode & 07777) != 0)
		saved = errno;
	if (!saved && fsync(fd) != 0)
		saved = errno;
	if (close(fd) != 0 && !saved)
		saved = errno;
	/* Right before the rename: does the original still hold what was read?
	 * (A change after this instant is a race we cannot close: the window
	 * is one open, read and rename.) */
	enum current state =
	        saved || !expected ? CURRENT_UNCHANGED : current_of(target, expected, expected_len, bytes, len);
	if (state == CURRENT_ERROR)
		saved = errno;
	if (!saved && state == CURRENT_UNCHANGED && rename(temp, target) != 0)
		saved = errno;
	if (saved || state != CURRENT_UNCHANGED) {
		unlink(temp);
		temp_release(slot);
		free(temp);
		free(dir);
		if (!saved && state == CURRENT_DONE)
			return true;
		*error = lf_xstrdup(saved ? strerror(saved) : CHANGED);
		return false;
	}
	temp_release(slot);
	/* Make the rename durable.  A failure here cannot be undone and the new
	 * content is in place, so it is not reported. */
	sync_directory(dir);
	free(temp);
	free(dir);
	return true;
}

static bool replace_in_place(const char *target, const uint8_t *expected, uint32_t expected_len, const uint8_t *bytes,
                             uint32_t len, char **error)
{
	int fd = above_standard(open(target, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
	if (fd < 0) {
		*error = lf_xstrdup(strerror(errno));
		return false;
	}
	/* What to back up and restore: what was read, or what is there now. */
	lf_buf now;
	lf_buf_init(&now);
	const uint8_t *old = expected;
	uint32_t old_len = expected_len;
	if (!old) {
		if (!read_whole(fd, &now)) {
			*error = lf_xstrdup(strerror(errno));
			lf_buf_finish(&now);
			close(fd);
			return false;
		}
		old = (const uint8_t *)now.data;
		old_len = (uint32_t)now.len;
	}
	char *dir = directory_of(target);
	int slot;
	char *backup;
	int backup_fd = create_temp(dir, &slot, &backup);
	if (backup_fd < 0) {
		*error = temp_error(dir, errno);
		goto fail_early;
	}
	int saved = 0;
	if (!write_all(backup_fd, old, old_len) || fsync(backup_fd) != 0)
		saved = errno;
	if (close(backup_fd) != 0 && !saved)
		saved = errno;
	if (saved) {
		*error = lf_xstrdup(strerror(saved));
		goto fail_backup;
	}
	sync_directory(dir); /* the backup must survive a crash */

	if (!in_place_begin()) {
		*error = lf_xstrdup(strerror(EINTR));
		goto fail_backup;
	}
	enum current state = current_of_fd(fd, old, old_len, bytes, len);
	if (state != CURRENT_UNCHANGED) {
		if (state != CURRENT_DONE)
			*error = lf_xstrdup(state == CURRENT_ERROR ? strerror(errno) : CHANGED);
		in_place_end();
		unlink(backup);
		temp_release(slot);
		free(backup);
		free(dir);
		lf_buf_finish(&now);
		close(fd);
		return state == CURRENT_DONE;
	}
	if (!pwrite_all(fd, bytes, len) || ftruncate(fd, len) != 0 || fsync(fd) != 0)
		saved = errno;
	bool restored = true;
	if (saved)
		restored = pwrite_all(fd, old, old_len) && ftruncate(fd, old_len) == 0 && fsync(fd) == 0;
	if (!restored)
		temp_release(slot); /* keep the backup whatever happens next */
	in_place_end();
	close(fd);
	if (saved && !restored) {
		char *shown = lf_display_path(backup);
		*error = lf_xasprintf("%s; restoring the original failed too, its content is kept in %s",
		                      strerror(saved), shown);
		free(shown);
		free(backup);
		free(dir);
		lf_buf_finish(&now);
		return false;
	}
	unlink(backup);
	temp_release(slot);
	sync_directory(dir);
	free(backup);
	free(dir);
	lf_buf_finish(&now);
	if (saved) {
		*error = lf_xstrdup(strerror(saved));
		return false;
	}
	return true;

fail_backup:
	unlink(backup);
	temp_release(slot);
	free(backup);
fail_early:
	free(dir);
	lf_buf_finish(&now);
	close(fd);
	return false;
}

bool lf_write_replace(const char *path, const uint8_t *expected, uint32_t expected_len, const uint8_t *bytes,
                      uint32_t len, char **error)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		*error = lf_xstrdup(expected && errno == ENOENT ? CHANGED : strerror(errno));
		return false;
	}
	/* A symbolic link: fix the file it points to, keep the link. */
	char *resolved = NULL;
	const char *target = path;
	if (S_ISLNK(st.st_mode)) {
		resolved = realpath(path, NULL);
		if (!resolved || stat(resolved, &st) != 0) {
			*error = lf_xstrdup(expected && errno == ENOENT ? CHANGED : strerror(errno));
			free(resolved);
			return false;
		}
		target = resolved;
	}
	bool ok = false;
	if (!S_ISREG(st.st_mode)) {
		*error = lf_xstrdup(expected ? CHANGED : "not a regular file");
	} else if (faccessat(AT_FDCWD, target, W_OK, AT_EACCESS) != 0) {
		/* Our own permission to write the file, not just its directory: a
		 * read-only file is not replaced behind its owner's back. */
		*error = lf_xstrdup(strerror(errno));
	} else if (st.st_nlink > 1) {
		ok = replace_in_place(target, expected, expected_len, bytes, len, error);
	} else {
		ok = replace_by_rename(target, &st, expected, expected_len, bytes, len, error);
	}
	free(resolved);
	return ok;
}

bool lf_write_atomic(const char *path, const uint8_t *bytes, uint32_t len, char **error)
{
	return lf_write_replace(path, NULL, 0, bytes, len, error);
}
