/*
 * Extended attributes on a handle triple, with Linux-style names
 * ("user.foo") and the wire's P9_XATTR_* flags.
 *
 * Linux: the f*xattr calls on an fd open for I/O; an O_PATH fd goes
 * through its /proc/self/fd magic link, which the path calls follow to
 * the fd's own inode.  A symlink cannot be reached safely without a path
 * string (no *xattrat calls in the C library), and Linux refuses user.*
 * attributes on symlinks anyway, so a symlink has no attributes here and
 * setting one is EPERM, as Linux says.
 *
 * FreeBSD: extattr(2) on the fd (reopened for I/O where it is O_PATH),
 * user namespace only.  Elsewhere ENOTSUP.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9.h"
#include "compat.h"

#define XA_USER		"user."
#define XA_USERLEN	(sizeof(XA_USER) - 1)

#if defined(HAVE_SYS_XATTR)
#include <sys/xattr.h>

enum xa_how { XA_FD, XA_PATH, XA_LINK };

/* Returns how to reach the file, or -1 with errno set. */
static int
xa_target(int fd, int pfd, const char *name, char *path, size_t pathsz)
{
	struct stat	sb;

	if (fd >= 0 && compat_fd_is_io(fd))
		return XA_FD;
	if (compat_fstat(fd, pfd, name, &sb) == -1)
		return -1;
	if (S_ISLNK(sb.st_mode))
		return XA_LINK;
#ifdef HAVE_PROC_SELF_FD
	if (fd >= 0) {
		(void)snprintf(path, pathsz, "/proc/self/fd/%d", fd);
		return XA_PATH;
	}
#else
	(void)path;
	(void)pathsz;
#endif
	/*
	 * No fd means the file could not be opened for reading, and user
	 * attributes need the same permission.
	 */
	errno = EACCES;
	return -1;
}

/* What Linux answers for a change to a symlink's attributes. */
static int
xa_linkchange(const char *attr)
{
	errno = strncmp(attr, XA_USER, XA_USERLEN) == 0 ? EPERM : EOPNOTSUPP;
	return -1;
}

ssize_t
compat_getxattr(int fd, int pfd, const char *name, const char *attr,
    void *buf, size_t size)
{
	char	path[64];

	switch (xa_target(fd, pfd, name, path, sizeof(path))) {
	case XA_FD:
		return fgetxattr(fd, attr, buf, size);
	case XA_PATH:
		return getxattr(path, attr, buf, size);
	case XA_LINK:
		errno = ENODATA;
		return -1;
	}
	return -1;
}

ssize_t
compat_listxattr(int fd, int pfd, const char *name, char *buf, size_t size)
{
	char	path[64];

	switch (xa_target(fd, pfd, name, path, sizeof(path))) {
	case XA_FD:
		return flistxattr(fd, buf, size);
	case XA_PATH:
		return listxattr(path, buf, size);
	case XA_LINK:
		return 0;
	}
	return -1;
}

int
compat_setxattr(int fd, int pfd, const char *name, const char *attr,
    const void *buf, size_t size, int wireflags)
{
	char	path[64];
	int	flags = 0;

	if (wireflags & ~(P9_XATTR_CREATE | P9_XATTR_REPLACE)) {
		errno = EINVAL;
		return -1;
	}
	if (wireflags & P9_XATTR_CREATE)
		flags |= XATTR_CREATE;
	if (wireflags & P9_XATTR_REPLACE)
		flags |= XATTR_REPLACE;
	switch (xa_target(fd, pfd, name, path, sizeof(path))) {
	case XA_FD:
		return fsetxattr(fd, attr, buf, size, flags);
	case XA_PATH:
		return setxattr(path, attr, buf, size, flags);
	case XA_LINK:
		return xa_linkchange(attr);
	}
	return -1;
}

int
compat_removexattr(int fd, int pfd, const char *name, const char *attr)
{
	char	path[64];

	switch (xa_target(fd, pfd, name, path, sizeof(path))) {
	case XA_FD:
		return fremovexattr(fd, attr);
	case XA_PATH:
		return removexattr(path, attr);
	case XA_LINK:
		return xa_linkchange(attr);
	}
	return -1;
}

#elif defined(HAVE_EXTATTR)
#include <sys/extattr.h>

/*
 * FreeBSD has no *at extattr calls and no extattr on a name relative to
 * a directory fd, so a file without an fd has no reachable attributes.
 * extattr_*_fd refuses an O_PATH fd (EBADF), which is what a handle
 * holds from 14.0 on: such a file or directory is reopened for I/O by
 * compat_iofd, never through a symlink.  Symlinks and special files
 * (which are not opened for this) have no reachable attributes either.
 */
