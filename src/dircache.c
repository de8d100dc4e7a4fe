/*
 * Listing cache: the encoded Rreaddir entries of a large directory, kept
 * after one complete listing so that the next listings of the same,
 * unchanged directory are a copy instead of a getdents(2) pass.  On
 * ext4 the kernel's part of a 100,000-entry listing (hashing every name
 * for the cookie, building its red-black tree) is most of the time a
 * listing takes, and clients list the same directories again and again
 * (the Linux client has no readdir cache of its own).
 *
 * A listing is reused only while the directory is provably unchanged:
 * same device, inode, size, link count, change and modification time as
 * when the listing started, checked with an fstat(2) at every start of
 * a listing (offset 0).  A change to the entries stamps the directory's
 * times; a listing is only taken of a directory whose stamps are at
 * least DC_SETTLE_SEC old when it starts, so that a change made later
 * cannot fall into the same clock tick and leave the stamp as it was.
 * Only local file systems whose stamps are known to work that way take
 * part (compat_fs_local).  Entries whose type getdents(2) did not
 * know are not cached: their qids came from an fstatat(2) that can
 * change without the directory changing.
 *
 * The listings are per export (the encoded qids depend on the export's
 * device numbering and root), shared by all its connections, immutable
 * once published and reference counted, so a fid keeps reading the one
 * it started with even if it is evicted or replaced meanwhile.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "fsgoferd.h"
#include "p9.h"

#define DC_SETTLE_SEC	1		/* far above any clock tick */
#define DC_MINENTS	64		/* smaller ones list fast anyway */
#define DC_MAXONE	(16U << 20)	/* bytes of entries per listing */
#define DC_BUDGET	(64U << 20)	/* bytes of entries per export */
#define DC_MAXLISTS	256		/* listings per export */
#define DC_MAXTAKING	4		/* listings being taken at once */

/* An encoded entry: qid[13] offset[8] type[1] name[s]. */
#define DC_ENTHDR	24
#define DC_COOKIEOFF	13
#define DC_NAMELENOFF	22

struct dclist {
	TAILQ_ENTRY(dclist)	 dl_entry;
	int			 dl_listed;	/* on dc_lru */
	int			 dl_taking;	/* counted in dc_ntaking */
	u_int			 dl_refs;
	dev_t			 dl_dev;
	ino_t			 dl_ino;
	off_t			 dl_size;
	nlink_t			 dl_nlink;
	struct timespec		 dl_ctim;
	struct timespec		 dl_mtim;
	uint8_t			*dl_buf;
	size_t			 dl_len;
	size_t			 dl_cap;
	uint32_t		 dl_nent;
};

struct dircache {
	pthread_mutex_t		 dc_lock;
	TAILQ_HEAD(dclist_q, dclist) dc_lru;	/* most recently used first */
	size_t			 dc_bytes;
	int			 dc_count;
	int			 dc_ntaking;
};

struct dircache *
dircache_new(void)
{
	struct dircache	*dc;

	if ((dc = calloc(1, sizeof(*dc))) == NULL)
		return NULL;
	if (pthread_mutex_init(&dc->dc_lock, NULL) != 0) {
		free(dc);
		return NULL;
	}
	TAILQ_INIT(&dc->dc_lru);
	return dc;
}

static void
dclist_free(struct dclist *dl)
{
	free(dl->dl_buf);
	free(dl);
}

/* Lock held: take dl off the list; free it if no fid reads it. */
static void
dc_unlist(struct dircache *dc, struct dclist *dl)
{
	TAILQ_REMOVE(&dc->dc_lru, dl, dl_entry);
	dl->dl_listed = 0;
	dc->dc_bytes -= dl->dl_len;
	dc->dc_count--;
	if (dl->dl_refs == 0)
		dclist_free(dl);
}

void
dircache_free(struct dircache *dc)
{
	struct dclist	*dl;

	if (dc == NULL)
		return;
	/* Every lfile has released its listing by now. */
	while ((dl = TAILQ_FIRST(&dc->dc_lru)) != NULL)
		dc_unlist(dc, dl);
	pthread_mutex_destroy(&dc->dc_lock);
	free(dc);
}

