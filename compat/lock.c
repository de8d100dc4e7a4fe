/*
 * Byte-range locks owned by an open file description, so that two fids of
 * one daemon (two clients, or two opens of one client) conflict as two
 * processes would.  POSIX process locks cannot do that: every fid of the
 * daemon is the same process.
 *
 * With F_OFD_* the kernel does it all and the owner is the open file
 * description behind fd.  Without, an in-process table keyed by dev/ino
 * and by the caller's owner pointer gives the same range semantics (split,
 * merge, unlock of sub-ranges, len 0 to the end of all files).  That table
 * only sees this daemon's locks: local processes and other servers of the
 * same files neither see nor honour them.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"

/* Reject a range that does not fit an off_t, as fcntl(2) does. */
#define LK_OFF_MAX	((off_t)(((uintmax_t)1 << (sizeof(off_t) * 8 - 1)) - 1))

/* Normalise start/len (len may be negative, as in fcntl) to [*s, *e]. */
static int
lk_range(off_t start, off_t len, off_t *s, off_t *e)
{
	if (start < 0 || (len < 0 && start + len < 0)) {
		errno = EINVAL;
		return -1;
	}
	if (len < 0) {
		*s = start + len;
		*e = start - 1;
		return 0;
	}
	*s = start;
	if (len == 0)
		*e = LK_OFF_MAX;
	else if (len - 1 > LK_OFF_MAX - start) {
		errno = EOVERFLOW;
		return -1;
	} else
		*e = start + len - 1;
	return 0;
}

/*
 * The open file must allow the lock asked for (EBADF otherwise), which
 * both the kernel and the table enforce the same way.
 */
static int
lk_access(int fd, int type)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	fl &= O_ACCMODE;
	if ((type == F_RDLCK && fl != O_RDONLY && fl != O_RDWR) ||
	    (type == F_WRLCK && fl != O_WRONLY && fl != O_RDWR)) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

#ifdef HAVE_OFD_LOCKS

static void
lk_flock(struct flock *fl, int type, off_t s, off_t e)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = type;
	fl->l_whence = SEEK_SET;
	fl->l_start = s;
	fl->l_len = e == LK_OFF_MAX ? 0 : e - s + 1;
	fl->l_pid = 0;		/* required by F_OFD_* */
}

int
compat_setlock(int fd, const void *owner, int type, off_t start, off_t len)
{
	struct flock	fl;
	off_t		s, e;

	(void)owner;
	if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK) {
		errno = EINVAL;
		return -1;
	}
	if (lk_range(start, len, &s, &e) == -1 || lk_access(fd, type) == -1)
		return -1;
	lk_flock(&fl, type, s, e);
	if (fcntl(fd, F_OFD_SETLK, &fl) == -1) {
		if (errno == EACCES)
			errno = EAGAIN;
		return -1;
	}
	return 0;
}

/*
 * On entry *type, *start and *len are the lock asked about; on return
 * they describe a conflicting lock, or *type is F_UNLCK.
 */
int
compat_getlock(int fd, const void *owner, int *type, off_t *start,
    off_t *len, pid_t *pid)
{
	struct flock	fl;
	off_t		s, e;

	(void)owner;
	if (*type != F_RDLCK && *type != F_WRLCK) {
		errno = EINVAL;
		return -1;
	}
	if (lk_range(*start, *len, &s, &e) == -1)
		return -1;
	lk_flock(&fl, *type, s, e);
	if (fcntl(fd, F_OFD_GETLK, &fl) == -1)
		return -1;
	*type = fl.l_type;
	if (fl.l_type != F_UNLCK) {
		*start = fl.l_start;
		*len = fl.l_len;
		*pid = fl.l_pid;
	}
	return 0;
}

void
compat_unlock_owner(int fd, const void *owner)
{
	struct flock	fl;

	(void)owner;
	lk_flock(&fl, F_UNLCK, 0, LK_OFF_MAX);
	(void)fcntl(fd, F_OFD_SETLK, &fl);
}

#else /* !HAVE_OFD_LOCKS */

/* A client must not grow the table without bound. */
#define LK_MAXPERFILE	4096

struct lk_lock {
	const void	*l_owner;
	int		 l_type;
	off_t		 l_start;
	off_t		 l_end;		/* inclusive; LK_OFF_MAX is "to EOF" */
};

struct lk_file {
	struct lk_file	*f_next;
	dev_t		 f_dev;
	ino_t		 f_ino;
	struct lk_lock	*f_locks;
	size_t		 f_nlocks;
	size_t		 f_cap;
};

static pthread_mutex_t	 lk_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct lk_file	*lk_files;

static struct lk_file *
lk_find(const struct stat *sb, int create)
{
	struct lk_file	*f;

	for (f = lk_files; f != NULL; f = f->f_next)
		if (f->f_dev == sb->st_dev && f->f_ino == sb->st_ino)
			return f;
	if (!create)
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->f_dev = sb->st_dev;
	f->f_ino = sb->st_ino;
	f->f_next = lk_files;
	lk_files = f;
	return f;
}

static void
lk_release_if_empty(struct lk_file *f)
{
	struct lk_file	**fp;

	if (f->f_nlocks != 0)
		return;
	for (fp = &lk_files; *fp != NULL; fp = &(*fp)->f_next)
		if (*fp == f) {
			*fp = f->f_next;
			break;
		}
	free(f->f_locks);
	free(f);
}

static int
lk_conflicts(const struct lk_lock *l, const void *owner, int type, off_t s,
    off_t e)
{
	return l->l_owner != owner && l->l_start <= e && s <= l->l_end &&
	    (type == F_WRLCK || l->l_type == F_WRLCK);
}

