/*
 * The fsgofer logic: attach points, walk, open, create and the rest, as
 * the seed (gVisor's fsgofer.go) does them, rewritten against compat/.
 *
 * Every path step is one component opened from the parent's fd without
 * following symlinks; no path string is ever built from client input.
 * Each lfile keeps a control fd (never open for writing), and, for the
 * operations that need a name, a dup of its parent directory's fd plus
 * its name there.  A rename moves those for every live lfile it affects,
 * under the export's e_filelock.
 *
 * Functions return 0 or a host errno; the caller translates to the wire.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsgoferd.h"

#define LF_XATTR_MAX	(64 * 1024)	/* largest xattr value or list */
#define LF_XNAME_MAX	255		/* as Linux's XATTR_NAME_MAX */
#define LF_INO_MASK	0x00ffffffffffffffULL
#define LF_OFF_MAX	((uint64_t)INT64_MAX)

/*
 * A private copy of an lfile's handle triple, so a rename on another
 * thread cannot close the parent fd while a compat shim uses it.
 */
struct lf_handle {
	int	 h_fd;		/* borrowed: lf_fd, stable under the fid lock */
	int	 h_pfd;		/* owned dup, or -1 */
	char	*h_name;	/* owned copy, or NULL */
};

/* A walk's current position; owns its fds and name. */
struct lf_node {
	int	 n_fd;
	int	 n_pfd;
	char	*n_name;
	dev_t	 n_pdev;
	ino_t	 n_pino;
	dev_t	 n_dev;
	ino_t	 n_ino;
	mode_t	 n_type;
};

static void	lf_dir_free(struct lfile *);

static int
lf_dupfd(int fd)
{
	if (fd < 0)
		return -1;
	return fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

static void
lf_closefd(int *fdp)
{
	if (*fdp >= 0)
		(void)close(*fdp);
	*fdp = -1;
}

int
lf_is_ro(const struct lfile *lf)
{
	return (lf->lf_exp->e_flags & EXP_RO) != 0;
}

/*
 * Modifying operations on a read-only export: EROFS, or the seed's debug
 * abort when the export asks for it.
 */
static int
lf_rocheck(const struct lfile *lf)
{
	if (!lf_is_ro(lf))
		return 0;
	if (lf->lf_exp->e_flags & EXP_ABORTWRITE) {
		log_warnx("write attempted on read-only export %s",
		    lf->lf_exp->e_aname != NULL ? lf->lf_exp->e_aname : "?");
		abort();
	}
	return EROFS;
}

/*
 * A request on two lfiles stays inside one export, as Linux's link(2)
 * and rename(2) stay inside one mount: each export has its own
 * read-only flag, identity mode and file list, and a host directory
 * fd leads past the export root with no sandbox to stop it.
 */
static int
lf_samexp(const struct lfile *a, const struct lfile *b)
{
	return a->lf_exp == b->lf_exp ? 0 : EXDEV;
}

int
lf_name_ok(const char *name)
{
	size_t	 len;

	if (name == NULL || name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strchr(name, '/') != NULL)
		return 0;
	len = strlen(name);
	return len <= LF_NAME_MAX;
}

/*
 * The errno Linux gives for a bad one-component name: ENAMETOOLONG past
 * NAME_MAX bytes, whatever the bytes are, else EINVAL; 0 if it is good.
 */
int
lf_name_err(const char *name)
{
	if (lf_name_ok(name))
		return 0;
	if (name != NULL && strlen(name) > LF_NAME_MAX)
		return ENAMETOOLONG;
	return EINVAL;
}

/* The export root's identity: asked each time, it is one fstat(2). */
static int
lf_rootstat(struct export *e, struct stat *st)
{
	if (fstat(e->e_rootfd, st) == -1)
		return errno;
	return 0;
}

static int
lf_isroot_id(struct export *e, dev_t dev, ino_t ino)
{
	struct stat	 rs;

	if (lf_rootstat(e, &rs) != 0)
		return 0;
	return rs.st_dev == dev && rs.st_ino == ino;
}

/* The small per-export number of a host device, or -1 when full. */
static int
lf_devindex(struct export *e, dev_t dev)
{
	int	 i;

	pthread_mutex_lock(&e->e_devlock);
	for (i = 0; i < e->e_ndevs; i++)
		if (e->e_devs[i] == dev)
			break;
	if (i == e->e_ndevs) {
		if (e->e_ndevs >= (int)(sizeof(e->e_devs) /
		    sizeof(e->e_devs[0]))) {
			pthread_mutex_unlock(&e->e_devlock);
			log_warnx("export %s: more than %zu host devices",
			    e->e_aname != NULL ? e->e_aname : "?",
			    sizeof(e->e_devs) / sizeof(e->e_devs[0]));
			return -1;
		}
		e->e_devs[e->e_ndevs++] = dev;
	}
	pthread_mutex_unlock(&e->e_devlock);
	return i;
}

static uint8_t
lf_qtype(mode_t mode)
{
	if (S_ISDIR(mode))
		return P9_QTDIR;
	if (S_ISLNK(mode))
		return P9_QTSYMLINK;
	return P9_QTFILE;
}

static uint64_t
lf_qpath(int devidx, ino_t ino)
{
	uint64_t	 i = (uint64_t)ino;

	if ((i & LF_INO_MASK) != i)
		log_debug("inode %llx truncated to 56 bits in its qid",
		    (unsigned long long)i);
	return ((uint64_t)devidx << 56) | (i & LF_INO_MASK);
}

static int
lf_qid(struct export *e, const struct stat *st, struct p9_qid *qid)
{
	int	 idx;

	if ((idx = lf_devindex(e, st->st_dev)) == -1)
		return EOVERFLOW;
	qid->type = lf_qtype(st->st_mode);
	qid->version = 0;
	qid->path = lf_qpath(idx, st->st_ino);
	return 0;
}

/*
 * File types served: anything else (whiteouts) is EPERM.  A special
 * file (device, FIFO, socket) is a fid for its name and attributes
 * only: compat_ctlopen never opens it and lf_open refuses it, so a
 * device node in an export is as harmless as on a nodev mount.
 */
static int
lf_type_ok(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		return 1;
	}
	return 0;
}

