/*
 * mkfifoat(2) and mknodat(2).  Without them the only way is a path
 * relative to the current directory, and changing that is process wide
 * (the workers are threads), or a path string through the directory's
 * path, which could meet a symlink: neither keeps the daemon's promise,
 * so the call is refused.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>

#include "compat.h"

int
compat_mkfifoat(int dirfd, const char *name, mode_t mode)
{
#ifdef HAVE_MKNODAT
	return mkfifoat(dirfd, name, mode);
#else
	(void)dirfd;
	(void)name;
	(void)mode;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

int
compat_mknodat(int dirfd, const char *name, mode_t mode, dev_t dev)
{
#ifdef HAVE_MKNODAT
	return mknodat(dirfd, name, mode, dev);
#else
	(void)dirfd;
	(void)name;
	(void)mode;
	(void)dev;
	errno = EOPNOTSUPP;
	return -1;
#endif
}
