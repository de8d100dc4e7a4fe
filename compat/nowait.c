/*
 * Reads that never wait for the disk: where the host has preadv2(2) with
 * RWF_NOWAIT, data already in the page cache is read and anything else
 * fails with EAGAIN at once.  Elsewhere every call says EAGAIN, and the
 * caller does the read where blocking is allowed.  Mappings whose
 * pages are all in memory are mapping.c's.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "compat.h"

ssize_t
compat_pread_nowait(int fd, void *buf, size_t len, off_t off)
{
#ifdef HAVE_RWF_NOWAIT
	struct iovec	 iov;

	iov.iov_base = buf;
	iov.iov_len = len;
	return preadv2(fd, &iov, 1, off, RWF_NOWAIT);
#else
	(void)fd;
	(void)buf;
	(void)len;
	(void)off;
	errno = EAGAIN;
	return -1;
#endif
}