static int
lf_hold(struct lfile *lf, struct lf_handle *h)
{
	struct export	*e = lf->lf_exp;
	struct stat	 st;
	int		 err = 0;

	h->h_fd = lf->lf_fd;
	h->h_pfd = -1;
	h->h_name = NULL;
	pthread_mutex_lock(&e->e_filelock);
	if (lf->lf_name != NULL) {
		if ((h->h_name = strdup(lf->lf_name)) == NULL)
			err = ENOMEM;
		else if ((h->h_pfd = lf_dupfd(lf->lf_pfd)) == -1)
			err = errno;
	}
	pthread_mutex_unlock(&e->e_filelock);
	/*
	 * Without a control fd (a special file or symlink where there is
	 * no O_PATH) the name is all there is: it must still be this file.
	 */
	if (err == 0 && h->h_fd < 0 && h->h_name != NULL) {
		if (fstatat(h->h_pfd, h->h_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			err = errno;
		else if (st.st_dev != lf->lf_dev || st.st_ino != lf->lf_ino)
			err = ESTALE;
		if (err != 0)
			lf_closefd(&h->h_pfd);
	}
	if (err != 0) {
		free(h->h_name);
		h->h_name = NULL;
	}
	return err;
}

static void
lf_release(struct lf_handle *h)
{
	lf_closefd(&h->h_pfd);
	free(h->h_name);
	h->h_name = NULL;
}

static struct lfile *
lf_alloc(struct export *e)
{
	struct lfile	*lf;

	if ((lf = calloc(1, sizeof(*lf))) == NULL)
		return NULL;
	lf->lf_exp = e;
	lf->lf_fd = -1;
	lf->lf_pfd = -1;
	lf->lf_ofd = -1;
	lf->lf_omode = LF_NOTOPEN;
	lf->lf_uid = (uid_t)-1;
	return lf;
}

static void
lf_link_in(struct lfile *lf)
{
	pthread_mutex_lock(&lf->lf_exp->e_filelock);
	TAILQ_INSERT_TAIL(&lf->lf_exp->e_files, lf, lf_entry);
	pthread_mutex_unlock(&lf->lf_exp->e_filelock);
}

/*
 * e_filelock for a caller that must not wait: a worker may hold it
 * across a rename(2), which can wait for the disk.
 */
static int
lf_filelock(struct export *e, int nowait)
{
	if (!nowait) {
		pthread_mutex_lock(&e->e_filelock);
		return 0;
	}
	return pthread_mutex_trylock(&e->e_filelock) == 0 ? 0 : EAGAIN;
}

int
lf_export_init(struct export *e)
{
	int	 err;

	if ((err = pthread_mutex_init(&e->e_devlock, NULL)) != 0)
		return err;
	if ((err = pthread_mutex_init(&e->e_filelock, NULL)) != 0) {
		pthread_mutex_destroy(&e->e_devlock);
		return err;
	}
	if ((err = pthread_mutex_init(&e->e_winlock, NULL)) != 0) {
		pthread_mutex_destroy(&e->e_devlock);
		pthread_mutex_destroy(&e->e_filelock);
		return err;
	}
	e->e_ndevs = 0;
	TAILQ_INIT(&e->e_files);
	e->e_dcache = NULL;
	if ((e->e_flags & EXP_NODIRCACHE) == 0 &&
	    (e->e_dcache = dircache_new()) == NULL) {
		pthread_mutex_destroy(&e->e_devlock);
		pthread_mutex_destroy(&e->e_filelock);
		pthread_mutex_destroy(&e->e_winlock);
		return ENOMEM;
	}
	return 0;
}

void
lf_export_free(struct export *e)
{
	dircache_free(e->e_dcache);
	e->e_dcache = NULL;
	pthread_mutex_destroy(&e->e_devlock);
	pthread_mutex_destroy(&e->e_filelock);
	pthread_mutex_destroy(&e->e_winlock);
}

int
lf_attach(struct export *e, uid_t uid, struct lfile **lfp, struct p9_qid *qid)
{
	struct lfile	*lf;
	struct stat	 st;
	int		 err;

	*lfp = NULL;
	if ((err = lf_rootstat(e, &st)) != 0)
		return err;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	if ((err = lf_qid(e, &st, qid)) != 0)
		return err;
	if ((lf = lf_alloc(e)) == NULL)
		return ENOMEM;
	if ((lf->lf_fd = lf_dupfd(e->e_rootfd)) == -1) {
		err = errno;
		free(lf);
		return err;
	}
	lf->lf_dev = st.st_dev;
	lf->lf_ino = st.st_ino;
	lf->lf_type = st.st_mode & S_IFMT;
	lf->lf_uid = uid;
	lf_link_in(lf);
	*lfp = lf;
	return 0;
}

static void
lf_node_free(struct lf_node *n)
{
	lf_closefd(&n->n_fd);
	lf_closefd(&n->n_pfd);
	free(n->n_name);
	n->n_name = NULL;
}

/*
 * Find the name of directory dst in its parent, for a node reached by
 * "..".  On success *pfdp is the parent's fd and *namep the name; a
 * directory that cannot be found (a mount point, a race) keeps no name
 * and the name-based operations on it (rename, remove) say ESTALE.
 */
static int
lf_findname(int dfd, const struct stat *dst, int *pfdp, char **namep,
    struct stat *pst)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	int		 gfd, sfd, err = ENOENT;

	*pfdp = -1;
	*namep = NULL;
	gfd = openat(dfd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (gfd == -1)
		return errno;
	if (fstat(gfd, pst) == -1 || (sfd = lf_dupfd(gfd)) == -1) {
		err = errno;
		(void)close(gfd);
		return err;
	}
	if ((d = fdopendir(sfd)) == NULL) {
		err = errno;
		(void)close(sfd);
		(void)close(gfd);
		return err;
	}
	while ((de = readdir(d)) != NULL) {
		if ((ino_t)de->d_ino != dst->st_ino ||
		    strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(gfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    sb.st_dev != dst->st_dev || sb.st_ino != dst->st_ino)
			continue;
		if ((*namep = strdup(de->d_name)) == NULL)
			err = ENOMEM;
		else
			err = 0;
		break;
	}
	(void)closedir(d);
	if (err != 0) {
		(void)close(gfd);
		return err;
	}
	*pfdp = gfd;
	return 0;
}

/* One step to a named child of the directory at n. */
static int
lf_step_name(struct export *e, struct lf_node *n, const char *name,
    struct p9_qid *qid, int cached)
{
	struct stat	 st;
	char		*nm;
	int		 nfd, err;

	if (!lf_name_ok(name))
		return EINVAL;
	if (n->n_fd < 0)
		return EACCES;
	/* compat_ctlopen never opens a device node for I/O. */
	if ((cached ? compat_ctlopen_cached(n->n_fd, name, &nfd, &st) :
	    compat_ctlopen(n->n_fd, name, &nfd, &st)) == -1)
		return errno;
	if (!lf_type_ok(st.st_mode)) {
		err = EPERM;
		goto fail;
	}
	if ((err = lf_qid(e, &st, qid)) != 0)
		goto fail;
	if ((nm = strdup(name)) == NULL) {
		err = ENOMEM;
		goto fail;
	}
	lf_closefd(&n->n_pfd);
	free(n->n_name);
	n->n_pfd = n->n_fd;
	n->n_name = nm;
	n->n_pdev = n->n_dev;
	n->n_pino = n->n_ino;
	n->n_fd = nfd;
	n->n_dev = st.st_dev;
	n->n_ino = st.st_ino;
	n->n_type = st.st_mode & S_IFMT;
	return 0;

fail:
	lf_closefd(&nfd);
	return err;
}

/*
 * Deepest tree the ancestry check climbs: a path of one-letter names
 * fills PATH_MAX at about half of this.
 */
#define LF_MAXCLIMB	4096

/*
 * Whether the directory at fd (identity st) still lies inside the export:
 * its ".." chain reaches the root.  Walking down only ever reaches
 * directories inside, but a host process (not 9P) may move a directory
 * out of the export with a fid still in it; without this, ".." from that
 * fid would climb on into the host's tree.  Only ".." pays for it.
 */
static int
lf_inside(const struct stat *rs, int fd, const struct stat *st)
{
	struct stat	 cur, up;
	int		 cfd = fd, nfd, i, err = EACCES;

	cur = *st;
	for (i = 0; i < LF_MAXCLIMB; i++) {
		if (cur.st_dev == rs->st_dev && cur.st_ino == rs->st_ino) {
			err = 0;
			break;
		}
		if (compat_ctlopen(cfd, "..", &nfd, &up) == -1) {
			err = errno;
			break;
		}
		if (cfd != fd)
			lf_closefd(&cfd);
		cfd = nfd;
		/* The host's "/" is its own parent: the root was not met. */
		if (nfd < 0 || (up.st_dev == cur.st_dev &&
		    up.st_ino == cur.st_ino))
			break;
		cur = up;
	}
	if (cfd != fd)
		lf_closefd(&cfd);
	return err;
}

/* One step to "..", which never leaves the export root. */
/* "." names the directory itself: diod's tools walk it to list one. */
static int
lf_step_dot(struct export *e, struct lf_node *n, struct p9_qid *qid)
{
	struct stat	 st;

	memset(&st, 0, sizeof(st));
	st.st_dev = n->n_dev;
	st.st_ino = n->n_ino;
	st.st_mode = n->n_type;
	return lf_qid(e, &st, qid);
}

static int
lf_step_dotdot(struct export *e, struct lf_node *n, struct p9_qid *qid)
{
	struct stat	 rs, st, pst;
	char		*nm = NULL;
	int		 nfd, pfd = -1, err;

	if ((err = lf_rootstat(e, &rs)) != 0)
		return err;
	if (n->n_dev == rs.st_dev && n->n_ino == rs.st_ino)
		return lf_qid(e, &rs, qid);
	if (n->n_fd < 0)
		return EACCES;
	if (compat_ctlopen(n->n_fd, "..", &nfd, &st) == -1)
		return errno;
	if (nfd < 0 || !S_ISDIR(st.st_mode)) {
		lf_closefd(&nfd);
		return EACCES;
	}
	if ((err = lf_inside(&rs, nfd, &st)) != 0) {
		log_debug("walk ..: parent not inside the export: %s",
		    strerror(err));
		lf_closefd(&nfd);
		return EACCES;
	}
	if ((err = lf_qid(e, &st, qid)) != 0) {
		lf_closefd(&nfd);
		return err;
	}
	memset(&pst, 0, sizeof(pst));
	if (st.st_dev != rs.st_dev || st.st_ino != rs.st_ino) {
		err = lf_findname(nfd, &st, &pfd, &nm, &pst);
		if (err != 0)
			log_debug("walk ..: no name for the parent: %s",
			    strerror(err));
	}
	lf_node_free(n);
	n->n_fd = nfd;
	n->n_pfd = pfd;
	n->n_name = nm;
	n->n_pdev = pst.st_dev;
	n->n_pino = pst.st_ino;
	n->n_dev = st.st_dev;
	n->n_ino = st.st_ino;
	n->n_type = S_IFDIR;
	return 0;
}

/*
 * The walk; with cached set, only as far as the kernel's lookup cache
 * goes without waiting (see lf_walk_cached): EAGAIN otherwise, having
 * changed nothing.
 */
static int
lf_walk_impl(struct lfile *lf, int nwname, char *const *names,
    struct p9_qid *qids, int *nqids, struct lfile **newlf, int cached)
{
	struct export	*e = lf->lf_exp;
	struct lf_node	 n;
	struct lfile	*nlf;
	int		 i, err = 0;

	*nqids = 0;
	*newlf = NULL;
	if (nwname < 0 || nwname > P9_MAXWELEM)
		return EINVAL;
	if (lf->lf_xattr != NULL)
		return EBADF;
	/* ".." may need a directory search to name the parent. */
	for (i = 0; cached && i < nwname; i++)
		if (names[i] == NULL || strcmp(names[i], "..") == 0)
			return EAGAIN;
	memset(&n, 0, sizeof(n));
	n.n_fd = n.n_pfd = -1;
	if (lf->lf_fd >= 0 && (n.n_fd = lf_dupfd(lf->lf_fd)) == -1)
		return errno;
	n.n_dev = lf->lf_dev;
	n.n_ino = lf->lf_ino;
	n.n_type = lf->lf_type;
	/*
	 * The start's own name and parent are kept only if the walk ends
	 * where it began (a clone, or only "."): any other step replaces
	 * them, and copying costs a lock, a dup and a close.
	 */
	for (i = 0; i < nwname; i++)
		if (names[i] == NULL || strcmp(names[i], ".") != 0)
			break;
	if (i == nwname) {
		if ((err = lf_filelock(e, cached)) != 0) {
			lf_node_free(&n);
			return err;
		}
		if (lf->lf_name != NULL) {
			if ((n.n_name = strdup(lf->lf_name)) == NULL)
				err = ENOMEM;
			else if ((n.n_pfd = lf_dupfd(lf->lf_pfd)) == -1)
				err = errno;
			n.n_pdev = lf->lf_pdev;
			n.n_pino = lf->lf_pino;
		}
		pthread_mutex_unlock(&e->e_filelock);
		if (err != 0)
			goto fail;
	}

	for (i = 0; i < nwname; i++) {
		if (names[i] == NULL) {
			err = EINVAL;
			goto fail;
		}
		if (S_ISLNK(n.n_type)) {
			err = ELOOP;
			goto fail;
		}
		if (!S_ISDIR(n.n_type)) {
			err = ENOTDIR;
			goto fail;
		}
		if (strcmp(names[i], "..") == 0)
			err = lf_step_dotdot(e, &n, &qids[i]);
		else if (strcmp(names[i], ".") == 0)
			err = lf_step_dot(e, &n, &qids[i]);
		else
			err = lf_step_name(e, &n, names[i], &qids[i], cached);
		if (err != 0)
			goto fail;
		*nqids = i + 1;
	}

	if ((nlf = lf_alloc(e)) == NULL) {
		err = ENOMEM;
		goto fail;
	}
	if (cached && (err = lf_filelock(e, 1)) != 0) {
		free(nlf);
		goto fail;
	}
	nlf->lf_fd = n.n_fd;
	nlf->lf_pfd = n.n_pfd;
	nlf->lf_name = n.n_name;
	nlf->lf_pdev = n.n_pdev;
	nlf->lf_pino = n.n_pino;
	nlf->lf_dev = n.n_dev;
	nlf->lf_ino = n.n_ino;
	nlf->lf_type = n.n_type;
	nlf->lf_uid = lf->lf_uid;
	if (cached) {
		TAILQ_INSERT_TAIL(&e->e_files, nlf, lf_entry);
		pthread_mutex_unlock(&e->e_filelock);
	} else
		lf_link_in(nlf);
	*newlf = nlf;
	return 0;

fail:
	/* A cached walk that could not finish is redone whole elsewhere. */
	if (cached && err == EAGAIN)
		*nqids = 0;
	lf_node_free(&n);
	return err;
}

int
lf_walk(struct lfile *lf, int nwname, char *const *names,
    struct p9_qid *qids, int *nqids, struct lfile **newlf)
{
	return lf_walk_impl(lf, nwname, names, qids, nqids, newlf, 0);
}

/*
 * lf_walk for the loop thread: every name looked up in the kernel's
 * cache only, no lock waited for.  EAGAIN means a worker must walk.
 */
int
lf_walk_cached(struct lfile *lf, int nwname, char *const *names,
    struct p9_qid *qids, int *nqids, struct lfile **newlf)
{
	return lf_walk_impl(lf, nwname, names, qids, nqids, newlf, 1);
}

static int
lf_stat(struct lfile *lf, struct stat *st)
{
	struct lf_handle h;
	int		 err;

	if (lf->lf_fd >= 0) {
		if (fstat(lf->lf_fd, st) == -1)
			return errno;
		return 0;
	}
	if ((err = lf_hold(lf, &h)) != 0)
		return err;
	if (compat_fstat(h.h_fd, h.h_pfd, h.h_name, st) == -1)
		err = errno;
	lf_release(&h);
	return err;
}

int
lf_getattr(struct lfile *lf, uint64_t mask, struct p9_fcall *r)
{
	struct stat	 st;
	int		 err;

	if (lf->lf_xattr != NULL)
		return EBADF;
	if ((err = lf_stat(lf, &st)) != 0)
		return err;
	if ((err = lf_qid(lf->lf_exp, &st, &r->u.rgetattr.qid)) != 0)
		return err;
	r->u.rgetattr.valid = mask & P9_GETATTR_BASIC;
	r->u.rgetattr.mode = compat_mode_to_wire(st.st_mode);
	r->u.rgetattr.uid = (uint32_t)st.st_uid;
	r->u.rgetattr.gid = (uint32_t)st.st_gid;
	r->u.rgetattr.nlink = (uint64_t)st.st_nlink;
	r->u.rgetattr.rdev = compat_rdev_to_wire(st.st_rdev);
	r->u.rgetattr.size = (uint64_t)st.st_size;
	r->u.rgetattr.blksize = (uint64_t)st.st_blksize;
	r->u.rgetattr.blocks = (uint64_t)st.st_blocks;
	r->u.rgetattr.atime_sec = (uint64_t)COMPAT_ST_ATIM(&st).tv_sec;
	r->u.rgetattr.atime_nsec = (uint64_t)COMPAT_ST_ATIM(&st).tv_nsec;
	r->u.rgetattr.mtime_sec = (uint64_t)COMPAT_ST_MTIM(&st).tv_sec;
	r->u.rgetattr.mtime_nsec = (uint64_t)COMPAT_ST_MTIM(&st).tv_nsec;
	r->u.rgetattr.ctime_sec = (uint64_t)COMPAT_ST_CTIM(&st).tv_sec;
	r->u.rgetattr.ctime_nsec = (uint64_t)COMPAT_ST_CTIM(&st).tv_nsec;
	r->u.rgetattr.btime_sec = 0;
	r->u.rgetattr.btime_nsec = 0;
	r->u.rgetattr.gen = 0;
	r->u.rgetattr.data_version = 0;
	return 0;
}

static int
lf_writable(uint32_t omode)
{
	uint32_t	 acc = omode & P9_L_O_ACCMODE;

	return omode != LF_NOTOPEN &&
	    (acc == P9_L_O_WRONLY || acc == P9_L_O_RDWR);
}

static int
lf_readable(uint32_t omode)
{
	uint32_t	 acc = omode & P9_L_O_ACCMODE;

	return omode != LF_NOTOPEN &&
	    (acc == P9_L_O_RDONLY || acc == P9_L_O_RDWR);
}

/*
 * Where a file cannot be reopened (no /proc, and unlinked so it has no
 * name), another fid of this export may hold it open for writing: a
 * duplicate of that descriptor serves, if that fid was attached by the
 * same user; another user's descriptor carries rights this one may not
 * have.  -1 with errno kept otherwise.
 */
static int
lf_borrow_wfd(struct lfile *lf)
{
	struct export	*e = lf->lf_exp;
	struct lfile	*o;
	int		 saved = errno, fd = -1;

	pthread_mutex_lock(&e->e_filelock);
	TAILQ_FOREACH(o, &e->e_files, lf_entry) {
		if (o != lf && o->lf_dev == lf->lf_dev &&
		    o->lf_ino == lf->lf_ino && o->lf_uid == lf->lf_uid &&
		    o->lf_ofd >= 0 && lf_writable(o->lf_omode)) {
			fd = fcntl(o->lf_ofd, F_DUPFD_CLOEXEC, 0);
			break;
		}
	}
	pthread_mutex_unlock(&e->e_filelock);
	if (fd == -1)
		errno = saved;
	return fd;
}

static int
lf_truncate(struct lfile *lf, const struct lf_handle *h, uint64_t size)
{
	int	 wfd, err = 0;

	if (S_ISDIR(lf->lf_type))
		return EISDIR;
	if (!S_ISREG(lf->lf_type))
		return EINVAL;
	if (size > LF_OFF_MAX)
		return EFBIG;
	if (lf->lf_ofd >= 0 && lf_writable(lf->lf_omode)) {
		if (ftruncate(lf->lf_ofd, (off_t)size) == -1)
			return errno;
		return 0;
	}
	wfd = compat_reopen(h->h_fd, h->h_pfd, h->h_name, lf->lf_dev,
	    lf->lf_ino, O_WRONLY);
	/* A borrowed descriptor stands in for a reopen that cannot be
	 * done, never for one the kernel refused to this user. */
	if (wfd == -1 && (errno == EACCES || errno == EPERM ||
	    (wfd = lf_borrow_wfd(lf)) == -1))
		return errno;
	if (ftruncate(wfd, (off_t)size) == -1)
		err = errno;
	(void)close(wfd);
	return err;
}

/* A wire time: explicit, "now", or left alone. */
static int
lf_wiretime(int want, int set, uint64_t sec, uint64_t nsec,
    struct timespec *ts)
{
	ts->tv_sec = 0;
	if (!want) {
		ts->tv_nsec = UTIME_OMIT;
		return 0;
	}
	if (!set) {
		ts->tv_nsec = UTIME_NOW;
		return 0;
	}
	if (nsec > 999999999ULL)
		return EINVAL;
	/* The client sends a signed time in an unsigned field. */
	ts->tv_sec = (time_t)(int64_t)sec;
	ts->tv_nsec = (long)nsec;
	return 0;
}

int
lf_setattr(struct lfile *lf, const struct p9_fcall *t)
{
	const uint32_t	 allowed = P9_SETATTR_MODE | P9_SETATTR_UID |
	    P9_SETATTR_GID | P9_SETATTR_SIZE | P9_SETATTR_ATIME |
	    P9_SETATTR_MTIME | P9_SETATTR_CTIME | P9_SETATTR_ATIME_SET |
	    P9_SETATTR_MTIME_SET;
	struct lf_handle h;
	struct timespec	 ts[2];
	uint32_t	 v = t->u.tsetattr.valid;
	uid_t		 uid;
	gid_t		 gid;
	int		 err = 0, e;

	if (lf->lf_xattr != NULL)
		return EBADF;
	if ((e = lf_rocheck(lf)) != 0)
		return e;
	if (v & ~allowed)
		return EPERM;
	/* CTIME alone (sent with chmod) is a no-op: any change sets it. */
	if ((v & ~(P9_SETATTR_CTIME | P9_SETATTR_ATIME_SET |
	    P9_SETATTR_MTIME_SET)) == 0)
		return 0;
	if ((e = lf_hold(lf, &h)) != 0)
		return e;

	/* Size first and times last: truncation changes mtime. */
	if (v & P9_SETATTR_SIZE) {
		if ((e = lf_truncate(lf, &h, t->u.tsetattr.size)) != 0)
			err = e;
	}
	/* Owner before mode: chown(2) may clear the set-id bits. */
	if (v & (P9_SETATTR_UID | P9_SETATTR_GID)) {
		uid = (v & P9_SETATTR_UID) ? (uid_t)t->u.tsetattr.uid :
		    (uid_t)-1;
		gid = (v & P9_SETATTR_GID) ? (gid_t)t->u.tsetattr.gid :
		    (gid_t)-1;
		if (compat_fchown(h.h_fd, h.h_pfd, h.h_name, uid, gid) == -1)
			err = errno;
	}
	if (v & P9_SETATTR_MODE) {
		if (compat_fchmod(h.h_fd, h.h_pfd, h.h_name,
		    compat_mode_from_wire(t->u.tsetattr.mode) & 07777) == -1)
			err = errno;
	}
	if (v & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)) {
		e = lf_wiretime(v & P9_SETATTR_ATIME, v & P9_SETATTR_ATIME_SET,
		    t->u.tsetattr.atime_sec, t->u.tsetattr.atime_nsec, &ts[0]);
		if (e == 0)
			e = lf_wiretime(v & P9_SETATTR_MTIME,
			    v & P9_SETATTR_MTIME_SET, t->u.tsetattr.mtime_sec,
			    t->u.tsetattr.mtime_nsec, &ts[1]);
		if (e == 0 && compat_utimens(h.h_fd, h.h_pfd, h.h_name,
		    lf->lf_type, ts) == -1)
			e = errno;
		if (e != 0)
			err = e;
	}
	lf_release(&h);
	return err;
}

/* Host open flags for a wire Tlopen/Tlcreate, never creating anything. */
static int
lf_hostflags(uint32_t wflags)
{
	int	 h;

	h = compat_oflags_from_wire(wflags);
	h &= ~(O_CREAT | O_EXCL | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
#ifdef O_DIRECT
	/* Our buffers are not aligned for it; the page cache is fine. */
	h &= ~O_DIRECT;
#endif
	return h;
}

int
lf_open(struct lfile *lf, uint32_t wflags, struct p9_qid *qid)
{
	struct lf_handle h;
	struct stat	 st;
	uint32_t	 acc = wflags & P9_L_O_ACCMODE;
	int		 nfd, err;

	if (lf->lf_xattr != NULL)
		return EBADF;
	if (lf->lf_omode != LF_NOTOPEN || lf->lf_ofd >= 0)
		return EINVAL;
	if (acc == P9_L_O_NOACCESS)
		return EINVAL;
	if ((acc != P9_L_O_RDONLY || (wflags & P9_L_O_TRUNC)) &&
	    (err = lf_rocheck(lf)) != 0)
		return err;
	switch (lf->lf_type) {
	case S_IFDIR:
		if (acc != P9_L_O_RDONLY || (wflags & P9_L_O_TRUNC))
			return EISDIR;
		break;
	case S_IFREG:
		if (wflags & P9_L_O_DIRECTORY)
			return ENOTDIR;
		break;
	case S_IFLNK:
		return ELOOP;
	default:
		/*
		 * Special files are never opened here: a device's I/O is
		 * the client's own (Linux opens its own driver for it), and
		 * a FIFO or socket would block a worker or mean nothing.
		 * EPERM, as a device cgroup answers.
		 */
		return EPERM;
	}

	if (S_ISDIR(lf->lf_type) && lf->lf_fd >= 0) {
		/* A new open file description: a readdir cursor of its own. */
		nfd = openat(lf->lf_fd, ".", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
		if (nfd == -1)
			return errno;
	} else {
		/*
		 * Always a new open file description, even read-only: locks
		 * and offsets belong to it, and each fid needs its own.
		 */
		if ((err = lf_hold(lf, &h)) != 0)
			return err;
		nfd = compat_reopen(h.h_fd, h.h_pfd, h.h_name, lf->lf_dev,
		    lf->lf_ino, S_ISDIR(lf->lf_type) ? O_RDONLY | O_DIRECTORY :
		    lf_hostflags(wflags));
		err = errno;
		lf_release(&h);
		if (nfd == -1)
			return err;
	}
	/* The type check after open: a FIFO or device swapped in is not ours. */
	if (fstat(nfd, &st) == -1) {
		err = errno;
		goto fail;
	}
	if (st.st_dev != lf->lf_dev || st.st_ino != lf->lf_ino) {
		err = ESTALE;
		goto fail;
	}
	if ((st.st_mode & S_IFMT) != lf->lf_type) {
		err = EPERM;
		goto fail;
	}
	if ((err = lf_qid(lf->lf_exp, &st, qid)) != 0)
		goto fail;
	/* Asked here, on a worker, so that the loop's Tclunk need not. */
	lf->lf_ofdslow = !compat_fs_local(nfd);
	/* Published under the list lock: lf_borrow_wfd reads them. */
	pthread_mutex_lock(&lf->lf_exp->e_filelock);
	lf->lf_ofd = nfd;
	lf->lf_omode = wflags;
	pthread_mutex_unlock(&lf->lf_exp->e_filelock);
	lf->lf_dirnext = 0;
	return 0;

fail:
	(void)close(nfd);
	return err;
}

/* Is dir usable as the directory of a create-like operation? */
static int
lf_dircheck(const struct lfile *dir)
{
	if (dir->lf_xattr != NULL)
		return EBADF;
	if (S_ISLNK(dir->lf_type))
		return ELOOP;
	if (!S_ISDIR(dir->lf_type))
		return ENOTDIR;
	if (dir->lf_fd < 0)
		return EACCES;
	return 0;
}

/* Checks before making dir/name: writable export, a directory, a name. */
static int
lf_newcheck(struct lfile *dir, const char *name)
{
	int	 err;

	if ((err = lf_rocheck(dir)) != 0)
		return err;
	if ((err = lf_dircheck(dir)) != 0)
		return err;
	return lf_name_err(name);
}

/*
 * In user mode the request runs as the attaching user, who owns the new
 * file already; its group is the one the client's gid names when that
 * user is a member of it, as a local create by a process whose fsgid it
 * is would give.  A directory that is set-group-ID gives its own group
 * whatever the gid, as on Linux: the host did that already.  A gid the
 * user is not a member of is not an error (a local create never fails
 * for its group, and the client's group database may differ from the
 * host's): the group the host gave stays.  The kernel decides about
 * membership, so chown(2)'s EPERM is that answer.  Changing the group
 * may clear the set-group-ID bit; the mode asked for is put back.
 */
static int
lf_regroup_new(const struct lfile *dir, int fd, int pfd, const char *name,
    const struct stat *made, gid_t gid)
{
	struct stat	 ds;

	if (gid == (gid_t)-1 || gid == made->st_gid)
		return 0;
	if (fstat(dir->lf_fd, &ds) == -1)
		return errno;
	if (ds.st_mode & S_ISGID)
		return 0;
	if (compat_fchown(fd, pfd, name, (uid_t)-1, gid) == -1)
		return errno == EPERM ? 0 : errno;
	if ((made->st_mode & (S_ISUID | S_ISGID)) && !S_ISLNK(made->st_mode) &&
	    compat_fchmod(fd, pfd, name, made->st_mode & 07777) == -1)
		return errno;
	return 0;
}

/*
 * Give a new file its owner: to the attaching user, as the seed does
 * when root (trusted mode), or only its group (user mode).
 */
static int
lf_chown_new(const struct lfile *dir, int fd, int pfd, const char *name,
    const struct stat *made, gid_t gid)
{
	if (dir->lf_exp->e_idmode == ID_USER)
		return lf_regroup_new(dir, fd, pfd, name, made, gid);
	if (geteuid() != 0 || (dir->lf_exp->e_flags & EXP_NOCHOWN))
		return 0;
	if (compat_fchown(fd, pfd, name, dir->lf_uid, gid) == -1)
		return errno;
	return 0;
}

/*
 * Undo a create after a later failure, but only if the name still holds
 * what was made: another process may have replaced it meanwhile.
 */
static void
lf_undo(int dfd, const char *name, const struct stat *made, int flags)
{
	struct stat	 sb;

	if (made != NULL && (fstatat(dfd, name, &sb,
	    AT_SYMLINK_NOFOLLOW) == -1 || sb.st_dev != made->st_dev ||
	    sb.st_ino != made->st_ino))
		return;
	if (unlinkat(dfd, name, flags) == -1)
		log_warn("cannot remove a half-made file");
}

/*
 * The fid dir becomes the regular file dir/name (st), open as fd with
 * control fd cfd; the old directory fd becomes its parent.  Takes fd,
 * cfd and nm.
 */
static void
lf_become(struct lfile *dir, int fd, int cfd, char *nm,
    const struct stat *st, uint32_t wflags)
{
	struct export	*e = dir->lf_exp;
	int		 slow;

	slow = !compat_fs_local(fd);
	lf_dir_free(dir);
	if (dir->lf_ofd >= 0) {
		compat_unlock_owner(dir->lf_ofd, dir);
		lf_closefd(&dir->lf_ofd);
	}
	pthread_mutex_lock(&e->e_filelock);
	lf_closefd(&dir->lf_pfd);
	free(dir->lf_name);
	dir->lf_pfd = dir->lf_fd;
	dir->lf_name = nm;
	dir->lf_pdev = dir->lf_dev;
	dir->lf_pino = dir->lf_ino;
	dir->lf_fd = cfd;
	dir->lf_dev = st->st_dev;
	dir->lf_ino = st->st_ino;
	dir->lf_type = S_IFREG;
	dir->lf_ofd = fd;
	dir->lf_ofdslow = slow;
	dir->lf_omode = wflags;
	dir->lf_dirnext = 0;
	pthread_mutex_unlock(&e->e_filelock);
}

/*
 * Tlcreate without O_EXCL of a name that exists: open it, as open(2)
 * does.  The Linux client sends Tlcreate whenever its own lookup found
 * nothing, so a file another client made meanwhile must open, not fail.
 * Never through a symlink, and only what Tlopen would open.  ENOENT if
 * the name went away meanwhile.
 */
static int
lf_create_existing(struct lfile *dir, const char *name, uint32_t wflags,
    struct p9_qid *qid)
{
	struct stat	 st;
	uint32_t	 acc = wflags & P9_L_O_ACCMODE;
	char		*nm = NULL;
	int		 fd = -1, cfd, err;

	/* A path-only look first: a FIFO or device must not be opened. */
	if (compat_ctlopen(dir->lf_fd, name, &cfd, &st) == -1)
		return errno;
	switch (st.st_mode & S_IFMT) {
	case S_IFREG:
		break;
	case S_IFDIR:
		err = EISDIR;
		goto fail;
	case S_IFLNK:
		err = ELOOP;
		goto fail;
	default:
		err = EPERM;
		goto fail;
	}
	if ((acc != P9_L_O_RDONLY || (wflags & P9_L_O_TRUNC)) &&
	    (err = lf_rocheck(dir)) != 0)
		goto fail;
	/* Checked to be st still, and truncated only after that check. */
	if ((fd = compat_reopen(cfd, dir->lf_fd, name, st.st_dev, st.st_ino,
	    lf_hostflags(wflags))) == -1) {
		err = errno;
		goto fail;
	}
	if ((err = lf_qid(dir->lf_exp, &st, qid)) != 0)
		goto fail;
	if ((nm = strdup(name)) == NULL) {
		err = ENOMEM;
		goto fail;
	}
	lf_become(dir, fd, cfd, nm, &st, wflags);
	return 0;

fail:
	lf_closefd(&fd);
	lf_closefd(&cfd);
	return err;
}

/* Tries of create-or-open while the name keeps appearing and going. */
#define LF_CREATE_TRIES	8

int
lf_create(struct lfile *dir, const char *name, uint32_t wflags,
    uint32_t mode, gid_t gid, struct p9_qid *qid)
{
	struct export	*e = dir->lf_exp;
	struct stat	 st;
	uint32_t	 acc = wflags & P9_L_O_ACCMODE;
	char		*nm = NULL;
	int		 flags, fd, cfd = -1, err, made = 0, i;

	/* Opening what exists needs no write access to a read-only export. */
	if (lf_is_ro(dir) && (wflags & P9_L_O_EXCL) == 0 &&
	    acc != P9_L_O_NOACCESS && lf_dircheck(dir) == 0 &&
	    lf_name_ok(name) &&
	    (err = lf_create_existing(dir, name, wflags, qid)) != ENOENT)
		return err;
	if ((err = lf_newcheck(dir, name)) != 0)
		return err;
	if (acc == P9_L_O_NOACCESS)
		return EINVAL;
	flags = lf_hostflags(wflags) & ~O_ACCMODE;
	flags |= (acc == P9_L_O_RDONLY) ? O_RDONLY : O_RDWR;
	flags |= O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	for (i = 0; ; i++) {
		fd = openat(dir->lf_fd, name, flags,
		    compat_mode_from_wire(mode) & 07777);
		if (fd != -1)
			break;
		if (errno != EEXIST || (wflags & P9_L_O_EXCL) ||
		    i + 1 >= LF_CREATE_TRIES)
			return errno;
		if ((err = lf_create_existing(dir, name, wflags, qid)) !=
		    ENOENT)
			return err;
	}
	if (fstat(fd, &st) == -1) {
		err = errno;
		goto fail;
	}
	made = 1;
	if (!S_ISREG(st.st_mode)) {
		err = EPERM;
		goto fail;
	}
	if ((err = lf_chown_new(dir, fd, dir->lf_fd, name, &st, gid)) != 0)
		goto fail;
	if ((err = lf_qid(e, &st, qid)) != 0)
		goto fail;
	if ((cfd = lf_dupfd(fd)) == -1 || (nm = strdup(name)) == NULL) {
		err = cfd == -1 ? errno : ENOMEM;
		goto fail;
	}
	lf_become(dir, fd, cfd, nm, &st, wflags);
	return 0;

fail:
	lf_closefd(&cfd);
	(void)close(fd);
	lf_undo(dir->lf_fd, name, made ? &st : NULL, 0);
	return err;
}

static int
lf_rw_check(struct lfile *lf, uint64_t off, uint32_t count)
{
	if (lf->lf_omode == LF_NOTOPEN || lf->lf_ofd < 0)
		return EBADF;
	if (S_ISDIR(lf->lf_type))
		return EISDIR;
	if (off > LF_OFF_MAX || count > LF_OFF_MAX - off)
		return EINVAL;
	return 0;
}

/*
 * lf_read, but only from the page cache, for the loop thread: 0 and the
 * whole count (or up to the end of the file), an errno to reply with, or
 * EAGAIN when a worker must do the read after all.
 */
int
lf_read_cached(struct lfile *lf, uint64_t off, void *buf, uint32_t count,
    uint32_t *np)
{
	struct stat	 st;
	ssize_t		 n;
	int		 err;

	*np = 0;
	if (lf->lf_xattr != NULL || !S_ISREG(lf->lf_type) || lf->lf_ofd < 0)
		return EAGAIN;
	if ((err = lf_rw_check(lf, off, count)) != 0)
		return err;
	if (!lf_readable(lf->lf_omode))
		return EBADF;
	if ((n = compat_pread_nowait(lf->lf_ofd, buf, count, (off_t)off)) ==
	    -1)
		return EAGAIN;
	/* Short: the end of the file, or only part of it cached. */
	if ((uint32_t)n < count && (fstat(lf->lf_ofd, &st) == -1 ||
	    off + (uint64_t)n < (uint64_t)st.st_size))
		return EAGAIN;
	*np = (uint32_t)n;
	return 0;
}

/*
 * How many of count bytes at off a mapping can give: 0 and *np set (and
 * *st, the open file's fstat), or EAGAIN for lf_read to do it (not a
 * plain file open for reading, at or past the end, or a file whose size
 * means nothing: procfs says 0).
 */
static int
lf_map_span(struct lfile *lf, uint64_t off, uint32_t count, uint32_t *np,
    struct stat *st)
{
	if (lf->lf_xattr != NULL || !S_ISREG(lf->lf_type) ||
	    lf->lf_ofd < 0 || lf_rw_check(lf, off, count) != 0 ||
	    !lf_readable(lf->lf_omode))
		return EAGAIN;
	if (fstat(lf->lf_ofd, st) == -1 || off >= (uint64_t)st->st_size)
		return EAGAIN;
	if (count > (uint64_t)st->st_size - off)
		count = (uint32_t)((uint64_t)st->st_size - off);
	*np = count;
	return 0;
}

/*
 * The bytes a Tread asks for (up to the end of the file) in a window on
 * the file, ready to send: maywait 0 (the event loop), only if a window
 * holds them and the page cache has every page; maywait 1 (a worker),
 * mapping a window and reading the pages in as needed.  0 and *w set,
 * or EAGAIN: use lf_read (which also reports any error); never an errno
 * for a reply.
 */
int
lf_window(struct lfile *lf, uint64_t off, uint32_t count, int maywait,
    struct lfwin *w)
{
	struct stat	 st;

	memset(w, 0, sizeof(*w));
	if (lf_map_span(lf, off, count, &count, &st) != 0 ||
	    (w->w_win = mapwin_get(lf, lf->lf_ofd, &st, off, count,
	    maywait)) == NULL)
		return EAGAIN;
	w->w_data = w->w_win->mw_base + (off - w->w_win->mw_off);
	if (!compat_window_ready(w->w_data, count, maywait)) {
		mapwin_put(w->w_win);
		memset(w, 0, sizeof(*w));
		return EAGAIN;
	}
	w->w_n = count;
	return 0;
}

/*
 * Map the bytes a Tread asks for (up to the end of the file), every page
 * in memory, so the reply can go from the page cache to the socket in
 * one copy rather than two.  0 and *m set, or EAGAIN: nothing mapped, use
 * lf_read (which also reports any error); never an errno for a reply.
 */
int
lf_map(struct lfile *lf, uint64_t off, uint32_t count, struct lfmap *m)
{
	struct stat	 st;
	uint64_t	 start, pg;
	long		 l;

	memset(m, 0, sizeof(*m));
	if ((l = sysconf(_SC_PAGESIZE)) <= 0 ||
	    lf_map_span(lf, off, count, &count, &st) != 0)
		return EAGAIN;
	pg = (uint64_t)l;
	start = off - off % pg;
	m->m_len = (size_t)(off - start) + count;
	if ((m->m_base = compat_map_resident(lf->lf_ofd, (off_t)start,
	    m->m_len)) == NULL)
		return EAGAIN;
	m->m_data = (const uint8_t *)m->m_base + (off - start);
	m->m_n = count;
	return 0;
}

void
lf_unmap(struct lfmap *m)
{
	if (m->m_base != NULL)
		(void)munmap(m->m_base, m->m_len);
	m->m_base = NULL;
}

/*
 * The part of a mapped reply the socket did not take: len bytes at off,
 * of the count lf_map promised.  The file may have shrunk on the host
 * since it was mapped; what it no longer has reads as zeros, as it would
 * through the mapping, so the reply keeps the length already sent.
 */
int
lf_map_rest(struct lfile *lf, uint64_t off, void *buf, uint32_t len)
{
	uint32_t	 n = 0;
	int		 err;

	if ((err = lf_read(lf, off, buf, len, &n)) != 0)
		return err;
	memset((uint8_t *)buf + n, 0, len - n);
	return 0;
}

int
lf_read(struct lfile *lf, uint64_t off, void *buf, uint32_t count,
    uint32_t *np)
{
	struct lxattr	*x = lf->lf_xattr;
	ssize_t		 n;
	uint32_t	 done = 0;
	int		 err;

	*np = 0;
	if (x != NULL) {
		if (x->x_create)
			return EBADF;
		if (off >= x->x_size)
			return 0;
		if (count > x->x_size - off)
			count = (uint32_t)(x->x_size - off);
		memcpy(buf, x->x_buf + off, count);
		*np = count;
		return 0;
	}
	if ((err = lf_rw_check(lf, off, count)) != 0)
		return err;
	if (!lf_readable(lf->lf_omode))
		return EBADF;
	while (done < count) {
		n = pread(lf->lf_ofd, (uint8_t *)buf + done, count - done,
		    (off_t)(off + done));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (done > 0)
				break;
			return errno;
		}
		if (n == 0)
			break;
		done += (uint32_t)n;
	}
	*np = done;
	return 0;
}

int
lf_write(struct lfile *lf, uint64_t off, const void *buf, uint32_t count,
    uint32_t *np)
{
	struct lxattr	*x = lf->lf_xattr;
	ssize_t		 n;
	uint32_t	 done = 0;
	int		 err;

	*np = 0;
	if (x != NULL) {
		if (!x->x_create)
			return EBADF;
		if (off != x->x_len)
			return EINVAL;
		if (count > x->x_size - x->x_len)
			return ERANGE;
		if (count > 0)
			memcpy(x->x_buf + x->x_len, buf, count);
		x->x_len += count;
		*np = count;
		return 0;
	}
	/* Before the directory check: write(2) on a directory's read-only
	 * descriptor says EBADF, not EISDIR. */
	if (lf->lf_omode != LF_NOTOPEN && !lf_writable(lf->lf_omode))
		return EBADF;
	if ((err = lf_rw_check(lf, off, count)) != 0)
		return err;
	if ((err = lf_rocheck(lf)) != 0)
		return err;
	while (done < count) {
		n = pwrite(lf->lf_ofd, (const uint8_t *)buf + done,
		    count - done, (off_t)(off + done));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (done > 0)
				break;
			return errno;
		}
		if (n == 0)
			break;
		done += (uint32_t)n;
	}
	*np = done;
	return 0;
}

/* A wire dirent type and qid for one entry, without opening it. */
static int
lf_dirent_qid(struct lfile *lf, int dfd, const struct compat_dirent *ce,
    int devidx, int isroot, const struct stat *rs, struct p9_qid *qid,
    uint8_t *dtype)
{
	struct stat	 sb;
	int		 idx;

	if (isroot && strcmp(ce->ce_name, "..") == 0) {
		/* The root's parent is outside the export: show the root. */
		if ((idx = lf_devindex(lf->lf_exp, rs->st_dev)) == -1)
			return EOVERFLOW;
		qid->type = P9_QTDIR;
		qid->version = 0;
		qid->path = lf_qpath(idx, rs->st_ino);
		*dtype = compat_dtype_to_wire(DT_DIR);
		return 0;
	}
	if (ce->ce_type == DT_UNKNOWN) {
		if (fstatat(dfd, ce->ce_name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
			return errno;
		if ((idx = lf_devindex(lf->lf_exp, sb.st_dev)) == -1)
			return EOVERFLOW;
		qid->type = lf_qtype(sb.st_mode);
		qid->version = 0;
		qid->path = lf_qpath(idx, sb.st_ino);
		*dtype = compat_dtype_to_wire(IFTODT(sb.st_mode));
		return 0;
	}
	qid->type = ce->ce_type == DT_DIR ? P9_QTDIR :
	    ce->ce_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE;
	qid->version = 0;
	qid->path = lf_qpath(devidx, (ino_t)ce->ce_ino);
	*dtype = compat_dtype_to_wire(ce->ce_type);
	return 0;
}

/*
 * A Treaddir stream lives on the fid's open directory: a dup of lf_ofd
 * read through compat's directory stream.  The entry that did not fit in
 * the last reply is pushed back into the stream, so the next call sends
 * it without seeking (a seek would throw away the buffered entries and
 * read them again).
 */
static void
lf_dc_drop(struct lfile *lf)
{
	if (lf->lf_dcl == NULL)
		return;
	dircache_put(lf->lf_exp->e_dcache, lf->lf_dcl);
	lf->lf_dcl = NULL;
	lf->lf_dctake = 0;
}

static void
lf_dir_free(struct lfile *lf)
{
	lf_dc_drop(lf);
	compat_dir_close(lf->lf_dir);
	lf->lf_dir = NULL;
	lf->lf_dirlost = 0;
}

static int
lf_dir_open(struct lfile *lf)
{
	int	 fd, err;

	if ((fd = lf_dupfd(lf->lf_ofd)) == -1)
		return errno;
	if ((lf->lf_dir = compat_dir_open(fd)) == NULL) {
		err = errno;
		(void)close(fd);
		return err;
	}
	lf->lf_dirnext = 0;
	return 0;
}

static int
lf_readdir_check(struct lfile *lf)
{
	if (lf->lf_xattr != NULL || lf->lf_omode == LF_NOTOPEN ||
	    lf->lf_ofd < 0)
		return EBADF;
	if (!S_ISDIR(lf->lf_type))
		return ENOTDIR;
	return 0;
}

/*
 * A Treaddir from the export's listing cache (dircache.c), which never
 * waits for the disk: at offset 0 if the directory is unchanged since a
 * complete listing was taken, else where this fid's last cached reply
 * ended.  EAGAIN: not from the cache, the directory must be read.
 */
int
lf_readdir_cached(struct lfile *lf, uint64_t off, void *buf, uint32_t count,
    uint32_t *np)
{
	struct dircache	*dc = lf->lf_exp->e_dcache;
	struct dclist	*dl;
	struct stat	 st;
	int		 err;

	*np = 0;
	if ((err = lf_readdir_check(lf)) != 0)
		return err;
	if (dc == NULL)
		return EAGAIN;
	if (off == 0) {
		if (fstat(lf->lf_ofd, &st) == -1 ||
		    (dl = dircache_get(dc, &st)) == NULL)
			return EAGAIN;
		lf_dc_drop(lf);
		lf->lf_dcl = dl;
		lf->lf_dcpos = 0;
		/* The stream, if any, stays where it was. */
		lf->lf_dirlost = 1;
	} else if (lf->lf_dcl == NULL || lf->lf_dctake ||
	    off != lf->lf_dirnext)
		return EAGAIN;
	return dircache_read(lf->lf_dcl, &lf->lf_dcpos, buf, count,
	    &lf->lf_dirnext, np);
}

int
lf_readdir(struct lfile *lf, uint64_t off, void *buf, uint32_t count,
    uint32_t *np)
{
	struct compat_dirent ce;
	struct compat_dir *d;
	struct p9_wbuf	 wb;
	struct p9_qid	 qid;
	struct stat	 rs, st;
	uint8_t		 dtype = P9_L_DT_UNKNOWN;
	int		 devidx, isroot, rc, err = 0, nent = 0, eof = 0;
	int		 typeless = 0;

	if ((err = lf_readdir_cached(lf, off, buf, count, np)) != EAGAIN)
		return err;
	/* Leaving a cached listing, or a taking it cannot continue. */
	if (lf->lf_dcl != NULL && (!lf->lf_dctake || off == 0 ||
	    off != lf->lf_dirnext))
		lf_dc_drop(lf);
	if ((err = lf_rootstat(lf->lf_exp, &rs)) != 0)
		goto fail;
	isroot = lf->lf_dev == rs.st_dev && lf->lf_ino == rs.st_ino;
	if ((devidx = lf_devindex(lf->lf_exp, lf->lf_dev)) == -1) {
		err = EOVERFLOW;
		goto fail;
	}
	if (lf->lf_dir == NULL && (err = lf_dir_open(lf)) != 0)
		goto fail;
	d = lf->lf_dir;
	/*
	 * The offset the last reply ended with continues the stream as it
	 * is; anything else is a cookie from an entry.  Offset 0 always
	 * rewinds: after a reply that ended without entries (EINVAL, an
	 * error) the stream still holds what it read ahead then, and a
	 * listing kept from that would be stamped with the directory's
	 * times of now.
	 */
	if (off == 0 || off != lf->lf_dirnext || lf->lf_dirlost) {
		if (compat_dir_seek(d, off) == -1) {
			err = errno;
			goto fail;
		}
		lf->lf_dirnext = off;
		lf->lf_dirlost = 0;
	}
	/* A listing from the start may be kept for the next ones. */
	if (off == 0 && lf->lf_exp->e_dcache != NULL &&
	    fstat(lf->lf_ofd, &st) == 0 &&
	    (lf->lf_dcl = dircache_capture(lf->lf_exp->e_dcache,
	    compat_dir_fd(d), &st)) != NULL)
		lf->lf_dctake = 1;

	p9_winit(&wb, buf, count);
	for (;;) {
		if ((rc = compat_dir_next(d, &ce)) <= 0) {
			err = rc == 0 ? 0 : errno;
			eof = rc == 0;
			break;
		}
		if (ce.ce_type == DT_UNKNOWN)
			typeless = 1;
		err = lf_dirent_qid(lf, compat_dir_fd(d), &ce, devidx, isroot,
		    &rs, &qid, &dtype);
		if (err == ENOENT) {
			/* Gone since getdents(2) saw it. */
			err = 0;
			lf->lf_dirnext = ce.ce_cookie;
			continue;
		}
		if (err != 0) {
			/* Try this entry again next time. */
			compat_dir_unget(d);
			break;
		}
		if (p9_dirent_put(&wb, &qid, ce.ce_cookie, dtype,
		    ce.ce_name) == 0) {
			/* Keep it for the next call. */
			compat_dir_unget(d);
			if (nent == 0)
				err = EINVAL;
			break;
		}
		nent++;
		lf->lf_dirnext = ce.ce_cookie;
	}
	if (lf->lf_dcl != NULL) {
		if (err != 0 || typeless || dircache_append(lf->lf_dcl, buf,
		    wb.wb_len, (uint32_t)nent, eof) == -1)
			lf_dc_drop(lf);
		else if (eof) {
			dircache_publish(lf->lf_exp->e_dcache, lf->lf_dcl);
			lf->lf_dcl = NULL;
			lf->lf_dctake = 0;
		}
	}
	/* An error after some entries: send those, the error comes next. */
	if (nent > 0)
		err = 0;
	*np = (uint32_t)wb.wb_len;
	return err;

fail:
	/* A listing is kept only from one unbroken pass. */
	lf_dc_drop(lf);
	return err;
}

/*
 * After mkdirat/symlinkat made dir/name: check it is what was made (of
 * type, not swapped meanwhile), give it its owner and report its qid;
 * on any failure remove it again, if the name still holds it.
 */
static int
lf_settle_new(struct lfile *dir, const char *name, mode_t type,
    int undoflags, gid_t gid, struct p9_qid *qid)
{
	struct stat	 st;
	int		 fd = -1, err, made = 0;

	if (compat_ctlopen(dir->lf_fd, name, &fd, &st) == -1) {
		err = errno;
		goto fail;
	}
	made = 1;
	if ((st.st_mode & S_IFMT) != type) {
		err = EPERM;
		goto fail;
	}
	if ((err = lf_chown_new(dir, fd, dir->lf_fd, name, &st, gid)) != 0)
		goto fail;
	if ((err = lf_qid(dir->lf_exp, &st, qid)) != 0)
		goto fail;
	lf_closefd(&fd);
	return 0;

fail:
	lf_closefd(&fd);
	lf_undo(dir->lf_fd, name, made ? &st : NULL, undoflags);
	return err;
}

int
lf_mkdir(struct lfile *dir, const char *name, uint32_t mode, gid_t gid,
    struct p9_qid *qid)
{
	int	 err;

	if ((err = lf_newcheck(dir, name)) != 0)
		return err;
	if (mkdirat(dir->lf_fd, name, compat_mode_from_wire(mode) & 07777)
	    == -1)
		return errno;
	return lf_settle_new(dir, name, S_IFDIR, AT_REMOVEDIR, gid, qid);
}

int
lf_symlink(struct lfile *dir, const char *name, const char *target, gid_t gid,
    struct p9_qid *qid)
{
	int	 err;

	if ((err = lf_newcheck(dir, name)) != 0)
		return err;
	if (target == NULL)
		return EINVAL;
	if (target[0] == '\0')
		return ENOENT;
	if (symlinkat(target, dir->lf_fd, name) == -1)
		return errno;
	return lf_settle_new(dir, name, S_IFLNK, 0, gid, qid);
}

int
lf_mknod(struct lfile *dir, const char *name, uint32_t mode, uint32_t major,
    uint32_t minor, gid_t gid, struct p9_qid *qid)
{
	struct export	*e = dir->lf_exp;
	struct stat	 st;
	mode_t		 perm, type;
	dev_t		 dev;
	int		 fd = -1, err, made = 0;

	if ((err = lf_newcheck(dir, name)) != 0)
		return err;
	perm = compat_mode_from_wire(mode) & 07777;
	switch (mode & P9_L_S_IFMT) {
	case 0:
	case P9_L_S_IFREG:
		type = S_IFREG;
		fd = openat(dir->lf_fd, name, O_RDONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, perm);
		if (fd == -1)
			return errno;
		lf_closefd(&fd);
		break;
	case P9_L_S_IFIFO:
		type = S_IFIFO;
		if (compat_mkfifoat(dir->lf_fd, name, perm) == -1)
			return errno;
		break;
	case P9_L_S_IFSOCK:
		type = S_IFSOCK;
		if (compat_mknodat(dir->lf_fd, name, S_IFSOCK | perm, 0) == -1)
			return errno;
		break;
	case P9_L_S_IFCHR:
	case P9_L_S_IFBLK:
		if ((e->e_flags & EXP_ALLOWDEV) == 0)
			return EPERM;
		type = (mode & P9_L_S_IFMT) == P9_L_S_IFCHR ? S_IFCHR : S_IFBLK;
		if (compat_rdev_from_wire(major, minor, &dev) == -1 ||
		    compat_mknodat(dir->lf_fd, name, type | perm, dev) == -1)
			return errno;
		break;
	default:
		return EINVAL;
	}
	/* Look without opening: a device must not be opened. */
	if (fstatat(dir->lf_fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		err = errno;
		goto fail;
	}
	made = 1;
	if ((st.st_mode & S_IFMT) != type) {
		err = EPERM;
		goto fail;
	}
	if ((err = lf_chown_new(dir, -1, dir->lf_fd, name, &st,
	    gid)) != 0)
		goto fail;
	if ((err = lf_qid(e, &st, qid)) != 0)
		goto fail;
	return 0;

fail:
	lf_undo(dir->lf_fd, name, made ? &st : NULL, 0);
	return err;
}

int
lf_link(struct lfile *dir, struct lfile *target, const char *name)
{
	struct lf_handle h;
	struct stat	 st;
	int		 err;

	/* The order of linkat(2): the new name's EROFS, then EXDEV. */
	if ((err = lf_rocheck(dir)) != 0)
		return err;
	if ((err = lf_samexp(dir, target)) != 0 ||
	    (err = lf_rocheck(target)) != 0)
		return err;
	if ((err = lf_dircheck(dir)) != 0)
		return err;
	if (target->lf_xattr != NULL)
		return EBADF;
	if ((err = lf_name_err(name)) != 0)
		return err;
	if (S_ISDIR(target->lf_type))
		return EPERM;
	if ((err = lf_stat(target, &st)) != 0)
		return err;
	/* An unlinked file gets no new name, as linkat(2) says. */
	if (st.st_nlink == 0)
		return ENOENT;
	if ((err = lf_hold(target, &h)) != 0)
		return err;
	if (compat_link(h.h_fd, h.h_pfd, h.h_name, &st, dir->lf_fd, name) == -1)
		err = errno;
	lf_release(&h);
	return err;
}

/*
 * The name-based operations on an lfile that has no name: a file that
 * was unlinked is ENOENT, as for any name that is gone; one whose name
 * was never known (reached by "..") is ESTALE.
 */
static int
lf_noname(const struct lfile *lf)
{
	struct stat	 st;

	if (lf->lf_fd >= 0 && fstat(lf->lf_fd, &st) == 0 && st.st_nlink == 0)
		return ENOENT;
	return ESTALE;
}

/*
 * After a rename: every lfile known as (odev/oino, oname) is now
 * (ndir, nname).  Files that were at the new name are gone from it.
 * Called with e_filelock held.
 */
static void
lf_track(struct export *e, dev_t odev, ino_t oino, const char *oname,
    int nfd, dev_t ndev, ino_t nino, const char *nname, dev_t mdev,
    ino_t mino)
{
	struct lfile	*f;
	char		*nm;
	int		 fd;

	TAILQ_FOREACH(f, &e->e_files, lf_entry) {
		if (f->lf_name == NULL)
			continue;
		if (f->lf_pdev == ndev && f->lf_pino == nino &&
		    strcmp(f->lf_name, nname) == 0 &&
		    (f->lf_dev != mdev || f->lf_ino != mino)) {
			/* Replaced by the rename: no name any more. */
			lf_closefd(&f->lf_pfd);
			free(f->lf_name);
			f->lf_name = NULL;
		}
	}
	TAILQ_FOREACH(f, &e->e_files, lf_entry) {
		if (f->lf_name == NULL || f->lf_pdev != odev ||
		    f->lf_pino != oino || strcmp(f->lf_name, oname) != 0)
			continue;
		nm = strdup(nname);
		fd = lf_dupfd(nfd);
		if (nm == NULL || fd == -1) {
			log_warnx("rename: lost track of a file");
			free(nm);
			lf_closefd(&fd);
			nm = NULL;
		}
		lf_closefd(&f->lf_pfd);
		free(f->lf_name);
		f->lf_pfd = fd;
		f->lf_name = nm;
		f->lf_pdev = ndev;
		f->lf_pino = nino;
	}
}

/* Forget a name that unlinkat(2) removed.  Called with e_filelock held. */
static void
lf_untrack(struct export *e, dev_t pdev, ino_t pino, const char *name)
{
	struct lfile	*f;

	TAILQ_FOREACH(f, &e->e_files, lf_entry) {
		if (f->lf_name == NULL || f->lf_pdev != pdev ||
		    f->lf_pino != pino || strcmp(f->lf_name, name) != 0)
			continue;
		lf_closefd(&f->lf_pfd);
		free(f->lf_name);
		f->lf_name = NULL;
	}
}

/*
 * renameat(2) plus tracking, with e_filelock held so two renames cannot
 * interleave their bookkeeping.
 */
static int
lf_do_rename(struct export *e, int ofd, dev_t odev, ino_t oino,
    const char *oname, struct lfile *newdir, const char *nname)
{
	struct stat	 os, ns;
	int		 victim = 1;

	if (fstatat(ofd, oname, &os, AT_SYMLINK_NOFOLLOW) == -1)
		return errno;
	if (fstatat(newdir->lf_fd, nname, &ns, AT_SYMLINK_NOFOLLOW) == -1)
		victim = 0;
	if (renameat(ofd, oname, newdir->lf_fd, nname) == -1)
		return errno;
	/* Two links to one file: rename(2) does nothing at all. */
	if (victim && ns.st_dev == os.st_dev && ns.st_ino == os.st_ino)
		return 0;
	lf_track(e, odev, oino, oname, newdir->lf_fd, newdir->lf_dev,
	    newdir->lf_ino, nname, os.st_dev, os.st_ino);
	return 0;
}

int
lf_rename(struct lfile *lf, struct lfile *newdir, const char *name)
{
	struct export	*e = lf->lf_exp;
	struct stat	 sb;
	char		*oname;
	int		 err;

	/* The order of rename(2): EXDEV, then EROFS on either side. */
	if ((err = lf_samexp(lf, newdir)) != 0 ||
	    (err = lf_rocheck(lf)) != 0 || (err = lf_rocheck(newdir)) != 0)
		return err;
	if (lf->lf_xattr != NULL)
		return EBADF;
	if ((err = lf_dircheck(newdir)) != 0)
		return err;
	if ((err = lf_name_err(name)) != 0)
		return err;
	if (lf_isroot_id(e, lf->lf_dev, lf->lf_ino))
		return EBUSY;
	pthread_mutex_lock(&e->e_filelock);
	if (lf->lf_name == NULL) {
		err = lf_noname(lf);
		goto out;
	}
	if (fstatat(lf->lf_pfd, lf->lf_name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		err = errno;
		goto out;
	}
	if (sb.st_dev != lf->lf_dev || sb.st_ino != lf->lf_ino) {
		err = ESTALE;
		goto out;
	}
	/* lf_track may replace lf->lf_name: rename from a copy. */
	if ((oname = strdup(lf->lf_name)) == NULL) {
		err = ENOMEM;
		goto out;
	}
	err = lf_do_rename(e, lf->lf_pfd, lf->lf_pdev, lf->lf_pino, oname,
	    newdir, name);
	free(oname);
out:
	pthread_mutex_unlock(&e->e_filelock);
	return err;
}

int
lf_renameat(struct lfile *olddir, const char *oldname, struct lfile *newdir,
    const char *newname)
{
	struct export	*e = olddir->lf_exp;
	int		 err;

	if ((err = lf_samexp(olddir, newdir)) != 0 ||
	    (err = lf_rocheck(olddir)) != 0 || (err = lf_rocheck(newdir)) != 0)
		return err;
	if ((err = lf_dircheck(olddir)) != 0 ||
	    (err = lf_dircheck(newdir)) != 0)
		return err;
	if ((err = lf_name_err(oldname)) != 0 ||
	    (err = lf_name_err(newname)) != 0)
		return err;
	pthread_mutex_lock(&e->e_filelock);
	err = lf_do_rename(e, olddir->lf_fd, olddir->lf_dev, olddir->lf_ino,
	    oldname, newdir, newname);
	pthread_mutex_unlock(&e->e_filelock);
	return err;
}

static int
lf_unlink(struct export *e, int dfd, dev_t pdev, ino_t pino,
    const char *name, int flags)
{
	struct stat	 sb;
	int		 err;

	if (unlinkat(dfd, name, flags) == -1) {
		err = errno;
		/* POSIX lets unlink(2) of a directory say EPERM; Linux EISDIR. */
		if (err == EPERM && flags == 0 &&
		    fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(sb.st_mode))
			err = EISDIR;
		return err;
	}
	pthread_mutex_lock(&e->e_filelock);
	lf_untrack(e, pdev, pino, name);
	pthread_mutex_unlock(&e->e_filelock);
	return 0;
}

int
lf_unlinkat(struct lfile *dir, const char *name, uint32_t wflags)
{
	int	 err, hflags;

	if ((err = lf_newcheck(dir, name)) != 0)
		return err;
	if ((hflags = compat_atflags_from_wire(wflags)) == -1)
		return EINVAL;
	return lf_unlink(dir->lf_exp, dir->lf_fd, dir->lf_dev, dir->lf_ino,
	    name, hflags);
}

int
lf_remove(struct lfile *lf)
{
	struct export	*e = lf->lf_exp;
	struct lf_handle h;
	struct stat	 sb;
	int		 err;

	if ((err = lf_rocheck(lf)) != 0)
		return err;
	if (lf->lf_xattr != NULL)
		return EBADF;
	if (lf_isroot_id(e, lf->lf_dev, lf->lf_ino))
		return EBUSY;
	if ((err = lf_hold(lf, &h)) != 0)
		return err;
	if (h.h_name == NULL) {
		err = lf_noname(lf);
		goto out;
	}
	if (fstatat(h.h_pfd, h.h_name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		err = errno;
		goto out;
	}
	if (sb.st_dev != lf->lf_dev || sb.st_ino != lf->lf_ino) {
		err = ESTALE;
		goto out;
	}
	if (fstat(h.h_pfd, &sb) == -1) {
		err = errno;
		goto out;
	}
	err = lf_unlink(e, h.h_pfd, sb.st_dev, sb.st_ino, h.h_name,
	    S_ISDIR(lf->lf_type) ? AT_REMOVEDIR : 0);
out:
	lf_release(&h);
	return err;
}

int
lf_readlink(struct lfile *lf, char *buf, size_t size)
{
	struct lf_handle h;
	ssize_t		 n;
	int		 err;

	if (lf->lf_xattr != NULL)
		return EBADF;
	if (!S_ISLNK(lf->lf_type))
		return EINVAL;
	if (size == 0)
		return ENAMETOOLONG;
	if ((err = lf_hold(lf, &h)) != 0)
		return err;
	n = compat_readlink(h.h_fd, h.h_pfd, h.h_name, buf, size);
	err = errno;
	lf_release(&h);
	if (n == -1)
		return err;
	if ((size_t)n >= size)
		return ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

int
lf_statfs(struct lfile *lf, struct p9_fcall *r)
{
	struct statvfs	 sv;
	int		 fd;

	fd = lf->lf_fd >= 0 ? lf->lf_fd : lf->lf_exp->e_rootfd;
	if (fstatvfs(fd, &sv) == -1)
		return errno;
	r->u.rstatfs.type = P9_V9FS_MAGIC;
	/* f_blocks counts f_frsize units; report the size that matches. */
	r->u.rstatfs.bsize = (uint32_t)(sv.f_frsize != 0 ? sv.f_frsize :
	    sv.f_bsize);
	r->u.rstatfs.blocks = (uint64_t)sv.f_blocks;
	r->u.rstatfs.bfree = (uint64_t)sv.f_bfree;
	r->u.rstatfs.bavail = (uint64_t)sv.f_bavail;
	r->u.rstatfs.files = (uint64_t)sv.f_files;
	r->u.rstatfs.ffree = (uint64_t)sv.f_ffree;
	r->u.rstatfs.fsid = (uint64_t)sv.f_fsid;
	r->u.rstatfs.namelen = sv.f_namemax > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)sv.f_namemax;
	return 0;
}

int
lf_fsync(struct lfile *lf, int datasync)
{
	int	 rv;

	if (lf->lf_xattr != NULL)
		return 0;
	if (lf->lf_omode == LF_NOTOPEN || lf->lf_ofd < 0)
		return EBADF;
	rv = datasync ? compat_fdatasync(lf->lf_ofd) : fsync(lf->lf_ofd);
	return rv == -1 ? errno : 0;
}

static ssize_t
lf_xget(const struct lf_handle *h, const char *attr, void *buf, size_t size)
{
	if (attr[0] == '\0')
		return compat_listxattr(h->h_fd, h->h_pfd, h->h_name, buf,
		    size);
	return compat_getxattr(h->h_fd, h->h_pfd, h->h_name, attr, buf, size);
}

/*
 * Which attributes a client may set.  A client running as a user must
 * not reach the namespaces that need the daemon's capabilities (file
 * capabilities, trusted.*): setfsuid(2) does not drop those.
 */
static int
lf_xattr_settable(const struct export *e, const char *attr)
{
	if (e->e_idmode == ID_TRUSTED)
		return 1;
	return strncmp(attr, "user.", 5) == 0 ||
	    strcmp(attr, "system.posix_acl_access") == 0 ||
	    strcmp(attr, "system.posix_acl_default") == 0;
}

/*
 * Which attributes a client may read.  trusted.* is for the daemon's
 * capabilities only; an unprivileged caller would see none.
 */
static int
lf_xattr_readable(const struct export *e, const char *attr)
{
	return e->e_idmode == ID_TRUSTED || strncmp(attr, "trusted.", 8) != 0;
}

/* Drop the names a client may not read from a NUL-separated list. */
static size_t
lf_xattr_filter(const struct export *e, char *list, size_t len)
{
	size_t	 in, out = 0, n;

	for (in = 0; in < len; in += n + 1) {
		n = strnlen(list + in, len - in);
		if (in + n == len)
			break;		/* no NUL: not a name */
		if (!lf_xattr_readable(e, list + in))
			continue;
		memmove(list + out, list + in, n + 1);
		out += n + 1;
	}
	return out;
}

int
lf_xattrwalk(struct lfile *lf, const char *attr, struct lfile **newlf,
    uint64_t *sizep)
{
	struct lf_handle h;
	struct lxattr	*x = NULL;
	struct lfile	*nlf;
	uint8_t		*buf = NULL;
	ssize_t		 n, m = -1;
	int		 tries, err;

	*newlf = NULL;
	*sizep = 0;
	if (lf->lf_xattr != NULL)
		return EBADF;
	if (attr == NULL)
		return EINVAL;
	if (strlen(attr) > LF_XNAME_MAX)
		return ERANGE;
	if (!lf_xattr_readable(lf->lf_exp, attr))
		return ENODATA;
	if ((err = lf_hold(lf, &h)) != 0)
		return err;
	/* The value may grow between asking its size and reading it. */
	for (tries = 0; tries < 4; tries++) {
		if ((n = lf_xget(&h, attr, NULL, 0)) == -1) {
			err = errno;
			goto out;
		}
		if (n > LF_XATTR_MAX) {
			err = E2BIG;
			goto out;
		}
		free(buf);
		if ((buf = malloc(n > 0 ? (size_t)n : 1)) == NULL) {
			err = ENOMEM;
			goto out;
		}
		if ((m = lf_xget(&h, attr, buf, (size_t)n)) >= 0)
			break;
		if (errno != ERANGE) {
			err = errno;
			goto out;
		}
	}
	if (m < 0) {
		err = ERANGE;
		goto out;
	}
	if (attr[0] == '\0')
		m = (ssize_t)lf_xattr_filter(lf->lf_exp, (char *)buf,
		    (size_t)m);
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->x_name = strdup(attr)) == NULL ||
	    (nlf = lf_alloc(lf->lf_exp)) == NULL) {
		err = ENOMEM;
		goto out;
	}
	x->x_create = 0;
	x->x_buf = buf;
	x->x_size = (uint64_t)m;
	buf = NULL;
	nlf->lf_xattr = x;
	nlf->lf_dev = lf->lf_dev;
	nlf->lf_ino = lf->lf_ino;
	nlf->lf_type = lf->lf_type;
	nlf->lf_uid = lf->lf_uid;
	x = NULL;
	lf_link_in(nlf);
	*newlf = nlf;
	*sizep = (uint64_t)m;
out:
	if (x != NULL) {
		free(x->x_name);
		free(x);
	}
	free(buf);
	lf_release(&h);
	return err;
}

int
lf_xattrcreate(struct lfile *lf, const char *attr, uint64_t size,
    uint32_t flags)
{
	struct lxattr	*x;
	int		 err;

	if (lf->lf_xattr != NULL)
		return EBADF;
	if ((err = lf_rocheck(lf)) != 0)
		return err;
	if (flags & ~(uint32_t)(P9_XATTR_CREATE | P9_XATTR_REPLACE))
		return EINVAL;
	if (attr == NULL || attr[0] == '\0')
		return EINVAL;
	if (strlen(attr) > LF_XNAME_MAX)
		return ERANGE;
	if (size > LF_XATTR_MAX)
		return E2BIG;
	if (!lf_xattr_settable(lf->lf_exp, attr))
		return EPERM;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return ENOMEM;
	if ((x->x_name = strdup(attr)) == NULL ||
	    (x->x_buf = malloc(size > 0 ? (size_t)size : 1)) == NULL) {
		free(x->x_name);
		free(x);
		return ENOMEM;
	}
	x->x_create = 1;
	x->x_size = size;
	x->x_len = 0;
	x->x_flags = (int)flags;
	/* Its open state goes; the handle stays for the set at clunk. */
	lf_dir_free(lf);
	mapwin_drop(lf);
	if (lf->lf_ofd >= 0)
		compat_unlock_owner(lf->lf_ofd, lf);
	pthread_mutex_lock(&lf->lf_exp->e_filelock);
	lf_closefd(&lf->lf_ofd);
	lf->lf_omode = LF_NOTOPEN;
	pthread_mutex_unlock(&lf->lf_exp->e_filelock);
	lf->lf_xattr = x;
	return 0;
}

/* The clunk of an xattrcreate fid: set (or remove) the attribute. */
static int
lf_xattr_commit(struct lfile *lf)
{
	struct lxattr	*x = lf->lf_xattr;
	struct lf_handle h;
	int		 err, rv;

	if (x->x_len != x->x_size)
		return EINVAL;
	if ((err = lf_hold(lf, &h)) != 0)
		return err;
	if (x->x_size == 0)
		rv = compat_removexattr(h.h_fd, h.h_pfd, h.h_name, x->x_name);
	else
		rv = compat_setxattr(h.h_fd, h.h_pfd, h.h_name, x->x_name,
		    x->x_buf, (size_t)x->x_len, x->x_flags);
	err = rv == -1 ? errno : 0;
	lf_release(&h);
	return err;
}

static int
lf_lockrange(const struct p9_fcall *t, off_t *start, off_t *len)
{
	if (t->u.tlock.start > LF_OFF_MAX || t->u.tlock.length > LF_OFF_MAX)
		return EINVAL;
	*start = (off_t)t->u.tlock.start;
	*len = (off_t)t->u.tlock.length;
	return 0;
}

int
lf_lock(struct lfile *lf, const void *owner, const struct p9_fcall *t,
    uint8_t *status)
{
	off_t	 start, len;
	int	 type, err;

	*status = P9_LOCK_ERROR;
	if (lf->lf_xattr != NULL || lf->lf_omode == LF_NOTOPEN ||
	    lf->lf_ofd < 0)
		return EBADF;
	if ((type = compat_lktype_from_wire(t->u.tlock.type)) == -1)
		return EINVAL;
	if ((err = lf_lockrange(t, &start, &len)) != 0)
		return err;
	/* Never wait, whatever the flags: the client polls on BLOCKED. */
	if (compat_setlock(lf->lf_ofd, owner, type, start, len) == -1) {
		if (errno == EAGAIN || errno == EACCES) {
			*status = P9_LOCK_BLOCKED;
			return 0;
		}
		return errno;
	}
	*status = P9_LOCK_SUCCESS;
	return 0;
}

int
lf_getlock(struct lfile *lf, const void *owner, struct p9_fcall *r)
{
	off_t	 start, len;
	pid_t	 pid = 0;
	int	 type;

	if (lf->lf_xattr != NULL || lf->lf_omode == LF_NOTOPEN ||
	    lf->lf_ofd < 0)
		return EBADF;
	if ((type = compat_lktype_from_wire(r->u.getlock.type)) == -1 ||
	    type == F_UNLCK)
		return EINVAL;
	if (r->u.getlock.start > LF_OFF_MAX || r->u.getlock.length > LF_OFF_MAX)
		return EINVAL;
	start = (off_t)r->u.getlock.start;
	len = (off_t)r->u.getlock.length;
	if (compat_getlock(lf->lf_ofd, owner, &type, &start, &len, &pid) == -1)
		return errno;
	r->u.getlock.type = compat_lktype_to_wire(type);
	if (type != F_UNLCK) {
		r->u.getlock.start = (uint64_t)start;
		r->u.getlock.length = (uint64_t)len;
		r->u.getlock.proc_id = (uint32_t)pid;
	}
	return 0;
}

/*
 * Whether closing lf's descriptors may wait: close(2) of a file opened
 * for I/O flushes it to an NFS or SMB server, or to a FUSE daemon, and
 * waits for the answer (lf_ofdslow, found when it was opened).
 * Path-only control fds never call into the file system.  And the last
 * close of a regular file that has no name left frees its blocks, any
 * of our descriptors (a path-only one too) may be that last one, and
 * freeing a file of many extents takes seconds (1.5 s for 20,000 on
 * ext4): an fstat is cheap enough to ask.
 */
static int
lf_close_mayblock(const struct lfile *lf)
{
	struct stat	 st;
	int		 fd;

	if (lf->lf_ofd >= 0 && lf->lf_ofdslow)
		return 1;
	if (lf->lf_fd >= 0 && !compat_ctl_is_path() &&
	    S_ISREG(lf->lf_type) && !compat_fs_local(lf->lf_fd))
		return 1;
	fd = lf->lf_ofd >= 0 ? lf->lf_ofd : lf->lf_fd;
	if (S_ISREG(lf->lf_type) && fd >= 0 &&
	    (fstat(fd, &st) == -1 || st.st_nlink == 0))
		return 1;
	return 0;
}

/*
 * A fid dropped without a Tclunk (Tremove, Tversion, a closed
 * connection): its pending Txattrcreate is forgotten, as Linux forgets
 * one, and the close writes nothing.  Only a Tclunk sets the attribute.
 */
void
lf_xattr_discard(struct lfile *lf)
{
	if (lf != NULL && lf->lf_xattr != NULL)
		lf->lf_xattr->x_create = 0;
}

static int
lf_close_impl(struct lfile *lf, int nowait)
{
	struct export	*e;
	int		 err = 0;

	if (lf == NULL)
		return 0;
	/* The loop thread must not wait on another machine. */
	if (nowait && lf_close_mayblock(lf))
		return EAGAIN;
	e = lf->lf_exp;
	/* Off the list first: nobody may borrow a descriptor being closed. */
	if ((err = lf_filelock(e, nowait)) != 0)
		return err;
	if (lf->lf_xattr != NULL && lf->lf_xattr->x_create) {
		/* Writes the attribute: not for a caller that cannot wait. */
		pthread_mutex_unlock(&e->e_filelock);
		if (nowait)
			return EAGAIN;
		err = lf_xattr_commit(lf);
		pthread_mutex_lock(&e->e_filelock);
	}
	TAILQ_REMOVE(&e->e_files, lf, lf_entry);
	lf_closefd(&lf->lf_pfd);
	free(lf->lf_name);
	pthread_mutex_unlock(&e->e_filelock);
	lf_dir_free(lf);
	mapwin_drop(lf);
	if (lf->lf_ofd >= 0) {
		compat_unlock_owner(lf->lf_ofd, lf);
		(void)close(lf->lf_ofd);
	}
	lf_closefd(&lf->lf_fd);
	if (lf->lf_xattr != NULL) {
		free(lf->lf_xattr->x_name);
		free(lf->lf_xattr->x_buf);
		free(lf->lf_xattr);
	}
	free(lf);
	return err;
}

int
lf_close(struct lfile *lf)
{
	return lf_close_impl(lf, 0);
}

/*
 * lf_close for the loop thread: EAGAIN, with nothing done, when it would
 * wait (the file table's lock is held, maybe across a rename, an xattr
 * must be written, the file lives on a network or FUSE file system, or
 * it was unlinked and this close may free its blocks).
 */
int
lf_close_nowait(struct lfile *lf)
{
	return lf_close_impl(lf, 1);
}
