/*
 * libfault: an LD_PRELOAD shim that injects I/O faults into loadfix, for
 * tests/e2e/faults.sh.  Everything is off unless its environment variable
 * is set:
 *
 *   FAULT_MATCH=PREFIX         which files the write/fsync/rename faults hit:
 *                              those whose name (last component) starts with
 *                              PREFIX; default ".loadfix-" (loadfix's
 *                              temporary files), so standard output and the
 *                              files being read are never affected
 *   FAULT_WRITE_ERRNO=E        write() to a matching file fails with E
 *                              (a name such as ENOSPC, or a number)
 *   FAULT_WRITE_AFTER=N        ... after N bytes were written (a short write
 *                              first), default 0
 *   FAULT_WRITE_SLEEP_MS=MS    every write() to a matching file first sleeps
 *   FAULT_SLEEP_MARK=PATH      ... and first creates PATH (so that a test
 *                              knows the slow write has begun)
 *   FAULT_FSYNC_ERRNO=E        fsync()/fdatasync() of a matching file fails
 *   FAULT_RENAME_ERRNO=E       rename*() of a matching file fails
 *   FAULT_OPEN_DELETE=PATH     the first read-only open() of exactly PATH
 *                              finds it deleted (we delete it first)
 *   FAULT_OPEN_DIR=PATH        ... finds a directory in its place
 *   FAULT_TIMES=N              inject only the first N write/fsync/rename
 *                              faults, then behave (with -j1: only the first
 *                              file fails, the others must still be fixed)
 *   FAULT_TEMP_MODIFY=PATH     when a matching file is created, PATH gets a
 *                              line appended first (a concurrent edit between
 *                              loadfix reading PATH and replacing it)
 *
 * Build: cc -shared -fPIC -o libfault.so fault.c -ldl
 */
/* We define open and open64 (etc.) ourselves: the headers must not rename
 * one to the other (meson builds with -D_FILE_OFFSET_BITS=64). */
#undef _FILE_OFFSET_BITS
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const struct {
	const char *name;
	int value;
} ERRNOS[] = {
        {"ENOSPC", ENOSPC}, {"EIO", EIO},       {"EDQUOT", EDQUOT}, {"EFBIG", EFBIG}, {"EXDEV", EXDEV},
        {"EACCES", EACCES}, {"EPERM", EPERM},   {"EROFS", EROFS},   {"EBUSY", EBUSY}, {"ENOENT", ENOENT},
        {"EINTR", EINTR},   {"ENOMEM", ENOMEM}, {"EAGAIN", EAGAIN},
};

/* The errno an environment variable names, or 0 when unset. */
static int env_errno(const char *var)
{
	const char *text = getenv(var);
	if (!text || !*text)
		return 0;
	for (size_t i = 0; i < sizeof ERRNOS / sizeof ERRNOS[0]; i++)
		if (strcmp(text, ERRNOS[i].name) == 0)
			return ERRNOS[i].value;
	return atoi(text);
}

static long env_long(const char *var, long fallback)
{
	const char *text = getenv(var);
	return text && *text ? atol(text) : fallback;
}

static bool name_matches(const char *path)
{
	const char *prefix = getenv("FAULT_MATCH");
	if (!prefix || !*prefix)
		prefix = ".loadfix-";
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strncmp(base, prefix, strlen(prefix)) == 0;
}

static bool fd_matches(int fd)
{
	char link[64], target[PATH_MAX + 1];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, PATH_MAX);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return name_matches(target);
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

/* ---- open: the delete/replace race and the concurrent edit ------------- */

static atomic_int open_fault_done;
static atomic_int modify_done;

static void before_open(const char *path, int flags)
{
	if (!path)
		return;
	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_DIRECTORY)) {
		const char *deleted = getenv("FAULT_OPEN_DELETE");
		const char *dir = getenv("FAULT_OPEN_DIR");
		if (deleted && strcmp(path, deleted) == 0 && !atomic_exchange(&open_fault_done, 1))
			unlink(path);
		if (dir && strcmp(path, dir) == 0 && !atomic_exchange(&open_fault_done, 1)) {
			unlink(path);
			mkdir(path, 0755);
		}
	}
	const char *modify = getenv("FAULT_TEMP_MODIFY");
	if (modify && (flags & O_CREAT) && name_matches(path) && !atomic_exchange(&modify_done, 1)) {
		FILE *f = fopen(modify, "a");
		if (f) {
			fputs("# edited while loadfix was fixing this file\n", f);
			fclose(f);
		}
	}
}