static void
lk_del(struct lk_file *f, size_t i)
{
	f->f_locks[i] = f->f_locks[--f->f_nlocks];
}

static void
lk_add(struct lk_file *f, const void *owner, int type, off_t s, off_t e)
{
	struct lk_lock	*l = &f->f_locks[f->f_nlocks++];

	l->l_owner = owner;
	l->l_type = type;
	l->l_start = s;
	l->l_end = e;
}

/*
 * Give owner exactly type on [s, e]: cut the range out of the owner's
 * locks (one lock may split in two), then add the new lock merged with
 * the owner's adjacent locks of the same type.  At most two entries more
 * than before, room for which the caller has made.
 */
static void
lk_apply(struct lk_file *f, const void *owner, int type, off_t s, off_t e)
{
	struct lk_lock	 l;
	size_t		 i;

	for (i = 0; i < f->f_nlocks; ) {
		l = f->f_locks[i];
		if (l.l_owner != owner || l.l_end < s || e < l.l_start) {
			i++;
			continue;
		}
		lk_del(f, i);
		if (l.l_start < s)
			lk_add(f, owner, l.l_type, l.l_start, s - 1);
		if (e < l.l_end)
			lk_add(f, owner, l.l_type, e + 1, l.l_end);
	}
	if (type == F_UNLCK)
		return;
	for (i = 0; i < f->f_nlocks; ) {
		l = f->f_locks[i];
		if (l.l_owner == owner && l.l_type == type &&
		    ((s > 0 && l.l_end == s - 1) ||
		    (e < LK_OFF_MAX && l.l_start == e + 1))) {
			if (l.l_start < s)
				s = l.l_start;
			if (l.l_end > e)
				e = l.l_end;
			lk_del(f, i);
			continue;
		}
		i++;
	}
	lk_add(f, owner, type, s, e);
}

int
compat_setlock(int fd, const void *owner, int type, off_t start, off_t len)
{
	struct stat	 sb;
	struct lk_file	*f;
	struct lk_lock	*nl;
	off_t		 s, e;
	size_t		 i, ncap;
	int		 rv = -1;

	if (owner == NULL ||
	    (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK)) {
		errno = EINVAL;
		return -1;
	}
	if (lk_range(start, len, &s, &e) == -1 || lk_access(fd, type) == -1 ||
	    fstat(fd, &sb) == -1)
		return -1;
	pthread_mutex_lock(&lk_mtx);
	if ((f = lk_find(&sb, type != F_UNLCK)) == NULL) {
		if (type == F_UNLCK)
			rv = 0;
		else
			errno = ENOLCK;
		goto out;
	}
	for (i = 0; i < f->f_nlocks; i++)
		if (type != F_UNLCK &&
		    lk_conflicts(&f->f_locks[i], owner, type, s, e)) {
			errno = EAGAIN;
			goto done;
		}
	if (f->f_nlocks + 2 > f->f_cap) {
		if (f->f_nlocks + 2 > LK_MAXPERFILE) {
			errno = ENOLCK;
			goto done;
		}
		ncap = f->f_cap == 0 ? 8 : f->f_cap * 2;
		if (ncap > LK_MAXPERFILE)
			ncap = LK_MAXPERFILE;
		if ((nl = reallocarray(f->f_locks, ncap,
		    sizeof(*nl))) == NULL) {
			errno = ENOLCK;
			goto done;
		}
		f->f_locks = nl;
		f->f_cap = ncap;
	}
	lk_apply(f, owner, type, s, e);
	rv = 0;
done:
	lk_release_if_empty(f);
out:
	pthread_mutex_unlock(&lk_mtx);
	return rv;
}

int
compat_getlock(int fd, const void *owner, int *type, off_t *start,
    off_t *len, pid_t *pid)
{
	struct stat		 sb;
	struct lk_file		*f;
	const struct lk_lock	*l;
	off_t			 s, e;
	size_t			 i;

	if (owner == NULL || (*type != F_RDLCK && *type != F_WRLCK)) {
		errno = EINVAL;
		return -1;
	}
	if (lk_range(*start, *len, &s, &e) == -1 || fstat(fd, &sb) == -1)
		return -1;
	pthread_mutex_lock(&lk_mtx);
	if ((f = lk_find(&sb, 0)) != NULL)
		for (i = 0; i < f->f_nlocks; i++) {
			l = &f->f_locks[i];
			if (!lk_conflicts(l, owner, *type, s, e))
				continue;
			*type = l->l_type;
			*start = l->l_start;
			*len = l->l_end == LK_OFF_MAX ? 0 :
			    l->l_end - l->l_start + 1;
			/* As F_OFD_GETLK: no process owns the lock. */
			*pid = -1;
			pthread_mutex_unlock(&lk_mtx);
			return 0;
		}
	pthread_mutex_unlock(&lk_mtx);
	*type = F_UNLCK;
	return 0;
}

void
compat_unlock_owner(int fd, const void *owner)
{
	struct stat	 sb;
	struct lk_file	*f;
	size_t		 i;

	if (fstat(fd, &sb) == -1)
		return;
	pthread_mutex_lock(&lk_mtx);
	if ((f = lk_find(&sb, 0)) != NULL) {
		for (i = 0; i < f->f_nlocks; ) {
			if (f->f_locks[i].l_owner == owner)
				lk_del(f, i);
			else
				i++;
		}
		lk_release_if_empty(f);
	}
	pthread_mutex_unlock(&lk_mtx);
}

#endif /* HAVE_OFD_LOCKS */
