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
#include <stdlib.h>
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
	unsigned char	 small[64], *vec = small;
	void		*p, *v;
	size_t		 pg, npages, i;
	int		 flags = MAP_SHARED, ok;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	if (len == 0 || pg == 0 || off % (off_t)pg != 0)
		return NULL;
	npages = (len + pg - 1) / pg;
	if (npages > sizeof(small) && (vec = malloc(npages)) == NULL)
		return NULL;
#ifdef MAP_POPULATE
	/* Page tables filled in one call, not a fault per 16 pages later;
	 * pages not cached yet are read in here, where waiting is fine. */
	flags |= MAP_POPULATE;
#endif
	if ((p = mmap(NULL, len, PROT_READ, flags, fd, off)) == MAP_FAILED) {
		p = NULL;
		goto out;
	}
	/* The vector is char * on the BSDs, unsigned char * on Linux. */
	v = vec;
	ok = mincore(p, len, v) == 0;
	for (i = 0; ok && i < npages; i++)
		ok = vec[i] & 1;
	if (!ok) {
		(void)munmap(p, len);
		p = NULL;
	}
out:
	if (vec != small)
		free(vec);
	return p;
#else
	(void)fd;
	(void)off;
	(void)len;
	return NULL;
#endif
}
