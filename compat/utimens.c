/*
 * Setting times on a handle.  An fd open for I/O takes futimens(2); a
 * Linux O_PATH fd goes through AT_EMPTY_PATH or its /proc/self/fd magic
 * link; everything else, symlinks above all, through the parent fd and
 * name with AT_SYMLINK_NOFOLLOW so a link's own times change, never its
 * target's.  UTIME_NOW and UTIME_OMIT are POSIX 2008 and pass through.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "compat.h"

int
compat_utimens(int fd, int pfd, const char *name, mode_t type,
    const struct timespec ts[2])
{
	struct stat	fsb, nsb;
#if defined(HAVE_O_PATH) && defined(HAVE_PROC_SELF_FD)
	char		path[64];
#endif

	if (!S_ISLNK(type) && fd >= 0 && compat_fd_is_io(fd))
		return futimens(fd, ts);
#ifdef HAVE_AT_EMPTY_PATH
	/*
	 * Linux 5.8 and later take AT_EMPTY_PATH here, which reaches a
	 * symlink's O_PATH fd too; older kernels say EINVAL or ENOENT.
	 */
	if (fd >= 0) {
		if (utimensat(fd, "", ts, AT_EMPTY_PATH |
		    AT_SYMLINK_NOFOLLOW) == 0)
			return 0;
		if (errno != EINVAL && errno != ENOENT)
			return -1;
	}
#endif
#if defined(HAVE_O_PATH) && defined(HAVE_PROC_SELF_FD)
	/* Not for a symlink: following the magic link could go on. */
	if (!S_ISLNK(type) && fd >= 0) {
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (utimensat(AT_FDCWD, path, ts, 0) == 0)
			return 0;
		if (errno != ENOENT)
			return -1;
	}
#endif
	if (name == NULL) {
		errno = fd >= 0 ? EOPNOTSUPP : EBADF;
		return -1;
	}
	if (fd >= 0) {
		if (fstat(fd, &fsb) == -1 ||
		    fstatat(pfd, name, &nsb, AT_SYMLINK_NOFOLLOW) == -1)
			return -1;
		if (fsb.st_dev != nsb.st_dev || fsb.st_ino != nsb.st_ino) {
			errno = ESTALE;
			return -1;
		}
	}
	return utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
}
