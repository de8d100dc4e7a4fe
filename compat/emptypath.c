/*
 * The AT_EMPTY_PATH family on a handle triple (fd, parent fd, name).
 * Linux acts on the fd itself, even an O_PATH one, so a rename of the name
 * cannot redirect the call.  Elsewhere the call goes through the parent fd
 * and name with AT_SYMLINK_NOFOLLOW, after checking that the name still is
 * the fd's file where there is an fd to check against.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "compat.h"

/*
 * May the caller use pfd/name for the file behind fd?  Not without a name
 * (an export root); not if the name now holds another file.
 */
static int
ep_byname(int fd, int pfd, const char *name)
{
	struct stat	fsb, nsb;

	if (name == NULL) {
		errno = fd >= 0 ? EOPNOTSUPP : EBADF;
		return -1;
	}
	if (fd < 0)
		return 0;
	if (fstat(fd, &fsb) == -1 ||
	    fstatat(pfd, name, &nsb, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (fsb.st_dev != nsb.st_dev || fsb.st_ino != nsb.st_ino) {
		errno = ESTALE;
		return -1;
	}
	return 0;
}

int
compat_fstat(int fd, int pfd, const char *name, struct stat *st)
{
	if (fd >= 0)
		return fstat(fd, st);
	if (ep_byname(fd, pfd, name) == -1)
		return -1;
	return fstatat(pfd, name, st, AT_SYMLINK_NOFOLLOW);
}

int
compat_fchown(int fd, int pfd, const char *name, uid_t uid, gid_t gid)
{
	if (fd >= 0 && compat_fd_is_io(fd))
		return fchown(fd, uid, gid);
#ifdef HAVE_AT_EMPTY_PATH
	/* An O_PATH fd of a symlink names the link itself. */
	if (fd >= 0)
		return fchownat(fd, "", uid, gid,
		    AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
#endif
	if (ep_byname(fd, pfd, name) == -1)
		return -1;
	return fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW);
}

/*
 * Linux cannot change a symlink's mode at all (EOPNOTSUPP, as glibc's
 * fchmodat says); BSD lchmod can, and fchmodat with AT_SYMLINK_NOFOLLOW
 * does it there.
 */
int
compat_fchmod(int fd, int pfd, const char *name, mode_t mode)
{
#if defined(HAVE_O_PATH) && defined(HAVE_PROC_SELF_FD)
	struct stat	sb;
	char		path[64];
#endif

	if (fd >= 0 && compat_fd_is_io(fd))
		return fchmod(fd, mode);
#if defined(HAVE_O_PATH) && defined(HAVE_PROC_SELF_FD)
	if (fd >= 0) {
		if (fstat(fd, &sb) == -1)
			return -1;
		if (S_ISLNK(sb.st_mode)) {
			errno = EOPNOTSUPP;
			return -1;
		}
		/* The magic link leads to the fd's inode, not to a name. */
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (fchmodat(AT_FDCWD, path, mode, 0) == 0)
			return 0;
		if (errno != ENOENT)
			return -1;
		/* No /proc mounted: go by name. */
	}
#endif
	if (ep_byname(fd, pfd, name) == -1)
		return -1;
	return fchmodat(pfd, name, mode, AT_SYMLINK_NOFOLLOW);
}

ssize_t
compat_readlink(int fd, int pfd, const char *name, char *buf, size_t size)
{
	/* A symlink is never open for I/O. */
	if (fd >= 0 && compat_fd_is_io(fd)) {
		errno = EINVAL;
		return -1;
	}
#ifdef HAVE_AT_EMPTY_PATH
	if (fd >= 0) {
		struct stat	sb;
		ssize_t		n;

		n = readlinkat(fd, "", buf, size);
		/* Linux says ENOENT for an O_PATH fd of a non-symlink. */
		if (n == -1 && errno == ENOENT && fstat(fd, &sb) == 0 &&
		    !S_ISLNK(sb.st_mode))
			errno = EINVAL;
		return n;
	}
#endif
	if (ep_byname(fd, pfd, name) == -1)
		return -1;
	return readlinkat(pfd, name, buf, size);
}

/*
 * Did the link land on the file we meant?  If the name was swapped between
 * the check and linkat(2), take the wrong link back and say ESTALE.
 */
static int
ep_linked(const struct stat *st, int newdirfd, const char *newname)
{
	struct stat	sb;

	if (fstatat(newdirfd, newname, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (sb.st_dev != st->st_dev || sb.st_ino != st->st_ino) {
		(void)unlinkat(newdirfd, newname, 0);
		errno = ESTALE;
		return -1;
	}
	return 0;
}

int
compat_link(int fd, int pfd, const char *name, const struct stat *st,
    int newdirfd, const char *newname)
{
	struct stat	sb;
#ifdef HAVE_PROC_SELF_FD
	char		path[64];
#endif

#ifdef HAVE_AT_EMPTY_PATH
	if (fd >= 0) {
		if (linkat(fd, "", newdirfd, newname, AT_EMPTY_PATH) == 0)
			return ep_linked(st, newdirfd, newname);
		/* Without CAP_DAC_READ_SEARCH the kernel says ENOENT. */
		if (errno != ENOENT && errno != EPERM)
			return -1;
	}
#endif
#ifdef HAVE_PROC_SELF_FD
	if (fd >= 0) {
		/*
		 * Following the magic link reaches the fd's own inode, a
		 * symlink included; ep_linked() checks that it did.
		 */
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, path, newdirfd, newname,
		    AT_SYMLINK_FOLLOW) == 0)
			return ep_linked(st, newdirfd, newname);
		if (errno != ENOENT)
			return -1;
	}
#endif
	if (name == NULL) {
		errno = fd >= 0 ? EOPNOTSUPP : EBADF;
		return -1;
	}
	if (fstatat(pfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	if (sb.st_dev != st->st_dev || sb.st_ino != st->st_ino) {
		errno = ESTALE;
		return -1;
	}
	/* Flags 0: POSIX linkat(2) does not follow a final symlink. */
	if (linkat(pfd, name, newdirfd, newname, 0) == -1)
		return -1;
	return ep_linked(st, newdirfd, newname);
}
