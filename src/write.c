#include "loadfix/write.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loadfix/buf.h"

static bool write_all(int fd, const uint8_t *bytes, uint32_t len)
{
	while (len > 0) {
		ssize_t put = write(fd, bytes, len);
		if (put < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		bytes += put;
		len -= (uint32_t)put;
	}
	return true;
}

static char *directory_of(const char *path)
{
	char *copy = lf_xstrdup(path);
	char *dir = lf_xstrdup(dirname(copy));
	free(copy);
	return dir;
}

bool lf_write_atomic(const char *path, const uint8_t *bytes, uint32_t len, char **error)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		*error = lf_xstrdup(strerror(errno));
		return false;
	}
	char *dir = directory_of(path);
	char *temp = lf_xasprintf("%s/.loadfix-XXXXXX", dir);
	int fd = mkostemp(temp, O_CLOEXEC);
	if (fd < 0) {
		*error = lf_xasprintf("cannot create a temporary file in %s: %s", dir, strerror(errno));
		free(temp);
		free(dir);
		return false;
	}
	int saved = 0;
	if (!write_all(fd, bytes, len) || fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0)
		saved = errno;
	/* Keep the owner where we may (root fixing another user's files). */
	if (!saved && (st.st_uid != geteuid() || st.st_gid != getegid()))
		(void)!fchown(fd, st.st_uid, st.st_gid);
	if (close(fd) != 0 && !saved)
		saved = errno;
	if (!saved && rename(temp, path) != 0)
		saved = errno;
	if (saved) {
		unlink(temp);
		*error = lf_xstrdup(strerror(saved));
		free(temp);
		free(dir);
		return false;
	}
	/* Make the rename itself durable.  A failure here cannot be undone and
	 * the new content is in place, so it is not reported as an error. */
	int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd >= 0) {
		(void)fsync(dir_fd);
		close(dir_fd);
	}
	free(temp);
	free(dir);
	return true;
}
