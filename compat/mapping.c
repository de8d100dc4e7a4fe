/*
 * Read-only windows on a file that replies are sent from, with no copy
 * into a buffer first (and compat_map_resident's one-read mapping).  Three things the platforms do differently: the
 * window itself (mmap), whether its pages can be sent without waiting
 * for the disk (mincore(2), and Linux's MADV_POPULATE_READ to fill the
 * page tables ahead of the send), and a copy out of a window that never
 * raises SIGBUS when the file shrank under it: only the kernel touches
 * the window, and it reports EFAULT instead.
 */
#include <sys/types.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"

#if defined(MADV_POPULATE_READ) && !defined(PORTABLE_FALLBACKS)
#define HAVE_POPULATE_READ
#endif

#define COPY_CHUNK	(64 * 1024)	/* what an empty pipe always takes */

void *
compat_window_map(int fd, off_t off, size_t len)
{
	void	*p;

	if ((p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off)) ==
	    MAP_FAILED)
		return NULL;
	return p;
}

void
compat_window_unmap(void *p, size_t len)
{
	if (p != NULL)
		(void)munmap(p, len);
}

/* Every page of [p, p + len) in the page cache; p page aligned. */
static int
window_resident(const uint8_t *p, size_t len)
{
#ifdef HAVE_MINCORE
	unsigned char	 vec[256];	/* one mincore call per 256 pages */
	size_t		 pg, at, chunk, i, n;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	for (at = 0; at < len; at += chunk) {
		chunk = len - at < sizeof(vec) * pg ? len - at :
		    sizeof(vec) * pg;
		/* char * on the BSDs, unsigned char * on Linux. */
		if (mincore((void *)(uintptr_t)(p + at), chunk,
		    (void *)vec) == -1)
			return 0;
		n = (chunk + pg - 1) / pg;
		for (i = 0; i < n; i++)
			if (!(vec[i] & 1))
				return 0;
	}
	return 1;
#else
	(void)p;
	(void)len;
	return 0;
#endif
}

void *
compat_map_resident(int fd, off_t off, size_t len)
{
	void	*p;
	long	 pg = sysconf(_SC_PAGESIZE);
	int	 flags = MAP_SHARED;

	if (len == 0 || pg <= 0 || off % (off_t)pg != 0)
		return NULL;
#ifdef MAP_POPULATE
	/* Page tables filled in one call, not a fault per 16 pages later;
	 * pages not cached yet are read in here, where waiting is fine. */
	flags |= MAP_POPULATE;
#endif
	if ((p = mmap(NULL, len, PROT_READ, flags, fd, off)) == MAP_FAILED)
		return NULL;
	if (!window_resident(p, len)) {
		(void)munmap(p, len);
		return NULL;
	}
	return p;
}

int
compat_window_ready(const void *p, size_t len, int maywait)
{
	const uint8_t	*a = p;
	size_t		 pg, skip;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	if (len == 0 || pg == 0)
		return 0;
	skip = (uintptr_t)a % pg;
	a -= skip;
	len += skip;
	/* The event loop: all in memory, or no.  Page tables it leaves to
	 * the send's faults, which fill them once for the window's life;
	 * walking them again on every read measured 4-5 % slower. */
	if (!maywait)
		return window_resident(a, len);
#ifdef HAVE_POPULATE_READ
	/* A worker: read in what is missing and fill the page tables, in
	 * one call; past the end of the file it fails. */
	return madvise((void *)(uintptr_t)a, len, MADV_POPULATE_READ) == 0;
#else
	return window_resident(a, len);
#endif
}

/*
 * Copy len bytes from src, which may lie in a window, to dst.  The
 * bytes go through a pipe so that only the kernel reads src: a page the
 * file no longer has makes the write fail with EFAULT, where a memcpy
 * would die of SIGBUS.  Such pages read as zeros.  The number of bytes
 * zeroed, or -1 if the copy could not be made.
 */
ssize_t
compat_copy_safe(void *dst, const void *src, size_t len)
{
	const uint8_t	*s = src;
	uint8_t		*d = dst;
	size_t		 done = 0, pg, chunk, inpage;
	ssize_t		 n, zeroed = 0;
	int		 pfd[2], saved, narrow = 0;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	if (pg == 0 || pipe(pfd) == -1)
		return -1;
	/* Neither end may wait: an empty pipe takes a chunk whole. */
	if (fcntl(pfd[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(pfd[1], F_SETFL, O_NONBLOCK) == -1)
		goto fail;
	while (done < len) {
		inpage = pg - (uintptr_t)(s + done) % pg;
		if (inpage > len - done)
			inpage = len - done;
		chunk = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;
		/* After a fault, one source page at a time: a write that
		 * failed somewhere in a chunk says nothing about which
		 * page, nor whether the bytes before it were taken. */
		if (narrow)
			chunk = inpage;
		n = write(pfd[1], s + done, chunk);
		if (n == -1 && errno == EFAULT) {
			if (narrow) {
				memset(d + done, 0, inpage);
				done += inpage;
				zeroed += (ssize_t)inpage;
			}
			narrow = 1;
			continue;
		}
		if (n <= 0 || read(pfd[0], d + done, (size_t)n) != n)
			goto fail;
		done += (size_t)n;
	}
	(void)close(pfd[0]);
	(void)close(pfd[1]);
	return zeroed;

fail:
	saved = errno;
	(void)close(pfd[0]);
	(void)close(pfd[1]);
	errno = saved;
	return -1;
}