static int
dc_same(const struct dclist *dl, const struct stat *st)
{
	return dl->dl_dev == st->st_dev && dl->dl_ino == st->st_ino &&
	    dl->dl_size == st->st_size && dl->dl_nlink == st->st_nlink &&
	    dl->dl_ctim.tv_sec == COMPAT_ST_CTIM(st).tv_sec &&
	    dl->dl_ctim.tv_nsec == COMPAT_ST_CTIM(st).tv_nsec &&
	    dl->dl_mtim.tv_sec == COMPAT_ST_MTIM(st).tv_sec &&
	    dl->dl_mtim.tv_nsec == COMPAT_ST_MTIM(st).tv_nsec;
}

struct dclist *
dircache_get(struct dircache *dc, const struct stat *st)
{
	struct dclist	*dl;

	pthread_mutex_lock(&dc->dc_lock);
	TAILQ_FOREACH(dl, &dc->dc_lru, dl_entry)
		if (dl->dl_dev == st->st_dev && dl->dl_ino == st->st_ino)
			break;
	if (dl != NULL && !dc_same(dl, st)) {
		/* Changed since: it will never match again. */
		dc_unlist(dc, dl);
		dl = NULL;
	}
	if (dl != NULL) {
		dl->dl_refs++;
		TAILQ_REMOVE(&dc->dc_lru, dl, dl_entry);
		TAILQ_INSERT_HEAD(&dc->dc_lru, dl, dl_entry);
	}
	pthread_mutex_unlock(&dc->dc_lock);
	return dl;
}

void
dircache_put(struct dircache *dc, struct dclist *dl)
{
	if (dl == NULL)
		return;
	pthread_mutex_lock(&dc->dc_lock);
	if (dl->dl_taking) {
		dl->dl_taking = 0;
		dc->dc_ntaking--;
	}
	if (--dl->dl_refs == 0 && !dl->dl_listed)
		dclist_free(dl);
	pthread_mutex_unlock(&dc->dc_lock);
}

/*
 * Start taking a listing of directory dfd, whose fstat is st, or NULL if
 * it may not be kept: changed too recently, on a file system whose times
 * cannot be trusted, or enough listings are being taken already (each
 * grows to DC_MAXONE: many clients listing at once must not multiply
 * that).
 */
struct dclist *
dircache_capture(struct dircache *dc, int dfd, const struct stat *st)
{
	struct dclist	*dl;
	struct timespec	 now;
	time_t		 newest;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return NULL;
	newest = COMPAT_ST_CTIM(st).tv_sec > COMPAT_ST_MTIM(st).tv_sec ?
	    COMPAT_ST_CTIM(st).tv_sec : COMPAT_ST_MTIM(st).tv_sec;
	/* Too recently changed (or stamped in the future): not yet. */
	if (newest > now.tv_sec - DC_SETTLE_SEC - 1)
		return NULL;
	if (!compat_fs_local(dfd))
		return NULL;
	if ((dl = calloc(1, sizeof(*dl))) == NULL)
		return NULL;
	pthread_mutex_lock(&dc->dc_lock);
	if (dc->dc_ntaking >= DC_MAXTAKING) {
		pthread_mutex_unlock(&dc->dc_lock);
		free(dl);
		return NULL;
	}
	dc->dc_ntaking++;
	pthread_mutex_unlock(&dc->dc_lock);
	dl->dl_taking = 1;
	dl->dl_refs = 1;
	dl->dl_dev = st->st_dev;
	dl->dl_ino = st->st_ino;
	dl->dl_size = st->st_size;
	dl->dl_nlink = st->st_nlink;
	dl->dl_ctim = COMPAT_ST_CTIM(st);
	dl->dl_mtim = COMPAT_ST_MTIM(st);
	return dl;
}

/*
 * Add the entries of one reply to a listing being taken; -1 if it cannot
 * be kept (too large, no memory, or complete with eof and too small to
 * be worth keeping: then nothing is copied).
 */
