/*
 * Per-connection fid table: a chained hash owned by the event loop
 * thread.  Workers never touch the table, only the fids the loop handed
 * them with a reference, so the table itself needs no lock.
 */
#include <errno.h>
#include <stdlib.h>

#include "fsgoferd.h"

#define FID_INITSIZE	64

/*
 * Who closes the lfile of a fid dropped without a Tclunk (work_close,
 * set at start-up: the event loop must neither wait for a close nor
 * touch the file system with the daemon's rights); without one, as in
 * the unit tests, the close happens here.
 */
static void	(*fid_closer)(void *, struct lfile *, struct cred *);
static void	 *fid_closerarg;

static size_t
fid_hash(const struct fidtab *ft, uint32_t id)
{
	/* Fids are usually small sequential numbers: mix them anyway. */
	id ^= id >> 16;
	id *= 0x45d9f3bU;
	id ^= id >> 16;
	return id & (ft->ft_size - 1);
}

void
fid_init(struct fidtab *ft)
{
	ft->ft_tab = NULL;
	ft->ft_size = 0;
	ft->ft_count = 0;
}

struct fid *
fid_get(struct fidtab *ft, uint32_t id)
{
	struct fid	*f;

	if (ft->ft_size == 0 || id == P9_NOFID)
		return NULL;
	for (f = ft->ft_tab[fid_hash(ft, id)]; f != NULL; f = f->f_next)
		if (f->f_fid == id)
			return f;
	return NULL;
}

static int
fid_grow(struct fidtab *ft)
{
	struct fid	**ntab, **otab, *f, *next;
	size_t		  nsize, osize, i, h;

	osize = ft->ft_size;
	nsize = osize == 0 ? FID_INITSIZE : osize * 2;
	if ((ntab = calloc(nsize, sizeof(*ntab))) == NULL)
		return -1;
	otab = ft->ft_tab;
	ft->ft_tab = ntab;
	ft->ft_size = nsize;
	for (i = 0; i < osize; i++) {
		for (f = otab[i]; f != NULL; f = next) {
			next = f->f_next;
			h = fid_hash(ft, f->f_fid);
			f->f_next = ntab[h];
			ntab[h] = f;
		}
	}
	free(otab);
	return 0;
}

/*
 * Make a fid in FID_PENDING state, holding one reference for the table.
 * NULL if the id is in use, the table is at its limit, or memory is out;
 * errno says which (EBADF, EMFILE, ENOMEM).
 */
struct fid *
fid_new(struct fidtab *ft, uint32_t id, int max)
{
	struct fid	*f;
	size_t		 h;

	if (id == P9_NOFID || fid_get(ft, id) != NULL) {
		errno = EBADF;
		return NULL;
	}
	if (ft->ft_count >= (size_t)max) {
		errno = EMFILE;
		return NULL;
	}
	if (ft->ft_count >= ft->ft_size / 2 * 3 / 2 || ft->ft_size == 0) {
		if (fid_grow(ft) == -1) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (pthread_rwlock_init(&f->f_lock, NULL) != 0) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	f->f_fid = id;
	f->f_refs = 1;
	f->f_state = FID_PENDING;
	h = fid_hash(ft, id);
	f->f_next = ft->ft_tab[h];
	ft->ft_tab[h] = f;
	ft->ft_count++;
	return f;
}

/* Take the fid off the table and drop the table's reference. */
void
fid_remove(struct fidtab *ft, struct fid *f)
{
	struct fid	**pp;

	for (pp = &ft->ft_tab[fid_hash(ft, f->f_fid)]; *pp != NULL;
	    pp = &(*pp)->f_next) {
		if (*pp == f) {
			*pp = f->f_next;
			ft->ft_count--;
			f->f_state = FID_GONE;
			f->f_next = NULL;
			fid_unref(f);
			return;
		}
	}
}

void
fid_ref(struct fid *f)
{
	f->f_refs++;
}

void
fid_set_closer(void (*fn)(void *, struct lfile *, struct cred *), void *arg)
{
	fid_closer = fn;
	fid_closerarg = arg;
}

/*
 * The last reference frees the fid.  Its lfile is closed by whoever
 * took it off the table with a Tclunk or Tremove; one still attached
 * here belongs to a fid nobody clunked (a session reset, a closed
 * connection, a failed walk): a Txattrcreate pending on it is
 * forgotten, and the closer gets the lfile with a reference to the
 * fid's credentials.
 */
void
fid_unref(struct fid *f)
{
	if (--f->f_refs > 0)
		return;
	if (f->f_lf != NULL) {
		lf_xattr_discard(f->f_lf);
		if (fid_closer != NULL) {
			if (f->f_cred != NULL)
				f->f_cred->cr_refs++;
			fid_closer(fid_closerarg, f->f_lf, f->f_cred);
		} else
			(void)lf_close(f->f_lf);
	}
	cred_unref(f->f_cred);
	pthread_rwlock_destroy(&f->f_lock);
	free(f);
}

/* Drop every fid: the caller made sure no request is in flight. */
void
fid_clear(struct fidtab *ft)
{
	struct fid	*f;
	size_t		 i;

	for (i = 0; i < ft->ft_size; i++) {
		while ((f = ft->ft_tab[i]) != NULL)
			fid_remove(ft, f);
	}
	free(ft->ft_tab);
	fid_init(ft);
}
