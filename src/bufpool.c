/*
 * Reuse of message-sized buffers.  A 1 MiB Twrite frame or Rread reply
 * allocated and freed per request goes to mmap and munmap, and the page
 * faults and TLB shootdowns cost more than the copy itself.  Buffers of
 * up to the pool's size always come from here (so a buffer's size says
 * where it goes back); larger ones are plain malloc.  Shared by the loop
 * (frames, freed replies) and the workers (replies), hence the lock.
 */
#include <stdlib.h>

#include "fsgoferd.h"

#define BUFPOOL_KEEP	32	/* idle buffers kept; the rest are freed */

struct bufpool {
	pthread_mutex_t	 bp_lock;
	size_t		 bp_size;
	int		 bp_nfree;
	void		*bp_free[BUFPOOL_KEEP];
};

struct bufpool *
bufpool_new(size_t size)
{
	struct bufpool	*bp;

	if ((bp = calloc(1, sizeof(*bp))) == NULL)
		fatal("bufpool_new");
	if (pthread_mutex_init(&bp->bp_lock, NULL) != 0)
		fatalx("bufpool_new: mutex");
	bp->bp_size = size;
	return bp;
}

void
bufpool_free(struct bufpool *bp)
{
	while (bp->bp_nfree > 0)
		free(bp->bp_free[--bp->bp_nfree]);
	pthread_mutex_destroy(&bp->bp_lock);
	free(bp);
}

/* A buffer of at least len bytes; NULL when memory is out. */
void *
bufpool_get(struct bufpool *bp, size_t len)
{
	void	*p = NULL;

	if (len > bp->bp_size)
		return malloc(len);
	pthread_mutex_lock(&bp->bp_lock);
	if (bp->bp_nfree > 0)
		p = bp->bp_free[--bp->bp_nfree];
	pthread_mutex_unlock(&bp->bp_lock);
	return p != NULL ? p : malloc(bp->bp_size);
}

/*
 * The bytes a buffer bufpool_get returned for len bytes really holds:
 * a short reply in a pooled buffer still pins the whole buffer.
 */
size_t
bufpool_size(const struct bufpool *bp, size_t len)
{
	return len > bp->bp_size ? len : bp->bp_size;
}

/* Give back a buffer bufpool_get returned for len bytes. */
void
bufpool_put(struct bufpool *bp, void *p, size_t len)
{
	if (p == NULL)
		return;
	if (len <= bp->bp_size) {
		pthread_mutex_lock(&bp->bp_lock);
		if (bp->bp_nfree < BUFPOOL_KEEP) {
			bp->bp_free[bp->bp_nfree++] = p;
			p = NULL;
		}
		pthread_mutex_unlock(&bp->bp_lock);
	}
	free(p);
}