int
dircache_append(struct dclist *dl, const void *ents, size_t len,
    uint32_t nent, int eof)
{
	uint8_t	*nb;
	size_t	 ncap;

	if (eof && dl->dl_nent + nent < DC_MINENTS)
		return -1;
	if (len > DC_MAXONE - dl->dl_len)
		return -1;
	if (len > dl->dl_cap - dl->dl_len) {
		ncap = dl->dl_cap == 0 ? 65536 : dl->dl_cap;
		while (ncap - dl->dl_len < len)
			ncap *= 2;
		if (ncap > DC_MAXONE)
			ncap = DC_MAXONE;
		if ((nb = realloc(dl->dl_buf, ncap)) == NULL)
			return -1;
		dl->dl_buf = nb;
		dl->dl_cap = ncap;
	}
	memcpy(dl->dl_buf + dl->dl_len, ents, len);
	dl->dl_len += len;
	dl->dl_nent += nent;
	return 0;
}

void
dircache_publish(struct dircache *dc, struct dclist *dl)
{
	struct dclist	*old;
	uint8_t		*nb;

	if (dl->dl_nent < DC_MINENTS) {
		dircache_put(dc, dl);
		return;
	}
	/* Give back the doubling's slack: the listing lives on. */
	if (dl->dl_len < dl->dl_cap &&
	    (nb = realloc(dl->dl_buf, dl->dl_len)) != NULL) {
		dl->dl_buf = nb;
		dl->dl_cap = dl->dl_len;
	}
	pthread_mutex_lock(&dc->dc_lock);
	dl->dl_taking = 0;
	dc->dc_ntaking--;
	TAILQ_FOREACH(old, &dc->dc_lru, dl_entry)
		if (old->dl_dev == dl->dl_dev && old->dl_ino == dl->dl_ino) {
			dc_unlist(dc, old);
			break;
		}
	while ((old = TAILQ_LAST(&dc->dc_lru, dclist_q)) != NULL &&
	    (dc->dc_count >= DC_MAXLISTS ||
	    dl->dl_len > DC_BUDGET - dc->dc_bytes))
		dc_unlist(dc, old);
	TAILQ_INSERT_HEAD(&dc->dc_lru, dl, dl_entry);
	dl->dl_listed = 1;
	dc->dc_bytes += dl->dl_len;
	dc->dc_count++;
	dl->dl_refs--;		/* the taker's: the list owns it now */
	pthread_mutex_unlock(&dc->dc_lock);
}

/*
 * Copy the whole entries from *pos on that fit in count bytes to buf,
 * their length to *np; advance *pos and set *cookie to the last one's
 * cookie.  EINVAL if the next entry alone does not fit (as getdents(2)
 * says); at the end 0 bytes.
 */
int
dircache_read(const struct dclist *dl, size_t *pos, void *buf, size_t count,
    uint64_t *cookie, uint32_t *np)
{
	const uint8_t	*p;
	size_t		 start = *pos, at = start, last = SIZE_MAX, sz;
	int		 i;

	while (at < dl->dl_len) {
		/* Entries were encoded by us; bounds are checked anyway. */
		if (dl->dl_len - at < DC_ENTHDR)
			break;
		p = dl->dl_buf + at;
		sz = DC_ENTHDR + ((size_t)p[DC_NAMELENOFF] |
		    (size_t)p[DC_NAMELENOFF + 1] << 8);
		if (sz > dl->dl_len - at || sz > count - (at - start))
			break;
		last = at;
		at += sz;
	}
	*np = 0;
	if (last == SIZE_MAX)
		return start < dl->dl_len ? EINVAL : 0;
	memcpy(buf, dl->dl_buf + start, at - start);
	*cookie = 0;
	for (i = 7; i >= 0; i--)
		*cookie = *cookie << 8 |
		    dl->dl_buf[last + DC_COOKIEOFF + (size_t)i];
	*pos = at;
	*np = (uint32_t)(at - start);
	return 0;
}
