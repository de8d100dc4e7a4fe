/*
 * Reads that never wait for the disk: where the host has preadv2(2) with
 * RWF_NOWAIT, data already in the page cache is read and anything else
 * fails with EAGAIN at once.  Elsewhere every call says EAGAIN, and the
 * caller does the read where blocking is allowed.  Likewise mappings
 * whose pages are all in memory, where mincore(2) can tell.
 */
#include <sys/types.h>
#include <sys/mman.h>
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

void *
compat_map_resident(int fd, off_t off, size_t len)
{
#ifdef HAVE_MINCORE
	unsigned char	 vec[256];	/* one mincore call per 256 pages */
	void		*p;
	size_t		 pg, at, chunk, i, n;
	int		 flags = MAP_SHARED, ok = 1;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	if (len == 0 || pg == 0 || off % (off_t)pg != 0)
		return NULL;
#ifdef MAP_POPULATE
	/* Page tables filled in one call, not a fault per 16 pages later;
	 * pages not cached yet are read in here, where waiting is fine. */
	flags |= MAP_POPULATE;
#endif
	if ((p = mmap(NULL, len, PROT_READ, flags, fd, off)) == MAP_FAILED)
		return NULL;
	for (at = 0; ok && at < len; at += chunk) {
		chunk = len - at < sizeof(vec) * pg ? len - at :
		    sizeof(vec) * pg;
		/* The vector is char * on the BSDs, unsigned char * on
		 * Linux: through void * it is either. */
		ok = mincore((uint8_t *)p + at, chunk, (void *)vec) == 0;
		n = (chunk + pg - 1) / pg;
		for (i = 0; ok && i < n; i++)
			ok = vec[i] & 1;
	}
	if (!ok) {
		(void)munmap(p, len);
		return NULL;
	}
	return p;
#else
	(void)fd;
	(void)off;
	(void)len;
	return NULL;
#endif
}