static int
xa_name(const char *attr, const char **an)
{
	if (strncmp(attr, XA_USER, XA_USERLEN) != 0) {
		errno = EOPNOTSUPP;
		return -1;
	}
	*an = attr + XA_USERLEN;
	if (**an == '\0') {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* An fd extattr accepts, or -1: ENOATTR where none can be had. */
static int
xa_io(int fd, int pfd, const char *name, int forwrite)
{
	int	iofd;

	if (fd < 0) {
		errno = ENOATTR;
		return -1;
	}
	if ((iofd = compat_iofd(fd, pfd, name, forwrite)) == -1 &&
	    errno == EOPNOTSUPP)
		errno = ENOATTR;
	return iofd;
}

static void
xa_done(int iofd, int fd)
{
	int	serrno = errno;

	if (iofd != fd)
		close(iofd);
	errno = serrno;
}

ssize_t
compat_getxattr(int fd, int pfd, const char *name, const char *attr,
    void *buf, size_t size)
{
	const char	*an;
	ssize_t		 n;
	int		 iofd;

	if (xa_name(attr, &an) == -1 ||
	    (iofd = xa_io(fd, pfd, name, 0)) == -1)
		return -1;
	if (buf == NULL || size == 0)
		n = extattr_get_fd(iofd, EXTATTR_NAMESPACE_USER, an, NULL, 0);
	/* extattr truncates silently; Linux says ERANGE. */
	else if ((n = extattr_get_fd(iofd, EXTATTR_NAMESPACE_USER, an, NULL,
	    0)) != -1) {
		if ((size_t)n > size) {
			errno = ERANGE;
			n = -1;
		} else
			n = extattr_get_fd(iofd, EXTATTR_NAMESPACE_USER, an,
			    buf, size);
	}
	xa_done(iofd, fd);
	return n;
}

/* extattr lists length-prefixed names; Linux lists "user.name\0". */
ssize_t
compat_listxattr(int fd, int pfd, const char *name, char *buf, size_t size)
{
	unsigned char	*raw = NULL;
	ssize_t		 rawlen, i, ret = -1;
	size_t		 need = 0, len;
	int		 iofd;

	if ((iofd = xa_io(fd, pfd, name, 0)) == -1)
		return errno == ENOATTR ? 0 : -1;
	if ((rawlen = extattr_list_fd(iofd, EXTATTR_NAMESPACE_USER, NULL,
	    0)) <= 0) {
		ret = rawlen;
		goto done;
	}
	if ((raw = malloc(rawlen)) == NULL)
		goto done;
	if ((rawlen = extattr_list_fd(iofd, EXTATTR_NAMESPACE_USER, raw,
	    rawlen)) == -1)
		goto done;
	for (i = 0; i < rawlen; i += 1 + len) {
		len = raw[i];
		if (i + 1 + (ssize_t)len > rawlen)
			break;
		if (buf != NULL && size != 0) {
			if (need + XA_USERLEN + len + 1 > size) {
				errno = ERANGE;
				goto done;
			}
			memcpy(buf + need, XA_USER, XA_USERLEN);
			memcpy(buf + need + XA_USERLEN, raw + i + 1, len);
			buf[need + XA_USERLEN + len] = '\0';
		}
		need += XA_USERLEN + len + 1;
	}
	ret = need;
done:
	free(raw);
	xa_done(iofd, fd);
	return ret;
}

int
compat_setxattr(int fd, int pfd, const char *name, const char *attr,
    const void *buf, size_t size, int wireflags)
{
	const char	*an;
	ssize_t		 had;
	int		 iofd, rc = -1;

	if (wireflags & ~(P9_XATTR_CREATE | P9_XATTR_REPLACE)) {
		errno = EINVAL;
		return -1;
	}
	if (xa_name(attr, &an) == -1 ||
	    (iofd = xa_io(fd, pfd, name, 1)) == -1)
		return -1;
	/* extattr has no create/replace flags; check first. */
	had = extattr_get_fd(iofd, EXTATTR_NAMESPACE_USER, an, NULL, 0);
	if ((wireflags & P9_XATTR_CREATE) && had >= 0)
		errno = EEXIST;
	else if ((wireflags & P9_XATTR_REPLACE) && had == -1)
		;
	else if (extattr_set_fd(iofd, EXTATTR_NAMESPACE_USER, an, buf,
	    size) != -1)
		rc = 0;
	xa_done(iofd, fd);
	return rc;
}

int
compat_removexattr(int fd, int pfd, const char *name, const char *attr)
{
	const char	*an;
	int		 iofd, rc;

	if (xa_name(attr, &an) == -1 ||
	    (iofd = xa_io(fd, pfd, name, 1)) == -1)
		return -1;
	rc = extattr_delete_fd(iofd, EXTATTR_NAMESPACE_USER, an);
	xa_done(iofd, fd);
	return rc;
}

#else /* neither */

ssize_t
compat_getxattr(int fd, int pfd, const char *name, const char *attr,
    void *buf, size_t size)
{
	(void)fd; (void)pfd; (void)name; (void)attr; (void)buf; (void)size;
	errno = ENOTSUP;
	return -1;
}

ssize_t
compat_listxattr(int fd, int pfd, const char *name, char *buf, size_t size)
{
	(void)fd; (void)pfd; (void)name; (void)buf; (void)size;
	errno = ENOTSUP;
	return -1;
}

int
compat_setxattr(int fd, int pfd, const char *name, const char *attr,
    const void *buf, size_t size, int wireflags)
{
	(void)fd; (void)pfd; (void)name; (void)attr; (void)buf; (void)size;
	(void)wireflags;
	errno = ENOTSUP;
	return -1;
}

int
compat_removexattr(int fd, int pfd, const char *name, const char *attr)
{
	(void)fd; (void)pfd; (void)name; (void)attr;
	errno = ENOTSUP;
	return -1;
}
#endif
