/*
 * Reopening the file behind a handle with new open flags.  Never by a
 * path built from client input and never with O_CREAT: through the fd's
 * /proc/self/fd magic link where there is one, else by parent fd and name
 * with O_NOFOLLOW, and in both cases the new fd must be the expected
 * dev/ino or the caller gets ESTALE.
 *
 * Two dangers of the by-name way are closed here too: the open is
 * non-blocking until the file is verified (a FIFO swapped in must not
 * hang a worker), and O_TRUNC is applied with ftruncate(2) only after the
 * check, so a swapped-in file is never truncated.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "compat.h"

static int
ro_same(const struct stat *sb, dev_t dev, ino_t ino)
{
	return sb->st_dev == dev && sb->st_ino == ino;
}

int
compat_reopen(int fd, int pfd, const char *name, dev_t dev, ino_t ino,
    int hostflags)
{
	struct stat	sb;
	int		flags, nfd = -1, isdir = 0, fl, serrno;
#ifdef HAVE_PROC_SELF_FD
	char		path[64];
#endif

#ifdef O_TMPFILE
	if ((hostflags & O_TMPFILE) == O_TMPFILE) {
		errno = EINVAL;
		return -1;
	}
#endif
	flags = (hostflags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW)) |
	    O_NONBLOCK | O_CLOEXEC;
	if (fd >= 0) {
		if (fstat(fd, &sb) == -1)
			return -1;
		if (!ro_same(&sb, dev, ino)) {
			errno = ESTALE;
			return -1;
		}
		if (S_ISLNK(sb.st_mode)) {
			errno = ELOOP;
			return -1;
		}
		isdir = S_ISDIR(sb.st_mode);
	}
#ifdef HAVE_PROC_SELF_FD
	if (fd >= 0) {
		/* No O_NOFOLLOW: the magic link is what we follow. */
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		nfd = open(path, flags);
		if (nfd == -1 && errno != ENOENT)
			return -1;
		/* ENOENT: no /proc here; go by name. */
	}
#endif
	if (nfd == -1) {
		if (name != NULL) {
			/* Narrow the window before opening anything. */
			if (fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
				return -1;
			if (!ro_same(&sb, dev, ino)) {
				errno = ESTALE;
				return -1;
			}
			/* A symlink swapped in since is ELOOP everywhere. */
			if ((nfd = openat(pfd, name, flags | O_NOFOLLOW)) == -1)
				errno = compat_nofollow_errno(errno);
		} else if (isdir) {
			/* An export root has no name, but "." is itself. */
			nfd = openat(fd, ".", flags | O_DIRECTORY);
		} else {
			errno = fd >= 0 ? EOPNOTSUPP : EBADF;
			return -1;
		}
		if (nfd == -1)
			return -1;
	}
	if (fstat(nfd, &sb) == -1)
		goto fail;
	if (!ro_same(&sb, dev, ino)) {
		errno = ESTALE;
		goto fail;
	}
	if ((hostflags & O_TRUNC) && (hostflags & O_ACCMODE) != O_RDONLY &&
	    S_ISREG(sb.st_mode) && ftruncate(nfd, 0) == -1)
		goto fail;
	if ((hostflags & O_NONBLOCK) == 0) {
		if ((fl = fcntl(nfd, F_GETFL)) == -1 ||
		    fcntl(nfd, F_SETFL, fl & ~O_NONBLOCK) == -1)
			goto fail;
	}
	return nfd;

fail:
	serrno = errno;
	close(nfd);
	errno = serrno;
	return -1;
}

/*
 * An fd the calls that refuse O_PATH descriptors accept (FreeBSD's
 * extattr_*_fd, for one) from a handle's fd: the fd itself when it can
 * do I/O, else a new read-only one (write-only when reading is refused
 * and forwrite is set) by compat_reopen, so never through a symlink and
 * never a different file.  Only regular files and directories are
 * reopened: a symlink is not followed, and opening a device or a FIFO
 * can have effects of its own; for those the answer is EOPNOTSUPP.  The
 * caller closes a result that is not fd.
 */
int
compat_iofd(int fd, int pfd, const char *name, int forwrite)
{
	struct stat	sb;
	int		nfd;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (compat_fd_is_io(fd))
		return fd;
	if (fstat(fd, &sb) == -1)
		return -1;
	if (S_ISDIR(sb.st_mode))
		return compat_reopen(fd, pfd, name, sb.st_dev, sb.st_ino,
		    O_RDONLY | O_DIRECTORY);
	if (!S_ISREG(sb.st_mode)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	nfd = compat_reopen(fd, pfd, name, sb.st_dev, sb.st_ino, O_RDONLY);
	if (nfd == -1 && errno == EACCES && forwrite)
		nfd = compat_reopen(fd, pfd, name, sb.st_dev, sb.st_ino,
		    O_WRONLY);
	return nfd;
}
