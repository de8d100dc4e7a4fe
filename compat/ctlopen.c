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
#include <string.h>
#include <unistd.h>
#if defined(HAVE_OPENAT2_CACHED) && defined(HAVE_O_PATH)
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

#include "compat.h"

#ifndef HAVE_O_PATH
/*
 * Errors that mean "this file cannot be opened for reading", as opposed to
 * errors about the name or the process (ENOENT, EMFILE, ...) that the
 * caller must see.  A symlink under O_NOFOLLOW is ELOOP once
 * compat_nofollow_errno has had it; a socket is ENXIO or EOPNOTSUPP.
 */
static int
ctl_unopenable(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case ENXIO:
	case ENODEV:
	case EOPNOTSUPP:
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
	case ENOTSUP:
#endif
	case ETXTBSY:
		return 1;
	}
	return 0;
}
#endif

/* Describe the new fd in *st and hand it out, or close it on error. */
static int
ctl_settle(int fd, int *fdp, struct stat *st)
{
	int	 serrno;

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
compat_ctlopen(int dirfd, const char *name, int *fdp, struct stat *st)
{
	int	fd;

	*fdp = -1;
#ifdef HAVE_O_PATH
	/*
	 * A path-only descriptor: no open of the file itself, so a device
	 * node, FIFO or unreadable file is never opened for I/O, and no
	 * permission is needed to hold it.  Every use that needs I/O
	 * reopens it through the descriptor.
	 */
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
#else
	struct stat	 ost;
	int		 tries = 0;

again:
	/* Look before opening: never open a device node or FIFO at all. */
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		return 0;	/* reached by dirfd and name only */
	fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
	    O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		errno = compat_nofollow_errno(errno);
		/*
		 * A symlink took the file's place since the look: look
		 * again, so the caller sees what is there now (a symlink,
		 * no fd) and not the old file's type.
		 */
		if (errno == ELOOP && ++tries < 8)
			goto again;
		if (!ctl_unopenable(errno))
			return -1;
		/* It exists but has no fd here: st already describes it. */
		return 0;
	}
	/*
	 * Something else may have been renamed over the name between the
	 * look and the open: a device node opened that way is not kept as
	 * a control fd (it was opened once, read-only and non-blocking;
	 * without O_PATH nothing can prevent that).  Look again: the next
	 * round sees what the name is now.
	 */
	if (fstat(fd, &ost) == -1 || ost.st_dev != st->st_dev ||
	    ost.st_ino != st->st_ino ||
	    (!S_ISREG(ost.st_mode) && !S_ISDIR(ost.st_mode))) {
		close(fd);
		if (++tries < 8)
			goto again;
		errno = EAGAIN;
		return -1;
	}
#endif
	return ctl_settle(fd, fdp, st);
}

/*
 * compat_ctlopen from the kernel's lookup cache only, for a caller that
 * must not wait for the disk: EAGAIN when the name is not cached, or
 * when the host cannot look up that way (then always).  Linux 5.12's
 * openat2(RESOLVE_CACHED); RESOLVE_BENEATH on top, so even a bug that
 * let ".." or a "/" through could not leave dirfd.  A cached negative
 * entry is ENOENT at once, like the real lookup.
 */
int
compat_ctlopen_cached(int dirfd, const char *name, int *fdp, struct stat *st)
{
#if defined(HAVE_OPENAT2_CACHED) && defined(HAVE_O_PATH)
	struct open_how	 how;
	int		 fd;

	*fdp = -1;
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_CACHED | RESOLVE_BENEATH |
	    RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd == -1) {
		/* Older kernels refuse the flag or the call: not here. */
		if (errno == ENOSYS || errno == EINVAL || errno == E2BIG ||
		    errno == EXDEV)
			errno = EAGAIN;
		return -1;
	}
	return ctl_settle(fd, fdp, st);
#else
	(void)dirfd;
	(void)name;
	(void)st;
	*fdp = -1;
	errno = EAGAIN;
	return -1;
#endif
}

int
compat_ctl_is_path(void)
{
#ifdef HAVE_O_PATH
	return 1;
#else
	return 0;
#endif
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
