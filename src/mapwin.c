/*
 * Windows on open files that large Rreads are sent from.  A reply's
 * bytes go from the page cache into the socket in one copy, where
 * pread(2) into a buffer and then send(2) make two: measured here, a
 * 1 MiB sequential read at four in flight goes from about 0.6 to 0.75 of
 * a plain loopback TCP stream.  A window is mapped once for many reads
 * (MAPWIN_SIZE of the file, aligned): mapping and unmapping per read
 * cost more than the copy saved (page tables, and a TLB shootdown on
 * the other CPUs at every munmap).
 *
 * The lfile holds one reference to its current window and each reply
 * queued from it another, so the mapping outlives the fid if the socket
 * is slow.  e_winlock guards lf_win; the count itself is atomic because
 * replies drop theirs wherever libevent frees them.
 */
#include <stdlib.h>

#include "fsgoferd.h"

static void
mapwin_ref(struct mapwin *w)
{
	atomic_fetch_add(&w->mw_refs, 1);
}

void
mapwin_put(struct mapwin *w)
{
	if (w == NULL || atomic_fetch_sub(&w->mw_refs, 1) != 1)
		return;
	compat_window_unmap(w->mw_base, w->mw_len);
	free(w);
}

/*
 * A reference to lf's window over [off, off + count), or NULL.  Only
 * with create is a new window mapped (a worker: mmap(2) takes the
 * address-space lock, which the event loop must not wait for); a read
 * that straddles two windows gets none.
 */
struct mapwin *
mapwin_get(struct lfile *lf, int fd, uint64_t off, uint32_t count,
    int create)
{
	struct export	*e = lf->lf_exp;
	struct mapwin	*w, *old = NULL;
	uint64_t	 start;

	pthread_mutex_lock(&e->e_winlock);
	w = lf->lf_win;
	if (w != NULL && off >= w->mw_off &&
	    off + count <= w->mw_off + w->mw_len) {
		mapwin_ref(w);
		pthread_mutex_unlock(&e->e_winlock);
		return w;
	}
	pthread_mutex_unlock(&e->e_winlock);
	start = off - off % MAPWIN_SIZE;
	if (!create || off + count > start + MAPWIN_SIZE ||
	    start > (uint64_t)INT64_MAX - MAPWIN_SIZE)
		return NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->mw_base = compat_window_map(fd, (off_t)start,
	    MAPWIN_SIZE)) == NULL) {
		free(w);
		return NULL;
	}
	w->mw_off = start;
	w->mw_len = MAPWIN_SIZE;
	atomic_init(&w->mw_refs, 2);	/* the lfile's and the caller's */
	pthread_mutex_lock(&e->e_winlock);
	old = lf->lf_win;
	lf->lf_win = w;
	pthread_mutex_unlock(&e->e_winlock);
	mapwin_put(old);
	return w;
}

/* lf closes: its window goes once the last reply sent from it has. */
void
mapwin_drop(struct lfile *lf)
{
	struct mapwin	*w;

	pthread_mutex_lock(&lf->lf_exp->e_winlock);
	w = lf->lf_win;
	lf->lf_win = NULL;
	pthread_mutex_unlock(&lf->lf_exp->e_winlock);
	mapwin_put(w);
}
