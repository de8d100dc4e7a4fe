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
 * One window per file at a time, shared by every fid open on it: the
 * export's (device, inode) of the open file finds it in a global table.
 * A window maps no more of the file than its size (page-rounded) when
 * it was mapped, so a small file costs a page, not 64 MiB of address
 * space.  A read past a window's end (the file grew since) maps a new
 * window for the bytes it wants, which takes the file's place in the
 * table; the old one goes when its last reference does.  The windows
 * alive anywhere (in a table, an lfile or a queued reply) are capped,
 * in number (MAPWIN_MAX, far below the kernel's map count limit) and in
 * bytes of address space (MAPWIN_MAXBYTES); past the cap reads use
 * pread(2): a client that queues replies without reading them, or opens
 * many files, cannot make the daemon map without bound.
 *
 * The lfile holds one reference to its current window and each reply
 * queued from it another, so the mapping outlives the fid if the socket
 * is slow.  e_winlock guards lf_win; mw_lock the table and the totals.
 * The count itself is atomic because replies drop theirs wherever
 * libevent frees them; the table holds no reference, a window leaves it
 * when its last reference goes.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fsgoferd.h"

#define MW_NBUCKET	256

static pthread_mutex_t	 mw_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(mwlist, mapwin) mw_table[MW_NBUCKET];
static int		 mw_count;	/* windows mapped */
static uint64_t		 mw_bytes;	/* their address space */

static struct mwlist *
mw_bucket(const struct export *e, dev_t dev, ino_t ino)
{
	uint64_t	 h;

	h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev ^
	    (uint64_t)(uintptr_t)e;
	return &mw_table[(h ^ h >> 32) % MW_NBUCKET];
}

/* Another n references, unless the last one is gone already. */
static int
mapwin_ref(struct mapwin *w, int n)
{
	int	 refs = atomic_load(&w->mw_refs);

	while (refs > 0)
		if (atomic_compare_exchange_weak(&w->mw_refs, &refs,
		    refs + n))
			return 1;
	return 0;
}

void
mapwin_put(struct mapwin *w)
{
	if (w == NULL || atomic_fetch_sub(&w->mw_refs, 1) != 1)
		return;
	pthread_mutex_lock(&mw_lock);
	if (w->mw_listed)
		LIST_REMOVE(w, mw_entry);
	mw_count--;
	mw_bytes -= w->mw_len;
	pthread_mutex_unlock(&mw_lock);
	compat_window_unmap(w->mw_base, w->mw_len);
	free(w);
}

/* Make w lf's window, dropping the one it had. */
static void
mapwin_set(struct lfile *lf, struct mapwin *w)
{
	struct mapwin	*old;

	pthread_mutex_lock(&lf->lf_exp->e_winlock);
	old = lf->lf_win;
	lf->lf_win = w;
	pthread_mutex_unlock(&lf->lf_exp->e_winlock);
	mapwin_put(old);
}

/* The windows mapped now, and their bytes (for tests and stats). */
void
mapwin_stats(int *count, uint64_t *bytes)
{
	pthread_mutex_lock(&mw_lock);
	*count = mw_count;
	*bytes = mw_bytes;
	pthread_mutex_unlock(&mw_lock);
}

/*
 * A reference to a window over [off, off + count) of lf's open file fd,
 * whose fstat is st, or NULL.  Only with create is a new window mapped
 * (a worker: mmap(2) takes the address-space lock, which the event loop
 * must not wait for); a read that straddles two windows gets none, and
 * neither does one past the cap.
 */
struct mapwin *
mapwin_get(struct lfile *lf, int fd, const struct stat *st, uint64_t off,
    uint32_t count, int create)
{
	struct export	*e = lf->lf_exp;
	struct mwlist	*b;
	struct mapwin	*w, *old;
	uint64_t	 start, len, pg;
	long		 l;

	pthread_mutex_lock(&e->e_winlock);
	w = lf->lf_win;
	if (w != NULL && off >= w->mw_off &&
	    off + count <= w->mw_off + w->mw_len) {
		(void)mapwin_ref(w, 1);	/* lf's keeps it above 0 */
		pthread_mutex_unlock(&e->e_winlock);
		return w;
	}
	pthread_mutex_unlock(&e->e_winlock);

	/* Another fid's window on the same file. */
	b = mw_bucket(e, st->st_dev, st->st_ino);
	pthread_mutex_lock(&mw_lock);
	LIST_FOREACH(w, b, mw_entry)
		if (w->mw_exp == e && w->mw_dev == st->st_dev &&
		    w->mw_ino == st->st_ino)
			break;
	if (w != NULL && (off < w->mw_off ||
	    off + count > w->mw_off + w->mw_len || !mapwin_ref(w, 2)))
		w = NULL;
	pthread_mutex_unlock(&mw_lock);
	if (w != NULL) {
		mapwin_set(lf, w);	/* the lfile's and the caller's */
		return w;
	}

	if ((l = sysconf(_SC_PAGESIZE)) <= 0)
		return NULL;
	pg = (uint64_t)l;
	start = off - off % MAPWIN_SIZE;
	if (!create || off + count > start + MAPWIN_SIZE ||
	    start > (uint64_t)INT64_MAX - MAPWIN_SIZE || st->st_size <= 0 ||
	    (uint64_t)st->st_size <= start)
		return NULL;
	/* Up to the end of the file as it is now: a page for a small one. */
	len = (uint64_t)st->st_size - start;
	if (len > MAPWIN_SIZE)
		len = MAPWIN_SIZE;
	len = (len + pg - 1) / pg * pg;
	if (off + count > start + len)
		return NULL;
	pthread_mutex_lock(&mw_lock);
	if (mw_count >= MAPWIN_MAX || len > MAPWIN_MAXBYTES - mw_bytes) {
		pthread_mutex_unlock(&mw_lock);
		return NULL;
	}
	mw_count++;
	mw_bytes += len;
	pthread_mutex_unlock(&mw_lock);
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->mw_base = compat_window_map(fd, (off_t)start,
	    (size_t)len)) == NULL) {
		free(w);
		pthread_mutex_lock(&mw_lock);
		mw_count--;
		mw_bytes -= len;
		pthread_mutex_unlock(&mw_lock);
		return NULL;
	}
	w->mw_exp = e;
	w->mw_dev = st->st_dev;
	w->mw_ino = st->st_ino;
	w->mw_off = start;
	w->mw_len = (size_t)len;
	atomic_init(&w->mw_refs, 2);	/* the lfile's and the caller's */
	/* The file's window from now on; the one before stays for the
	 * fids and replies that hold it. */
	pthread_mutex_lock(&mw_lock);
	LIST_FOREACH(old, b, mw_entry)
		if (old->mw_exp == e && old->mw_dev == st->st_dev &&
		    old->mw_ino == st->st_ino) {
			LIST_REMOVE(old, mw_entry);
			old->mw_listed = 0;
			break;
		}
	LIST_INSERT_HEAD(b, w, mw_entry);
	w->mw_listed = 1;
	pthread_mutex_unlock(&mw_lock);
	mapwin_set(lf, w);
	return w;
}

/* lf closes: its window goes once the last reply sent from it has. */
void
mapwin_drop(struct lfile *lf)
{
	mapwin_set(lf, NULL);
}
