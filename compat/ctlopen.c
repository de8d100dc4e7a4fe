/*
 * Control fds: the fd a handle keeps for its file.  It must never follow a
 * final symlink, never block (a FIFO without a writer would hang open(2)),
 * and never be open for writing.  Linux's O_PATH reaches every file; the
 * portable path settles for "no fd" where an ordinary open cannot work,
 * and the other shims then use the parent directory fd and name.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "compat.h"

#ifndef HAVE_O_PATH
/*
 * Errors that mean "this file cannot be opened for reading", as opposed to
 * errors about the name or the process (ENOENT, EMFILE, ...) that the
 * caller must see.  A symlink under O_NOFOLLOW is ELOOP by POSIX, EMLINK
 * on FreeBSD and EFTYPE on NetBSD; a socket is ENXIO or EOPNOTSUPP.
 */
static int
ctl_unopenable(int e)
{
	switch (e) {
	case ELOOP:
	case EMLINK:
	case EACCES:
	case EPERM:
	case ENXIO:
	case ENODEV:
	case EOPNOTSUPP:
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
	case ENOTSUP:
#endif
#ifdef EFTYPE
	case EFTYPE:
#endif
	case ETXTBSY:
		return 1;
	}
	return 0;
}
#endif

int
compat_ctlopen(int dirfd, const char *name, int *fdp, struct stat *st)
{
	int	fd, serrno;

	*fdp = -1;
	fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return -1;
#ifdef HAVE_O_PATH
		fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1)
			return -1;
#else
		if (!ctl_unopenable(errno))
			return -1;
		/*
		 * The file exists but has no fd here; describe it without
		 * following it.  Later shims reach it by dirfd and name.
		 */
		if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == -1)
			return -1;
		return 0;
#endif
	}
	if (fstat(fd, st) == -1) {
		serrno = errno;
		close(fd);
		errno = serrno;
		return -1;
	}
	*fdp = fd;
	return 0;
}

int
compat_fd_is_io(int fd)
{
#ifdef HAVE_O_PATH
	int	fl;

	if (fd < 0 || (fl = fcntl(fd, F_GETFL)) == -1)
		return 0;
	return (fl & O_PATH) == 0;
#else
	return fd >= 0;
#endif
}