static mode_t mode_arg(int flags, va_list args)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(args, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list args;
	va_start(args, flags);
	mode_t mode = mode_arg(flags, args);
	va_end(args);
	before_open(path, flags);
	return REAL(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list args;
	va_start(args, flags);
	mode_t mode = mode_arg(flags, args);
	va_end(args);
	before_open(path, flags);
	return REAL(open64)(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list args;
	va_start(args, flags);
	mode_t mode = mode_arg(flags, args);
	va_end(args);
	before_open(path, flags);
	return REAL(openat)(dir, path, flags, mode);
}

int openat64(int dir, const char *path, int flags, ...)
{
	va_list args;
	va_start(args, flags);
	mode_t mode = mode_arg(flags, args);
	va_end(args);
	before_open(path, flags);
	return REAL(openat64)(dir, path, flags, mode);
}

/* _FORTIFY_SOURCE variants (open without a mode). */
int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
	before_open(path, flags);
	return REAL(open)(path, flags, 0);
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
	before_open(path, flags);
	return REAL(open64)(path, flags, 0);
}

/* ---- write, fsync, rename ------------------------------------------------ */

static atomic_long written;  /* bytes written to matching files */
static atomic_long failures; /* faults injected so far */

/* Whether one more fault may be injected (FAULT_TIMES); counts it. */
static bool take_fault(void)
{
	long times = env_long("FAULT_TIMES", -1);
	if (times >= 0 && atomic_fetch_add(&failures, 1) >= times)
		return false;
	return true;
}

/* The faults of one write to `fd`: 0 when none apply; else sleeps, then
 * returns -1 (errno set) when the write must fail, or 1 (maybe with *count
 * trimmed for a short write). */
static int write_faults(int fd, size_t *count, atomic_long *counter)
{
	int err = env_errno("FAULT_WRITE_ERRNO");
	long sleep_ms = env_long("FAULT_WRITE_SLEEP_MS", 0);
	if (!(err || sleep_ms) || !fd_matches(fd))
		return 0;
	if (sleep_ms) {
		const char *mark = getenv("FAULT_SLEEP_MARK");
		int mark_fd = mark && *mark ? REAL(open)(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
		if (mark_fd >= 0)
			close(mark_fd);
		struct timespec pause = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
		nanosleep(&pause, NULL);
	}
	if (!err)
		return 1;
	long after = env_long("FAULT_WRITE_AFTER", 0);
	long done = atomic_load(counter);
	if (done < after) {
		if ((long)*count > after - done)
			*count = (size_t)(after - done); /* a short write first */
		return 1;
	}
	if (!take_fault())
		return 1;
	errno = err;
	return -1;
}

static atomic_long pwritten;

ssize_t write(int fd, const void *buf, size_t count)
{
	int faults = write_faults(fd, &count, &written);
	if (faults < 0)
		return -1;
	ssize_t put = REAL(write)(fd, buf, count);
	if (faults && put > 0)
		atomic_fetch_add(&written, put);
	return put;
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	int faults = write_faults(fd, &count, &pwritten);
	if (faults < 0)
		return -1;
	ssize_t put = REAL(pwrite)(fd, buf, count, offset);
	if (faults && put > 0)
		atomic_fetch_add(&pwritten, put);
	return put;
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset)
{
	return pwrite(fd, buf, count, offset);
}

int fsync(int fd)
{
	int err = env_errno("FAULT_FSYNC_ERRNO");
	if (err && fd_matches(fd) && take_fault()) {
		errno = err;
		return -1;
	}
	return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
	int err = env_errno("FAULT_FSYNC_ERRNO");
	if (err && fd_matches(fd) && take_fault()) {
		errno = err;
		return -1;
	}
	return REAL(fdatasync)(fd);
}

int rename(const char *from, const char *to)
{
	int err = env_errno("FAULT_RENAME_ERRNO");
	if (err && name_matches(from) && take_fault()) {
		errno = err;
		return -1;
	}
	return REAL(rename)(from, to);
}

int renameat(int from_dir, const char *from, int to_dir, const char *to)
{
	int err = env_errno("FAULT_RENAME_ERRNO");
	if (err && name_matches(from) && take_fault()) {
		errno = err;
		return -1;
	}
	return REAL(renameat)(from_dir, from, to_dir, to);
}

int renameat2(int from_dir, const char *from, int to_dir, const char *to, unsigned flags)
{
	int err = env_errno("FAULT_RENAME_ERRNO");
	if (err && name_matches(from) && take_fault()) {
		errno = err;
		return -1;
	}
	return REAL(renameat2)(from_dir, from, to_dir, to, flags);
}
