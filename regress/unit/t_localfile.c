/*
 * localfile.c against a real export in the test's own directory: every
 * lf_* call with its error cases.  The same source runs in the native and
 * the PORTABLE=1 build; the expectations do not depend on which.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#if defined(__has_include)
#if __has_include(<sys/sysmacros.h>)
#include <sys/sysmacros.h>
#endif
#endif
#ifdef HAVE_SYS_XATTR
#include <sys/xattr.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "fsgoferd.h"

#define REQ_OK(x) do {							\
	int _e = (x);							\
	ATF_REQUIRE_MSG(_e == 0, "%s: %s", #x, strerror(_e));		\
} while (0)

#define REQ_ERR(x, want) do {						\
	int _e = (x);							\
	ATF_REQUIRE_MSG(_e == (want), "%s: got %d (%s), want %s",	\
	    #x, _e, strerror(_e), #want);				\
} while (0)

#define EXPDIR	"exp"

static struct export	 ex;
static int		 ex_fds = -1;

/* Open fds below 1024: lf_close must give back every one it took. */
static int
nfds(void)
{
	int	 fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

static struct export *
ex_setup_flags(struct export *e, int flags)
{
	if (ex_fds == -1)
		ex_fds = nfds();
	memset(e, 0, sizeof(*e));
	e->e_aname = EXPDIR;
	e->e_path = EXPDIR;
	e->e_flags = flags;
	e->e_idmode = ID_TRUSTED;
	e->e_rootfd = open(EXPDIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ATF_REQUIRE_MSG(e->e_rootfd != -1, "open export: %s", strerror(errno));
	REQ_OK(lf_export_init(e));
	return e;
}

/* A fresh export directory in the test's work directory. */
static struct export *
ex_setup(int flags)
{
	ATF_REQUIRE(mkdir(EXPDIR, 0755) == 0);
	return ex_setup_flags(&ex, flags);
}

static void
ex_done(struct export *e)
{
	ATF_REQUIRE_MSG(TAILQ_EMPTY(&e->e_files), "lfiles left open");
	lf_export_free(e);
	close(e->e_rootfd);
	ATF_CHECK_EQ_MSG(nfds(), ex_fds, "%d fds open, %d before", nfds(),
	    ex_fds);
}

static void
mkfile(const char *path, const char *data)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE_MSG(fd != -1, "create %s: %s", path, strerror(errno));
	if (data != NULL)
		ATF_REQUIRE(write(fd, data, strlen(data)) ==
		    (ssize_t)strlen(data));
	close(fd);
}

static char *
slurp(const char *path)
{
	static char	buf[4096];
	ssize_t		n;
	int		fd;

	fd = open(path, O_RDONLY);
	ATF_REQUIRE_MSG(fd != -1, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	ATF_REQUIRE(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

static struct lfile *
attach(struct export *e, struct p9_qid *qid)
{
	struct lfile	*lf;
	struct p9_qid	 q;

	REQ_OK(lf_attach(e, getuid(), &lf, qid != NULL ? qid : &q));
	ATF_REQUIRE(lf != NULL);
	return lf;
}

/* Walk a '/'-separated path (at most 16 parts) that must exist. */
static struct lfile *
walk(struct lfile *from, const char *path, struct p9_qid *last)
{
	struct p9_qid	 qids[P9_MAXWELEM];
	struct lfile	*nlf = NULL;
	char		 buf[1024], *names[P9_MAXWELEM], *p, *s;
	int		 n = 0, nq = -1, err;

	strlcpy(buf, path, sizeof(buf));
	for (s = buf; (p = strsep(&s, "/")) != NULL; )
		if (*p != '\0') {
			ATF_REQUIRE(n < P9_MAXWELEM);
			names[n++] = p;
		}
	err = lf_walk(from, n, names, qids, &nq, &nlf);
	ATF_REQUIRE_MSG(err == 0, "walk %s: %s", path, strerror(err));
	ATF_REQUIRE_EQ(nq, n);
	ATF_REQUIRE(nlf != NULL);
	if (last != NULL && n > 0)
		*last = qids[n - 1];
	return nlf;
}

static uint64_t
qpath_ino(uint64_t path)
{
	return path & 0x00ffffffffffffffULL;
}

static struct p9_fcall
getattr(struct lfile *lf)
{
	struct p9_fcall	 r;

	memset(&r, 0, sizeof(r));
	REQ_OK(lf_getattr(lf, P9_GETATTR_ALL, &r));
	return r;
}

static void
setattr(struct lfile *lf, uint32_t valid, struct p9_fcall *t, int want)
{
	int	 err;

	t->u.tsetattr.valid = valid;
	err = lf_setattr(lf, t);
	ATF_REQUIRE_MSG(err == want, "setattr %#x: got %s, want %s", valid,
	    strerror(err), strerror(want));
}

static struct lfile *
walk_open(struct lfile *root, const char *path, uint32_t flags)
{
	struct lfile	*lf;
	struct p9_qid	 qid;

	lf = walk(root, path, NULL);
	REQ_OK(lf_open(lf, flags, &qid));
	return lf;
}

ATF_TC_WITHOUT_HEAD(name_ok);
ATF_TC_BODY(name_ok, tc)
{
	char	 longname[LF_NAME_MAX + 2];

	ATF_CHECK(lf_name_ok("a"));
	ATF_CHECK(lf_name_ok("..."));
	ATF_CHECK(lf_name_ok(".a"));
	ATF_CHECK(!lf_name_ok(""));
	ATF_CHECK(!lf_name_ok("."));
	ATF_CHECK(!lf_name_ok(".."));
	ATF_CHECK(!lf_name_ok("a/b"));
	ATF_CHECK(!lf_name_ok("/"));
	memset(longname, 'x', sizeof(longname));
	longname[LF_NAME_MAX] = '\0';
	ATF_CHECK(lf_name_ok(longname));
	longname[LF_NAME_MAX] = 'x';
	longname[LF_NAME_MAX + 1] = '\0';
	ATF_CHECK(!lf_name_ok(longname));
	/* Linux's errnos: too long first, whatever else is wrong. */
	ATF_CHECK_EQ(lf_name_err(longname), ENAMETOOLONG);
	longname[0] = '/';
	ATF_CHECK_EQ(lf_name_err(longname), ENAMETOOLONG);
	longname[LF_NAME_MAX] = '\0';
	ATF_CHECK_EQ(lf_name_err(longname), EINVAL);
	ATF_CHECK_EQ(lf_name_err("a"), 0);
	ATF_CHECK_EQ(lf_name_err(""), EINVAL);
	ATF_CHECK_EQ(lf_name_err(".."), EINVAL);
}

ATF_TC_WITHOUT_HEAD(attach_walk_getattr);
ATF_TC_BODY(attach_walk_getattr, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *c, *d;
	struct p9_qid	 rq, fq, dq, q;
	struct p9_fcall	 r;
	struct stat	 st;
	int		 nq;

	ATF_REQUIRE(mkdir(EXPDIR "/d", 0750) == 0);
	mkfile(EXPDIR "/d/f", "hello");
	root = attach(e, &rq);
	ATF_CHECK_EQ(rq.type, P9_QTDIR);
	ATF_REQUIRE(stat(EXPDIR, &st) == 0);
	ATF_CHECK_EQ(qpath_ino(rq.path), (uint64_t)st.st_ino);
	ATF_CHECK(root->lf_pfd == -1 && root->lf_name == NULL);

	d = walk(root, "d", &dq);
	ATF_CHECK_EQ(dq.type, P9_QTDIR);
	f = walk(root, "d/f", &fq);
	ATF_CHECK_EQ(fq.type, P9_QTFILE);
	ATF_REQUIRE(stat(EXPDIR "/d/f", &st) == 0);
	ATF_CHECK_EQ(qpath_ino(fq.path), (uint64_t)st.st_ino);
	/* Same device: same device number in the top bits. */
	ATF_CHECK_EQ(fq.path >> 56, rq.path >> 56);

	r = getattr(f);
	ATF_CHECK_EQ(r.u.rgetattr.valid, P9_GETATTR_BASIC);
	ATF_CHECK_EQ(r.u.rgetattr.qid.path, fq.path);
	ATF_CHECK_EQ(r.u.rgetattr.mode, P9_L_S_IFREG | 0644);
	ATF_CHECK_EQ(r.u.rgetattr.size, 5);
	ATF_CHECK_EQ(r.u.rgetattr.nlink, 1);
	ATF_CHECK_EQ(r.u.rgetattr.uid, (uint32_t)st.st_uid);
	ATF_CHECK_EQ(r.u.rgetattr.gid, (uint32_t)st.st_gid);
	ATF_CHECK_EQ(r.u.rgetattr.mtime_sec, (uint64_t)st.st_mtim.tv_sec);
	ATF_CHECK_EQ(r.u.rgetattr.mtime_nsec, (uint64_t)st.st_mtim.tv_nsec);
	ATF_CHECK_EQ(r.u.rgetattr.blocks, (uint64_t)st.st_blocks);

	/* Only what was asked is claimed. */
	memset(&r, 0, sizeof(r));
	REQ_OK(lf_getattr(f, P9_GETATTR_MODE | P9_GETATTR_SIZE |
	    P9_GETATTR_BTIME, &r));
	ATF_CHECK_EQ(r.u.rgetattr.valid, P9_GETATTR_MODE | P9_GETATTR_SIZE);

	r = getattr(d);
	ATF_CHECK_EQ(r.u.rgetattr.mode, P9_L_S_IFDIR | 0750);

	/* A clone: no qids, same file, an lfile of its own. */
	nq = -1;
	REQ_OK(lf_walk(f, 0, NULL, NULL, &nq, &c));
	ATF_CHECK_EQ(nq, 0);
	ATF_REQUIRE(c != NULL && c != f);
	ATF_CHECK(c->lf_fd != f->lf_fd);
	ATF_CHECK_STREQ(c->lf_name, "f");
	r = getattr(c);
	ATF_CHECK_EQ(r.u.rgetattr.qid.path, fq.path);
	REQ_OK(lf_close(c));

	/* Walking from a file. */
	{
		char		*names[] = { "x" };
		struct lfile	*n = NULL;

		nq = -1;
		REQ_ERR(lf_walk(f, 1, names, &q, &nq, &n), ENOTDIR);
		ATF_CHECK_EQ(nq, 0);
		ATF_CHECK(n == NULL);
	}
	REQ_OK(lf_close(f));
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(walk_partial);
ATF_TC_BODY(walk_partial, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *n = NULL;
	struct p9_qid	 qids[P9_MAXWELEM];
	char		*two[] = { "d", "missing" }, *first[] = { "nope", "d" };
	char		*bad[] = { "d", "a/b" }, *empty[] = { "" };
	int		 nq;

	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	root = attach(e, NULL);
	nq = -1;
	REQ_ERR(lf_walk(root, 2, two, qids, &nq, &n), ENOENT);
	ATF_CHECK_EQ(nq, 1);
	ATF_CHECK_EQ(qids[0].type, P9_QTDIR);
	ATF_CHECK(n == NULL);
	nq = -1;
	REQ_ERR(lf_walk(root, 2, first, qids, &nq, &n), ENOENT);
	ATF_CHECK_EQ(nq, 0);
	ATF_CHECK(n == NULL);
	/* The caller validates, but a bad name must not reach openat(2). */
	REQ_ERR(lf_walk(root, 2, bad, qids, &nq, &n), EINVAL);
	ATF_CHECK_EQ(nq, 1);
	REQ_ERR(lf_walk(root, 1, empty, qids, &nq, &n), EINVAL);
	REQ_ERR(lf_walk(root, P9_MAXWELEM + 1, two, qids, &nq, &n), EINVAL);
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(walk_dotdot);
ATF_TC_BODY(walk_dotdot, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *up, *d, *back;
	struct p9_qid	 rq, dq, q, qids[P9_MAXWELEM];
	char		*names[] = { "..", "..", "d", "e", "..", "..", ".." };
	struct p9_fcall	 r;
	struct stat	 st;
	int		 nq, i;

	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	ATF_REQUIRE(mkdir(EXPDIR "/d/e", 0755) == 0);
	root = attach(e, &rq);

	/* ".." at the root stays at the root. */
	up = walk(root, "..", &dq);
	ATF_CHECK_EQ(dq.path, rq.path);
	ATF_CHECK_EQ(dq.type, P9_QTDIR);
	r = getattr(up);
	ATF_CHECK_EQ(r.u.rgetattr.qid.path, rq.path);
	REQ_OK(lf_close(up));

	REQ_OK(lf_walk(root, 7, names, qids, &nq, &up));
	ATF_CHECK_EQ(nq, 7);
	ATF_CHECK_EQ(qids[0].path, rq.path);
	ATF_CHECK_EQ(qids[1].path, rq.path);
	ATF_CHECK_EQ(qids[4].path, qids[2].path);
	for (i = 5; i < 7; i++)
		ATF_CHECK_EQ(qids[i].path, rq.path);
	r = getattr(up);
	ATF_CHECK_EQ(r.u.rgetattr.qid.path, rq.path);
	REQ_OK(lf_close(up));

	/* "." stays where it is. */
	up = walk(root, "./d/./e/.", &dq);
	back = walk(root, "d/e", &q);
	ATF_CHECK_EQ(dq.path, q.path);
	ATF_CHECK_STREQ(up->lf_name, "e");
	REQ_OK(lf_close(back));
	REQ_OK(lf_close(up));

	/* "d/e/.." is d, with its name found again: it can be renamed. */
	d = walk(root, "d/e/..", &dq);
	ATF_REQUIRE(stat(EXPDIR "/d", &st) == 0);
	ATF_CHECK_EQ(qpath_ino(dq.path), (uint64_t)st.st_ino);
	ATF_REQUIRE(d->lf_name != NULL);
	ATF_CHECK_STREQ(d->lf_name, "d");
	REQ_OK(lf_rename(d, root, "d2"));
	ATF_CHECK(stat(EXPDIR "/d2/e", &st) == 0);
	back = walk(d, "..", &dq);
	ATF_CHECK_EQ(dq.path, rq.path);
	REQ_OK(lf_close(back));
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(root));
	ex_done(e);
}

/*
 * A directory a host process moves out of the export, with a fid still
 * in it: ".." from there would climb the host's tree.  It is refused;
 * the fid itself still works.
 */
ATF_TC_WITHOUT_HEAD(walk_dotdot_moved);
ATF_TC_BODY(walk_dotdot_moved, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *n, *up = NULL;
	struct p9_qid	 q, qids[P9_MAXWELEM];
	char		*dd[] = { ".." }, *dd2[] = { "..", ".." };
	struct p9_fcall	 r;
	struct stat	 st;
	int		 nq;

	ATF_REQUIRE(mkdir(EXPDIR "/m", 0755) == 0);
	ATF_REQUIRE(mkdir(EXPDIR "/m/n", 0755) == 0);
	root = attach(e, NULL);
	n = walk(root, "m/n", NULL);
	/* Inside, ".." climbs as usual. */
	up = walk(n, "../..", &q);
	ATF_REQUIRE(stat(EXPDIR, &st) == 0);
	ATF_CHECK_EQ(qpath_ino(q.path), (uint64_t)st.st_ino);
	REQ_OK(lf_close(up));

	ATF_REQUIRE(rename(EXPDIR "/m", "outside-m") == 0);
	up = NULL;
	nq = -1;
	REQ_ERR(lf_walk(n, 1, dd, qids, &nq, &up), EACCES);
	ATF_CHECK_EQ(nq, 0);
	ATF_CHECK(up == NULL);
	REQ_ERR(lf_walk(n, 2, dd2, qids, &nq, &up), EACCES);
	ATF_CHECK(up == NULL);
	r = getattr(n);
	ATF_REQUIRE(stat("outside-m/n", &st) == 0);
	ATF_CHECK_EQ(qpath_ino(r.u.rgetattr.qid.path), (uint64_t)st.st_ino);

	/* Moved back in, it climbs again. */
	ATF_REQUIRE(rename("outside-m", EXPDIR "/m") == 0);
	up = walk(n, "..", &q);
	ATF_REQUIRE(stat(EXPDIR "/m", &st) == 0);
	ATF_CHECK_EQ(qpath_ino(q.path), (uint64_t)st.st_ino);
	REQ_OK(lf_close(up));
	REQ_OK(lf_close(n));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(walk_symlink);
ATF_TC_BODY(walk_symlink, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *l, *n = NULL;
	struct p9_qid	 q, qids[2];
	struct p9_fcall	 r;
	char		*through[] = { "l", "x" }, *dthrough[] = { "ld", "f" };
	char		 buf[256];
	uint32_t	 cnt;
	int		 nq;

	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	mkfile(EXPDIR "/d/f", "x");
	ATF_REQUIRE(symlink("/etc/passwd", EXPDIR "/l") == 0);
	ATF_REQUIRE(symlink("d", EXPDIR "/ld") == 0);
	root = attach(e, NULL);

	l = walk(root, "l", &q);
	ATF_CHECK_EQ(q.type, P9_QTSYMLINK);
	r = getattr(l);
	ATF_CHECK_EQ(r.u.rgetattr.mode & P9_L_S_IFMT, P9_L_S_IFLNK);
	ATF_CHECK_EQ(r.u.rgetattr.size, strlen("/etc/passwd"));
	/* Never opened, never read through. */
	REQ_ERR(lf_open(l, P9_L_O_RDONLY, &q), ELOOP);
	REQ_ERR(lf_read(l, 0, buf, sizeof(buf), &cnt), EBADF);
	REQ_OK(lf_readlink(l, buf, sizeof(buf)));
	ATF_CHECK_STREQ(buf, "/etc/passwd");
	REQ_OK(lf_close(l));

	nq = -1;
	REQ_ERR(lf_walk(root, 2, through, qids, &nq, &n), ELOOP);
	ATF_CHECK_EQ(nq, 1);
	ATF_CHECK_EQ(qids[0].type, P9_QTSYMLINK);
	nq = -1;
	REQ_ERR(lf_walk(root, 2, dthrough, qids, &nq, &n), ELOOP);
	ATF_CHECK_EQ(nq, 1);
	ATF_CHECK(n == NULL);
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(walk_device);
ATF_TC_BODY(walk_device, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *n = NULL;
	struct p9_qid	 q;
	struct p9_fcall	 r;
	char		*names[] = { "null" };
	int		 nq;

	if (mknod(EXPDIR "/null", S_IFCHR | 0666, makedev(1, 3)) == -1) {
		ex_done(e);
		atf_tc_skip("cannot make a device node here: %s",
		    strerror(errno));
	}
	ATF_REQUIRE(chmod(EXPDIR "/null", 0666) == 0);
	root = attach(e, NULL);
	nq = -1;
	/* A path-only fid: its attributes, never the device opened. */
	REQ_OK(lf_walk(root, 1, names, &q, &nq, &n));
	ATF_CHECK_EQ(nq, 1);
	ATF_REQUIRE(n != NULL);
	ATF_CHECK(!compat_fd_is_io(n->lf_fd));
	REQ_OK(lf_getattr(n, P9_GETATTR_BASIC, &r));
	ATF_CHECK_EQ(r.u.rgetattr.mode, P9_L_S_IFCHR | 0666);
	ATF_CHECK_EQ(r.u.rgetattr.rdev, (uint64_t)makedev(1, 3));
	REQ_ERR(lf_open(n, P9_L_O_RDONLY, &q), EPERM);
	REQ_ERR(lf_open(n, P9_L_O_RDONLY | P9_L_O_NONBLOCK, &q), EPERM);
	ATF_CHECK_EQ(n->lf_ofd, -1);
	REQ_OK(lf_close(n));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(dev_overflow);
ATF_TC_BODY(dev_overflow, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*lf = NULL;
	struct p9_qid	 q;
	struct stat	 st;
	int		 i;

	ATF_REQUIRE(fstat(e->e_rootfd, &st) == 0);
	/* Every slot taken by some other device. */
	for (i = 0; i < 256; i++)
		e->e_devs[i] = st.st_dev + 1 + (dev_t)i;
	e->e_ndevs = 256;
	REQ_ERR(lf_attach(e, getuid(), &lf, &q), EOVERFLOW);
	ATF_CHECK(lf == NULL);
	ex_done(e);
}

/* Read a whole directory with a given count; names and offsets out. */
struct dent {
	char		 name[256];
	uint64_t	 off;
	uint8_t		 type;
	struct p9_qid	 qid;
};

static int
readdir_all(struct lfile *lf, uint32_t count, struct dent *out, int max)
{
	struct p9_rbuf	 rb;
	uint8_t		*buf;
	uint64_t	 off = 0;
	uint32_t	 n;
	int		 cnt = 0, calls = 0;

	ATF_REQUIRE((buf = malloc(count)) != NULL);
	for (;;) {
		REQ_OK(lf_readdir(lf, off, buf, count, &n));
		ATF_REQUIRE(n <= count);
		if (n == 0)
			break;
		ATF_REQUIRE_MSG(++calls < 1000000, "readdir does not end");
		p9_rinit(&rb, buf, n);
		while (p9_remain(&rb) > 0) {
			ATF_REQUIRE(cnt < max);
			ATF_REQUIRE(p9_dirent_get(&rb, &out[cnt].qid,
			    &out[cnt].off, &out[cnt].type, out[cnt].name,
			    sizeof(out[cnt].name)) == 0);
			off = out[cnt].off;
			cnt++;
		}
	}
	free(buf);
	return cnt;
}

static int
dent_find(const struct dent *d, int n, const char *name)
{
	int	 i, found = -1;

	for (i = 0; i < n; i++)
		if (strcmp(d[i].name, name) == 0) {
			ATF_REQUIRE_MSG(found == -1, "%s listed twice", name);
			found = i;
		}
	return found;
}

ATF_TC_WITHOUT_HEAD(readdir_small);
ATF_TC_BODY(readdir_small, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *d;
	struct dent	 all[16], part[16];
	struct p9_qid	 rq, q;
	struct p9_rbuf	 rb;
	struct stat	 st;
	uint8_t		 buf[512];
	uint32_t	 n;
	char		 path[64];
	int		 i, k, cnt, j;
	const char	*names[] = { "a", "bb", "dir", "link", "fifo" };

	mkfile(EXPDIR "/a", NULL);
	mkfile(EXPDIR "/bb", NULL);
	ATF_REQUIRE(mkdir(EXPDIR "/dir", 0755) == 0);
	ATF_REQUIRE(symlink("a", EXPDIR "/link") == 0);
	ATF_REQUIRE(mkfifo(EXPDIR "/fifo", 0644) == 0);
	root = attach(e, &rq);

	/* Not open, or not a directory. */
	REQ_ERR(lf_readdir(root, 0, buf, sizeof(buf), &n), EBADF);
	f = walk_open(root, "a", P9_L_O_RDONLY);
	REQ_ERR(lf_readdir(f, 0, buf, sizeof(buf), &n), ENOTDIR);
	REQ_OK(lf_close(f));

	d = walk_open(root, "", P9_L_O_RDONLY);
	/* One entry at a time: a count that fits the longest entry only. */
	cnt = readdir_all(d, 13 + 8 + 1 + 2 + 4, all, 16);
	ATF_CHECK_EQ(cnt, 7);
	for (i = 0; i < 5; i++) {
		ATF_REQUIRE_MSG((k = dent_find(all, cnt, names[i])) != -1,
		    "%s missing", names[i]);
		snprintf(path, sizeof(path), EXPDIR "/%s", names[i]);
		ATF_REQUIRE(lstat(path, &st) == 0);
		ATF_CHECK_EQ(qpath_ino(all[k].qid.path), (uint64_t)st.st_ino);
		switch (i) {
		case 2:
			ATF_CHECK_EQ(all[k].type, P9_L_DT_DIR);
			ATF_CHECK_EQ(all[k].qid.type, P9_QTDIR);
			break;
		case 3:
			ATF_CHECK_EQ(all[k].type, P9_L_DT_LNK);
			ATF_CHECK_EQ(all[k].qid.type, P9_QTSYMLINK);
			break;
		case 4:
			ATF_CHECK_EQ(all[k].type, P9_L_DT_FIFO);
			break;
		default:
			ATF_CHECK_EQ(all[k].type, P9_L_DT_REG);
			ATF_CHECK_EQ(all[k].qid.type, P9_QTFILE);
		}
	}
	ATF_REQUIRE((k = dent_find(all, cnt, ".")) != -1);
	ATF_CHECK_EQ(all[k].qid.path, rq.path);
	/* The root's ".." is the root itself, never its host parent. */
	ATF_REQUIRE((k = dent_find(all, cnt, "..")) != -1);
	ATF_CHECK_EQ(all[k].qid.path, rq.path);
	ATF_CHECK_EQ(all[k].type, P9_L_DT_DIR);

	/* Any entry's offset resumes right after it, in any order. */
	for (i = cnt - 1; i >= 0; i--) {
		REQ_OK(lf_readdir(d, all[i].off, buf, sizeof(buf), &n));
		p9_rinit(&rb, buf, n);
		for (j = i + 1; j < cnt; j++) {
			ATF_REQUIRE(p9_dirent_get(&rb, &q, &part[0].off,
			    &part[0].type, part[0].name,
			    sizeof(part[0].name)) == 0);
			ATF_CHECK_STREQ(part[0].name, all[j].name);
			ATF_CHECK_EQ(part[0].off, all[j].off);
		}
		ATF_CHECK_EQ(p9_remain(&rb), 0);
	}
	/* Offset 0 starts over. */
	REQ_OK(lf_readdir(d, 0, buf, sizeof(buf), &n));
	p9_rinit(&rb, buf, n);
	ATF_REQUIRE(p9_dirent_get(&rb, &q, &part[0].off, &part[0].type,
	    part[0].name, sizeof(part[0].name)) == 0);
	ATF_CHECK_STREQ(part[0].name, all[0].name);
	/* A count too small for any entry is an error, not the end. */
	REQ_ERR(lf_readdir(d, 0, buf, 10, &n), EINVAL);
	/* Two fids on one directory have cursors of their own. */
	f = walk_open(root, "", P9_L_O_RDONLY);
	cnt = readdir_all(f, 64, part, 16);
	ATF_CHECK_EQ(cnt, 7);
	REQ_OK(lf_close(f));
	REQ_OK(lf_close(d));

	/* A subdirectory's ".." is its real parent. */
	d = walk_open(root, "dir", P9_L_O_RDONLY);
	cnt = readdir_all(d, 4096, part, 16);
	ATF_CHECK_EQ(cnt, 2);
	ATF_REQUIRE((k = dent_find(part, cnt, "..")) != -1);
	ATF_CHECK_EQ(part[k].qid.path, rq.path);
	REQ_ERR(lf_read(d, 0, buf, sizeof(buf), &n), EISDIR);
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(readdir_large);
ATF_TC_BODY(readdir_large, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *d;
	struct dent	*all;
	char		 path[64], *seen;
	int		 i, cnt, idx, nfiles = 3000;
	uint32_t	 counts[] = { 40, 200, 1000, 65536 };
	size_t		 c;

	ATF_REQUIRE(mkdir(EXPDIR "/big", 0755) == 0);
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), EXPDIR "/big/file%05d", i);
		mkfile(path, NULL);
	}
	ATF_REQUIRE((all = calloc(nfiles + 10, sizeof(*all))) != NULL);
	ATF_REQUIRE((seen = calloc(nfiles, 1)) != NULL);
	root = attach(e, NULL);
	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		d = walk_open(root, "big", P9_L_O_RDONLY);
		cnt = readdir_all(d, counts[c], all, nfiles + 10);
		ATF_CHECK_EQ_MSG(cnt, nfiles + 2, "count %u: %d entries",
		    counts[c], cnt);
		memset(seen, 0, nfiles);
		for (i = 0; i < cnt; i++) {
			if (strcmp(all[i].name, ".") == 0 ||
			    strcmp(all[i].name, "..") == 0)
				continue;
			ATF_REQUIRE(sscanf(all[i].name, "file%d", &idx) == 1);
			ATF_REQUIRE(idx >= 0 && idx < nfiles);
			ATF_CHECK_MSG(!seen[idx], "%s twice (count %u)",
			    all[i].name, counts[c]);
			seen[idx] = 1;
		}
		for (i = 0; i < nfiles; i++)
			ATF_CHECK_MSG(seen[i], "file%05d missing (count %u)",
			    i, counts[c]);
		REQ_OK(lf_close(d));
	}
	free(seen);
	free(all);
	REQ_OK(lf_close(root));
	ex_done(e);
}

/* Two listings match entry for entry: names, cookies, types and qids. */
static void
dent_same(const struct dent *a, int na, const struct dent *b, int nb,
    const char *what)
{
	int	 i;

	ATF_REQUIRE_EQ_MSG(na, nb, "%s: %d entries, want %d", what, na, nb);
	for (i = 0; i < na; i++) {
		ATF_REQUIRE_STREQ_MSG(a[i].name, b[i].name, "%s: entry %d",
		    what, i);
		ATF_REQUIRE_EQ_MSG(a[i].off, b[i].off, "%s: %s's cookie",
		    what, a[i].name);
		ATF_REQUIRE_EQ(a[i].type, b[i].type);
		ATF_REQUIRE_EQ(a[i].qid.type, b[i].qid.type);
		ATF_REQUIRE_EQ(a[i].qid.path, b[i].qid.path);
	}
}

#define DC_NDIRS	5
#define DC_NFILES	300

/* List path afresh through a new fid; keeps the fid open in *dp. */
static int
list_fid(struct lfile *root, const char *path, uint32_t count,
    struct dent *out, struct lfile **dp)
{
	*dp = walk_open(root, path, P9_L_O_RDONLY);
	return readdir_all(*dp, count, out, DC_NFILES + 10);
}

/*
 * List path twice through new fids, the second time checking that it
 * was read from the directory (not kept); the listings must match.
 * Returns the number of entries.
 */
static int
list_read_twice(struct lfile *root, const char *path, struct dent *a,
    struct dent *b, const char *what)
{
	struct lfile	*d;
	int		 na, nb;

	na = list_fid(root, path, 4096, a, &d);
	REQ_OK(lf_close(d));
	nb = list_fid(root, path, 4096, b, &d);
	ATF_CHECK_MSG(d->lf_dir != NULL, "%s: the listing was kept", what);
	REQ_OK(lf_close(d));
	dent_same(a, na, b, nb, what);
	return na;
}

ATF_TC(readdir_cache);
ATF_TC_HEAD(readdir_cache, tc)
{
	atf_tc_set_md_var(tc, "descr", "A settled directory's listing is "
	    "kept and reused, and every change to its entries ends that");
}
ATF_TC_BODY(readdir_cache, tc)
{
	struct export	*e = ex_setup(0), *ref, exref;
	struct lfile	*root, *rroot, *d, *old;
	struct dent	*a, *b, *want;
	uint8_t		 buf[4096];
	uint32_t	 n;
	char		 path[128];
	int		 i, k, na, nb, nw;

	ATF_REQUIRE((a = calloc(DC_NFILES + 10, sizeof(*a))) != NULL);
	ATF_REQUIRE((b = calloc(DC_NFILES + 10, sizeof(*b))) != NULL);
	ATF_REQUIRE((want = calloc(DC_NFILES + 10, sizeof(*want))) != NULL);
	for (k = 0; k < DC_NDIRS; k++) {
		snprintf(path, sizeof(path), EXPDIR "/big%d", k);
		ATF_REQUIRE(mkdir(path, 0755) == 0);
		for (i = 0; i < DC_NFILES; i++) {
			snprintf(path, sizeof(path), EXPDIR "/big%d/f%04d",
			    k, i);
			mkfile(path, NULL);
		}
	}
	ATF_REQUIRE(mkdir(EXPDIR "/small", 0755) == 0);
	mkfile(EXPDIR "/small/a", NULL);
	if (!compat_fs_local(e->e_rootfd))
		atf_tc_skip("listings are not kept on this file system");
	/* The same tree without the cache, read the hard way. */
	ref = ex_setup_flags(&exref, EXP_NODIRCACHE);
	root = attach(e, NULL);
	rroot = attach(ref, NULL);

	/* Changed in the last seconds: not kept, every listing reads. */
	na = list_read_twice(root, "big0", a, b, "young");
	ATF_CHECK_EQ(na, DC_NFILES + 2);

	/* Settled: the first complete listing is kept for the next. */
	sleep(3);
	for (k = 0; k < DC_NDIRS; k++) {
		snprintf(path, sizeof(path), "big%d", k);
		na = list_fid(root, path, 4096, a, &d);
		ATF_CHECK(d->lf_dir != NULL);
		REQ_OK(lf_close(d));
		nb = list_fid(root, path, 1000, b, &d);
		ATF_CHECK_MSG(d->lf_dir == NULL, "%s: read again", path);
		REQ_OK(lf_close(d));
		nw = list_fid(rroot, path, 1000, want, &d);
		ATF_CHECK(d->lf_dir != NULL);
		REQ_OK(lf_close(d));
		dent_same(a, na, want, nw, "taken");
		dent_same(b, nb, want, nw, "kept");
	}

	/* A small directory lists fast anyway: it is not kept. */
	na = list_read_twice(root, "small", a, b, "small");
	ATF_CHECK_EQ(na, 3);

	/* From the cache: a mid-listing cookie on a new fid, too-small
	 * counts, the cursor's own continuation. */
	nw = list_fid(rroot, "big0", 4096, want, &d);
	REQ_OK(lf_close(d));
	d = walk_open(root, "big0", P9_L_O_RDONLY);
	REQ_ERR(lf_readdir(d, 0, buf, 10, &n), EINVAL);
	REQ_OK(lf_readdir_cached(d, 0, buf, 13 + 8 + 1 + 2 + 5, &n));
	ATF_CHECK(n > 0);
	REQ_OK(lf_readdir_cached(d, want[0].off, buf, sizeof(buf), &n));
	ATF_CHECK(n > 0);
	/* Not where this fid's cursor is: the directory is read. */
	REQ_ERR(lf_readdir_cached(d, want[100].off, buf, sizeof(buf), &n),
	    EAGAIN);
	REQ_OK(lf_readdir(d, want[100].off, buf, sizeof(buf), &n));
	{
		struct p9_rbuf	rb;

		p9_rinit(&rb, buf, n);
		ATF_REQUIRE(p9_dirent_get(&rb, &b[0].qid, &b[0].off,
		    &b[0].type, b[0].name, sizeof(b[0].name)) == 0);
		ATF_CHECK_STREQ(b[0].name, want[101].name);
	}
	REQ_OK(lf_close(d));

	/* A fid half-way through a kept listing when it changes reads on
	 * to the end of what it started. */
	old = walk_open(root, "big4", P9_L_O_RDONLY);
	REQ_OK(lf_readdir(old, 0, buf, 200, &n));
	ATF_CHECK(n > 0 && old->lf_dir == NULL);

	/* Every kind of change to the entries is seen at the next start. */
	ATF_REQUIRE(unlink(EXPDIR "/big0/f0007") == 0);
	mkfile(EXPDIR "/big1/added", NULL);
	ATF_REQUIRE(rename(EXPDIR "/big2/f0003", EXPDIR "/big2/renamed") ==
	    0);
	ATF_REQUIRE(rename(EXPDIR "/big3/f0004", EXPDIR "/moved") == 0);
	ATF_REQUIRE(unlink(EXPDIR "/big4/f0005") == 0);
	ATF_REQUIRE(symlink("x", EXPDIR "/big4/f0005") == 0);
	for (k = 0; k < DC_NDIRS; k++) {
		snprintf(path, sizeof(path), "big%d", k);
		na = list_fid(root, path, 1000, a, &d);
		ATF_CHECK_MSG(d->lf_dir != NULL, "%s: changed, not read",
		    path);
		REQ_OK(lf_close(d));
		nw = list_fid(rroot, path, 1000, want, &d);
		REQ_OK(lf_close(d));
		dent_same(a, na, want, nw, path);
	}
	ATF_CHECK(dent_find(a, na, "f0005") != -1);
	ATF_CHECK_EQ(a[dent_find(a, na, "f0005")].type, P9_L_DT_LNK);
	nb = 0;
	for (;;) {
		REQ_OK(lf_readdir(old, old->lf_dirnext, buf, 200, &n));
		if (n == 0)
			break;
		ATF_REQUIRE(++nb < 10000);
	}
	ATF_CHECK(old->lf_dir == NULL);
	REQ_OK(lf_close(old));

	REQ_OK(lf_close(rroot));
	REQ_OK(lf_close(root));
	free(a);
	free(b);
	free(want);
	lf_export_free(ref);
	close(ref->e_rootfd);
	ex_done(e);
}

/*
 * Wait (at most 10 s) until path's change and modification times are
 * old enough for its listing to be kept (dircache.c: DC_SETTLE_SEC).
 */
static void
wait_settled(const char *path)
{
	struct stat	 st;
	time_t		 newest;
	int		 i;

	for (i = 0; i < 100; i++) {
		ATF_REQUIRE(stat(path, &st) == 0);
		newest = st.st_ctime > st.st_mtime ? st.st_ctime :
		    st.st_mtime;
		if (newest <= time(NULL) - 3)
			return;
		usleep(100000);
	}
	atf_tc_fail("%s does not settle", path);
}

ATF_TC(readdir_cache_rewind);
ATF_TC_HEAD(readdir_cache_rewind, tc)
{
	atf_tc_set_md_var(tc, "descr", "A listing from offset 0 after an "
	    "EINVAL at offset 0 reads the directory as it is now, and the "
	    "listing kept from it is not stale");
}
ATF_TC_BODY(readdir_cache_rewind, tc)
{
	struct export	*e = ex_setup(0), *ref, exref;
	struct lfile	*root, *rroot, *d, *d2;
	struct dent	*a, *want;
	uint8_t		 buf[16];
	uint32_t	 n;
	char		 path[128];
	int		 i, na, nw;

	ATF_REQUIRE((a = calloc(DC_NFILES + 10, sizeof(*a))) != NULL);
	ATF_REQUIRE((want = calloc(DC_NFILES + 10, sizeof(*want))) != NULL);
	ATF_REQUIRE(mkdir(EXPDIR "/big", 0755) == 0);
	for (i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), EXPDIR "/big/f%04d", i);
		mkfile(path, NULL);
	}
	if (!compat_fs_local(e->e_rootfd))
		atf_tc_skip("listings are not kept on this file system");
	ref = ex_setup_flags(&exref, EXP_NODIRCACHE);
	root = attach(e, NULL);
	rroot = attach(ref, NULL);
	wait_settled(EXPDIR "/big");

	/* Too small for the first entry: the stream has read ahead. */
	d = walk_open(root, "big", P9_L_O_RDONLY);
	REQ_ERR(lf_readdir(d, 0, buf, sizeof(buf), &n), EINVAL);
	ATF_REQUIRE(unlink(EXPDIR "/big/f0007") == 0);
	mkfile(EXPDIR "/big/added", NULL);
	wait_settled(EXPDIR "/big");

	/* Offset 0 is the start of the directory as it is now. */
	na = readdir_all(d, 4096, a, DC_NFILES + 10);
	REQ_OK(lf_close(d));
	ATF_CHECK_MSG(dent_find(a, na, "f0007") == -1, "removed, listed");
	ATF_CHECK_MSG(dent_find(a, na, "added") != -1, "created, missing");

	/* And so is what another fid is given from the kept listing. */
	na = list_fid(root, "big", 4096, a, &d2);
	REQ_OK(lf_close(d2));
	nw = list_fid(rroot, "big", 4096, want, &d2);
	REQ_OK(lf_close(d2));
	ATF_CHECK_MSG(dent_find(a, na, "f0007") == -1, "removed, listed");
	ATF_CHECK_MSG(dent_find(a, na, "added") != -1, "created, missing");
	dent_same(a, na, want, nw, "kept");

	REQ_OK(lf_close(rroot));
	REQ_OK(lf_close(root));
	free(a);
	free(want);
	lf_export_free(ref);
	close(ref->e_rootfd);
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(create);
ATF_TC_BODY(create, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *dir, *f, *l;
	struct p9_qid	 q, fq;
	struct p9_fcall	 r;
	struct stat	 st;
	uint8_t		 buf[64];
	uint32_t	 n;

	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	mkfile(EXPDIR "/d/exists", NULL);
	ATF_REQUIRE(symlink("d", EXPDIR "/ld") == 0);
	root = attach(e, NULL);

	/* Without O_EXCL an existing file is opened, as by open(2). */
	f = walk(root, "d", NULL);
	REQ_OK(lf_create(f, "exists", P9_L_O_RDONLY, 0644, getgid(), &q));
	ATF_CHECK_STREQ(f->lf_name, "exists");
	ATF_CHECK(S_ISREG(f->lf_type));
	ATF_CHECK(f->lf_ofd >= 0);
	REQ_OK(lf_close(f));
	dir = walk(root, "d", NULL);
	REQ_ERR(lf_create(dir, "exists", P9_L_O_RDWR | P9_L_O_EXCL, 0644,
	    getgid(), &q), EEXIST);
	REQ_ERR(lf_create(dir, "a/b", P9_L_O_RDWR, 0644, getgid(), &q),
	    EINVAL);
	/* Write-only is upgraded to read-write under the hood. */
	REQ_OK(lf_create(dir, "new", P9_L_O_WRONLY, 0640, getgid(), &fq));
	ATF_CHECK_EQ(fq.type, P9_QTFILE);
	ATF_REQUIRE(stat(EXPDIR "/d/new", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0640);
	ATF_CHECK_EQ(qpath_ino(fq.path), (uint64_t)st.st_ino);
	/* The same lfile now is the new file, open write-only. */
	ATF_CHECK_STREQ(dir->lf_name, "new");
	ATF_CHECK(S_ISREG(dir->lf_type));
	REQ_OK(lf_write(dir, 0, "data", 4, &n));
	ATF_CHECK_EQ(n, 4);
	REQ_ERR(lf_read(dir, 0, buf, sizeof(buf), &n), EBADF);
	REQ_ERR(lf_open(dir, P9_L_O_RDONLY, &q), EINVAL);
	ATF_CHECK_STREQ(slurp(EXPDIR "/d/new"), "data");
	r = getattr(dir);
	ATF_CHECK_EQ(r.u.rgetattr.qid.path, fq.path);
	ATF_CHECK_EQ(r.u.rgetattr.size, 4);
	/* Now a file: no creating in it. */
	REQ_ERR(lf_create(dir, "x", P9_L_O_RDWR, 0644, getgid(), &q), ENOTDIR);
	REQ_OK(lf_close(dir));

	l = walk(root, "ld", NULL);
	REQ_ERR(lf_create(l, "x", P9_L_O_RDWR, 0644, getgid(), &q), ELOOP);
	REQ_OK(lf_close(l));

	/* Read-write create: read back through the same fid. */
	dir = walk(root, "d", NULL);
	REQ_OK(lf_create(dir, "rw", P9_L_O_RDWR, 0600, getgid(), &q));
	REQ_OK(lf_write(dir, 0, "abcdef", 6, &n));
	REQ_OK(lf_read(dir, 2, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 4);
	ATF_CHECK(memcmp(buf, "cdef", 4) == 0);
	REQ_OK(lf_close(dir));

	/* As root the new file goes to the attaching user and given gid. */
	if (geteuid() == 0) {
		REQ_OK(lf_attach(e, 1234, &f, &q));
		dir = walk(f, "d", NULL);
		REQ_OK(lf_create(dir, "owned", P9_L_O_RDWR, 0644, 4321, &q));
		ATF_REQUIRE(stat(EXPDIR "/d/owned", &st) == 0);
		ATF_CHECK_EQ(st.st_uid, 1234);
		ATF_CHECK_EQ(st.st_gid, 4321);
		REQ_OK(lf_mkdir(f, "odir", 0755, 4321, &q));
		ATF_REQUIRE(stat(EXPDIR "/odir", &st) == 0);
		ATF_CHECK_EQ(st.st_uid, 1234);
		ATF_CHECK_EQ(st.st_gid, 4321);
		REQ_OK(lf_close(dir));
		REQ_OK(lf_close(f));
	}
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(open_modes);
ATF_TC_BODY(open_modes, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *g, *d, *p;
	struct p9_qid	 q;
	uint8_t		 buf[64];
	uint32_t	 n;

	mkfile(EXPDIR "/f", "0123456789");
	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	ATF_REQUIRE(mkfifo(EXPDIR "/p", 0644) == 0);
	root = attach(e, NULL);

	f = walk(root, "f", NULL);
	REQ_ERR(lf_read(f, 0, buf, sizeof(buf), &n), EBADF);
	REQ_ERR(lf_write(f, 0, "x", 1, &n), EBADF);
	REQ_ERR(lf_fsync(f, 0), EBADF);
	REQ_ERR(lf_open(f, P9_L_O_NOACCESS, &q), EINVAL);
	REQ_ERR(lf_open(f, P9_L_O_RDONLY | P9_L_O_DIRECTORY, &q), ENOTDIR);
	REQ_OK(lf_open(f, P9_L_O_RDONLY, &q));
	ATF_CHECK_EQ(q.type, P9_QTFILE);
	ATF_CHECK(f->lf_ofd >= 0 && f->lf_ofd != f->lf_fd);
	REQ_ERR(lf_open(f, P9_L_O_RDONLY, &q), EINVAL);
	REQ_ERR(lf_write(f, 0, "x", 1, &n), EBADF);
	REQ_OK(lf_read(f, 3, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 7);
	ATF_CHECK(memcmp(buf, "3456789", 7) == 0);
	REQ_OK(lf_read(f, 100, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 0);
	REQ_ERR(lf_read(f, UINT64_MAX, buf, sizeof(buf), &n), EINVAL);
	REQ_OK(lf_fsync(f, 0));
	REQ_OK(lf_fsync(f, 1));
	REQ_OK(lf_close(f));

	f = walk_open(root, "f", P9_L_O_WRONLY);
	REQ_ERR(lf_read(f, 0, buf, sizeof(buf), &n), EBADF);
	REQ_OK(lf_write(f, 0, "AB", 2, &n));
	ATF_CHECK_EQ(n, 2);
	REQ_OK(lf_close(f));
	ATF_CHECK_STREQ(slurp(EXPDIR "/f"), "AB23456789");

	/* O_TRUNC, and O_APPEND kept. */
	f = walk_open(root, "f", P9_L_O_RDWR | P9_L_O_TRUNC);
	ATF_CHECK_STREQ(slurp(EXPDIR "/f"), "");
	REQ_OK(lf_write(f, 0, "xyz", 3, &n));
	REQ_OK(lf_close(f));
	f = walk_open(root, "f", P9_L_O_WRONLY | P9_L_O_APPEND);
	REQ_OK(lf_write(f, 0, "!", 1, &n));
	REQ_OK(lf_close(f));
	ATF_CHECK_STREQ(slurp(EXPDIR "/f"), "xyz!");

	/* Each open is its own open file description. */
	f = walk_open(root, "f", P9_L_O_RDONLY);
	g = walk_open(root, "f", P9_L_O_RDONLY);
	ATF_CHECK(f->lf_ofd != g->lf_ofd);
	REQ_OK(lf_close(g));
	REQ_OK(lf_close(f));

	d = walk(root, "d", NULL);
	REQ_ERR(lf_open(d, P9_L_O_WRONLY, &q), EISDIR);
	REQ_ERR(lf_open(d, P9_L_O_RDWR, &q), EISDIR);
	REQ_OK(lf_open(d, P9_L_O_RDONLY | P9_L_O_DIRECTORY, &q));
	ATF_CHECK_EQ(q.type, P9_QTDIR);
	REQ_ERR(lf_read(d, 0, buf, sizeof(buf), &n), EISDIR);
	/* A directory is open read-only: write(2) would say EBADF. */
	REQ_ERR(lf_write(d, 0, "x", 1, &n), EBADF);
	REQ_OK(lf_close(d));

	/* A FIFO is walked to but never opened (an open could block). */
	p = walk(root, "p", NULL);
	REQ_ERR(lf_open(p, P9_L_O_RDONLY, &q), EPERM);
	REQ_ERR(lf_open(p, P9_L_O_WRONLY, &q), EPERM);
	REQ_OK(lf_close(p));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(setattr);
ATF_TC_BODY(setattr, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *d, *l;
	struct p9_fcall	 t;
	struct stat	 st, tst;

	mkfile(EXPDIR "/f", "0123456789");
	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	mkfile(EXPDIR "/target", NULL);
	ATF_REQUIRE(symlink("target", EXPDIR "/l") == 0);
	root = attach(e, NULL);
	f = walk(root, "f", NULL);
	memset(&t, 0, sizeof(t));

	setattr(f, 0, &t, 0);
	t.u.tsetattr.mode = 0600;
	/* An unknown bit: EPERM and nothing changed. */
	setattr(f, P9_SETATTR_MODE | 0x200, &t, EPERM);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0644);
	setattr(f, P9_SETATTR_MODE, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0600);
	/* The type bits of the wire mode are ignored; set-id bits kept. */
	t.u.tsetattr.mode = P9_L_S_IFDIR | 02755;
	setattr(f, P9_SETATTR_MODE | P9_SETATTR_CTIME, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK(S_ISREG(st.st_mode));
	ATF_CHECK_EQ(st.st_mode & 07777, 02755);
	/* CTIME alone is what Linux sends with chmod: a no-op. */
	setattr(f, P9_SETATTR_CTIME, &t, 0);

	/* Size on an unopened file: reopened for writing inside. */
	t.u.tsetattr.size = 4;
	setattr(f, P9_SETATTR_SIZE, &t, 0);
	ATF_CHECK_STREQ(slurp(EXPDIR "/f"), "0123");
	t.u.tsetattr.size = 10;
	setattr(f, P9_SETATTR_SIZE, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK_EQ(st.st_size, 10);

	/* Explicit times, then "now". */
	t.u.tsetattr.atime_sec = 1000000000;
	t.u.tsetattr.atime_nsec = 5;
	t.u.tsetattr.mtime_sec = 1200000000;
	t.u.tsetattr.mtime_nsec = 7;
	setattr(f, P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET | P9_SETATTR_MTIME |
	    P9_SETATTR_MTIME_SET, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	ATF_CHECK_EQ(st.st_atim.tv_nsec, 5);
	ATF_CHECK_EQ(st.st_mtim.tv_sec, 1200000000);
	ATF_CHECK_EQ(st.st_mtim.tv_nsec, 7);
	/* Only mtime asked: atime untouched; no _SET bit: the time now. */
	setattr(f, P9_SETATTR_MTIME, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	ATF_CHECK(st.st_mtim.tv_sec > 1600000000);
	t.u.tsetattr.mtime_nsec = 1000000000;
	setattr(f, P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET, &t, EINVAL);

	/* Owner: to anyone as root, to our own ids otherwise. */
	t.u.tsetattr.uid = geteuid() == 0 ? 1234 : geteuid();
	t.u.tsetattr.gid = geteuid() == 0 ? 4321 : getegid();
	setattr(f, P9_SETATTR_UID, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK_EQ(st.st_uid, t.u.tsetattr.uid);
	setattr(f, P9_SETATTR_GID, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_CHECK_EQ(st.st_uid, t.u.tsetattr.uid);
	ATF_CHECK_EQ(st.st_gid, t.u.tsetattr.gid);
	REQ_OK(lf_close(f));

	/* Directories: no size. */
	d = walk(root, "d", NULL);
	t.u.tsetattr.size = 0;
	setattr(d, P9_SETATTR_SIZE, &t, EISDIR);
	t.u.tsetattr.mode = 0700;
	setattr(d, P9_SETATTR_MODE, &t, 0);
	ATF_REQUIRE(stat(EXPDIR "/d", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, 0700);
	REQ_OK(lf_close(d));

	/* A symlink's own times; its target is not touched. */
	ATF_REQUIRE(stat(EXPDIR "/target", &tst) == 0);
	l = walk(root, "l", NULL);
	t.u.tsetattr.mtime_sec = 1100000000;
	t.u.tsetattr.mtime_nsec = 0;
	setattr(l, P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET, &t, 0);
	ATF_REQUIRE(lstat(EXPDIR "/l", &st) == 0);
	ATF_CHECK_EQ(st.st_mtim.tv_sec, 1100000000);
	ATF_REQUIRE(stat(EXPDIR "/target", &st) == 0);
	ATF_CHECK_EQ(st.st_mtim.tv_sec, tst.st_mtim.tv_sec);
	ATF_CHECK_EQ(st.st_mtim.tv_nsec, tst.st_mtim.tv_nsec);
	/* Its size cannot be set; chmod never reaches the target. */
	setattr(l, P9_SETATTR_SIZE, &t, EINVAL);
	t.u.tsetattr.mode = 0600;
	t.u.tsetattr.valid = P9_SETATTR_MODE;
	(void)lf_setattr(l, &t);
	ATF_REQUIRE(stat(EXPDIR "/target", &st) == 0);
	ATF_CHECK_EQ(st.st_mode & 07777, tst.st_mode & 07777);
	REQ_OK(lf_close(l));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(mkdir_symlink_mknod_link);
ATF_TC_BODY(mkdir_symlink_mknod_link, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *l, *d, *p;
	struct p9_qid	 q;
	struct stat	 st, st2;
	char		 buf[64], small[4];

	mkfile(EXPDIR "/f", "x");
	root = attach(e, NULL);

	REQ_OK(lf_mkdir(root, "d", 0710, getgid(), &q));
	ATF_CHECK_EQ(q.type, P9_QTDIR);
	ATF_REQUIRE(stat(EXPDIR "/d", &st) == 0);
	ATF_CHECK(S_ISDIR(st.st_mode));
	ATF_CHECK_EQ(qpath_ino(q.path), (uint64_t)st.st_ino);
	REQ_ERR(lf_mkdir(root, "d", 0755, getgid(), &q), EEXIST);
	REQ_ERR(lf_mkdir(root, "..", 0755, getgid(), &q), EINVAL);
	f = walk(root, "f", NULL);
	REQ_ERR(lf_mkdir(f, "x", 0755, getgid(), &q), ENOTDIR);

	/* Symlink targets are opaque: dangling, absolute, anything. */
	REQ_OK(lf_symlink(root, "s", "../../outside/none", getgid(), &q));
	ATF_CHECK_EQ(q.type, P9_QTSYMLINK);
	ATF_REQUIRE(readlink(EXPDIR "/s", buf, sizeof(buf)) == 18);
	REQ_ERR(lf_symlink(root, "s", "x", getgid(), &q), EEXIST);
	l = walk(root, "s", NULL);
	memset(buf, 0, sizeof(buf));
	REQ_OK(lf_readlink(l, buf, sizeof(buf)));
	ATF_CHECK_STREQ(buf, "../../outside/none");
	REQ_ERR(lf_readlink(l, small, sizeof(small)), ENAMETOOLONG);
	REQ_ERR(lf_readlink(f, buf, sizeof(buf)), EINVAL);
	REQ_ERR(lf_readlink(root, buf, sizeof(buf)), EINVAL);

	/* mknod: FIFOs, sockets, plain files; devices only if allowed. */
	REQ_OK(lf_mknod(root, "fifo", P9_L_S_IFIFO | 0640, 0, 0, getgid(),
	    &q));
	ATF_REQUIRE(lstat(EXPDIR "/fifo", &st) == 0);
	ATF_CHECK(S_ISFIFO(st.st_mode));
	ATF_CHECK_EQ(st.st_mode & 07777, 0640);
	ATF_CHECK_EQ(qpath_ino(q.path), (uint64_t)st.st_ino);
	REQ_ERR(lf_mknod(root, "fifo", P9_L_S_IFIFO | 0640, 0, 0, getgid(),
	    &q), EEXIST);
	p = walk(root, "fifo", NULL);
	REQ_OK(lf_close(p));
	if (lf_mknod(root, "sock", P9_L_S_IFSOCK | 0600, 0, 0, getgid(),
	    &q) == 0) {
		ATF_REQUIRE(lstat(EXPDIR "/sock", &st) == 0);
		ATF_CHECK(S_ISSOCK(st.st_mode));
		p = walk(root, "sock", NULL);
		REQ_ERR(lf_open(p, P9_L_O_RDONLY, &q), EPERM);
		REQ_OK(lf_close(p));
	}
	REQ_OK(lf_mknod(root, "plain", P9_L_S_IFREG | 0600, 0, 0, getgid(),
	    &q));
	ATF_REQUIRE(lstat(EXPDIR "/plain", &st) == 0);
	ATF_CHECK(S_ISREG(st.st_mode));
	REQ_ERR(lf_mknod(root, "cdev", P9_L_S_IFCHR | 0600, 1, 3, getgid(),
	    &q), EPERM);
	REQ_ERR(lf_mknod(root, "bdev", P9_L_S_IFBLK | 0600, 1, 3, getgid(),
	    &q), EPERM);
	ATF_CHECK(lstat(EXPDIR "/cdev", &st) == -1 && errno == ENOENT);
	REQ_ERR(lf_mknod(root, "dir", P9_L_S_IFDIR | 0700, 0, 0, getgid(),
	    &q), EINVAL);

	/* Hard links: files and symlinks, never directories. */
	REQ_OK(lf_link(root, f, "f2"));
	ATF_REQUIRE(stat(EXPDIR "/f", &st) == 0);
	ATF_REQUIRE(stat(EXPDIR "/f2", &st2) == 0);
	ATF_CHECK_EQ(st.st_ino, st2.st_ino);
	ATF_CHECK_EQ(st.st_nlink, 2);
	REQ_ERR(lf_link(root, f, "f2"), EEXIST);
	REQ_OK(lf_link(root, l, "s2"));
	ATF_REQUIRE(lstat(EXPDIR "/s2", &st) == 0);
	ATF_CHECK(S_ISLNK(st.st_mode));
	d = walk(root, "d", NULL);
	REQ_ERR(lf_link(root, d, "d2"), EPERM);
	REQ_ERR(lf_link(f, f, "x"), ENOTDIR);
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(l));
	REQ_OK(lf_close(f));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(mknod_device);
ATF_TC_BODY(mknod_device, tc)
{
	struct export	*e = ex_setup(EXP_ALLOWDEV);
	struct lfile	*root;
	struct p9_qid	 q;
	struct stat	 st;
	int		 err;

	root = attach(e, NULL);
	err = lf_mknod(root, "null", P9_L_S_IFCHR | 0666, 1, 3, getgid(), &q);
	REQ_OK(lf_close(root));
	ex_done(e);
	if (err == EPERM)
		atf_tc_skip("no permission for device nodes here");
	REQ_OK(err);
	ATF_REQUIRE(lstat(EXPDIR "/null", &st) == 0);
	ATF_CHECK(S_ISCHR(st.st_mode));
	ATF_CHECK_EQ(major(st.st_rdev), 1);
	ATF_CHECK_EQ(minor(st.st_rdev), 3);
}

ATF_TC_WITHOUT_HEAD(rename);
ATF_TC_BODY(rename, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *d, *f, *c, *a, *b, *d2;
	struct p9_qid	 q;
	struct p9_fcall	 r;
	struct stat	 st;
	uint8_t		 buf[64];
	uint32_t	 n;
	int		 nq, err;

	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	ATF_REQUIRE(mkdir(EXPDIR "/other", 0755) == 0);
	mkfile(EXPDIR "/d/f", "content");
	root = attach(e, NULL);
	REQ_ERR(lf_rename(root, root, "x"), EBUSY);

	/* The fid is renamed: still usable, by fd and by name. */
	f = walk(root, "d/f", NULL);
	d = walk(root, "d", NULL);
	REQ_OK(lf_rename(f, d, "g"));
	ATF_CHECK(stat(EXPDIR "/d/g", &st) == 0);
	ATF_CHECK(stat(EXPDIR "/d/f", &st) == -1);
	ATF_CHECK_STREQ(f->lf_name, "g");
	r = getattr(f);
	ATF_CHECK_EQ(r.u.rgetattr.size, 7);
	REQ_OK(lf_walk(f, 0, NULL, NULL, &nq, &c));
	REQ_OK(lf_open(c, P9_L_O_RDONLY, &q));
	REQ_OK(lf_read(c, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 7);
	REQ_OK(lf_close(c));

	/* Its parent renamed and moved: the fid follows. */
	REQ_OK(lf_renameat(root, "d", root, "d2"));
	REQ_OK(lf_rename(d, root, "d3"));	/* d itself tracked too */
	ATF_CHECK(stat(EXPDIR "/d3/g", &st) == 0);
	r = getattr(f);
	ATF_CHECK_EQ(r.u.rgetattr.size, 7);
	REQ_OK(lf_open(f, P9_L_O_RDWR, &q));
	REQ_OK(lf_write(f, 7, "!", 1, &n));
	REQ_OK(lf_read(f, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 8);
	ATF_CHECK(memcmp(buf, "content!", 8) == 0);

	/* Renamed by renameat: its remove removes the new name. */
	d2 = walk(root, "d3", NULL);
	REQ_OK(lf_renameat(d2, "g", d2, "h"));
	ATF_CHECK_STREQ(f->lf_name, "h");
	ATF_CHECK(stat(EXPDIR "/d3/h", &st) == 0);
	REQ_OK(lf_remove(f));
	ATF_CHECK(stat(EXPDIR "/d3/h", &st) == -1 && errno == ENOENT);
	REQ_OK(lf_close(f));

	/* Across directories. */
	mkfile(EXPDIR "/d3/m", "m");
	f = walk(root, "d3/m", NULL);
	c = walk(root, "other", NULL);
	REQ_OK(lf_rename(f, c, "m2"));
	ATF_CHECK(stat(EXPDIR "/other/m2", &st) == 0);
	REQ_OK(lf_remove(f));
	ATF_CHECK(stat(EXPDIR "/other/m2", &st) == -1);
	REQ_OK(lf_close(f));

	/* Renamed over: the old file at the target loses its name. */
	mkfile(EXPDIR "/other/x", "x");
	mkfile(EXPDIR "/other/y", "y");
	a = walk(root, "other/x", NULL);
	b = walk(root, "other/y", NULL);
	REQ_OK(lf_rename(a, c, "y"));
	/* Its name is gone: ENOENT (unlinked) or ESTALE, never a remove. */
	err = lf_remove(b);
	ATF_CHECK_MSG(err == ENOENT || err == ESTALE, "remove: %s",
	    strerror(err));
	r = getattr(b);		/* still there by its fd */
	ATF_CHECK_EQ(r.u.rgetattr.nlink, 0);
	ATF_CHECK_STREQ(slurp(EXPDIR "/other/y"), "x");
	REQ_OK(lf_remove(a));
	ATF_CHECK(stat(EXPDIR "/other/y", &st) == -1);

	/* Errors. */
	REQ_ERR(lf_renameat(root, "nope", root, "x"), ENOENT);
	REQ_ERR(lf_renameat(root, "other", c, "inside"), EINVAL);
	REQ_ERR(lf_rename(a, a, "x"), ENOTDIR);
	REQ_ERR(lf_renameat(root, "..", root, "x"), EINVAL);
	REQ_OK(lf_close(a));
	REQ_OK(lf_close(b));
	REQ_OK(lf_close(c));
	REQ_OK(lf_close(d2));
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(unlink_remove);
ATF_TC_BODY(unlink_remove, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *d, *s;
	struct stat	 st;

	ATF_REQUIRE(mkdir(EXPDIR "/full", 0755) == 0);
	mkfile(EXPDIR "/full/x", NULL);
	ATF_REQUIRE(mkdir(EXPDIR "/empty", 0755) == 0);
	mkfile(EXPDIR "/f", NULL);
	ATF_REQUIRE(symlink("f", EXPDIR "/l") == 0);
	root = attach(e, NULL);

	REQ_ERR(lf_unlinkat(root, "full", P9_L_AT_REMOVEDIR), ENOTEMPTY);
	REQ_ERR(lf_unlinkat(root, "nope", 0), ENOENT);
	REQ_ERR(lf_unlinkat(root, "empty", 0), EISDIR);
	REQ_ERR(lf_unlinkat(root, "f", P9_L_AT_REMOVEDIR), ENOTDIR);
	REQ_ERR(lf_unlinkat(root, "f", 0x1), EINVAL);
	REQ_ERR(lf_unlinkat(root, "..", 0), EINVAL);
	REQ_OK(lf_unlinkat(root, "empty", P9_L_AT_REMOVEDIR));
	ATF_CHECK(stat(EXPDIR "/empty", &st) == -1);
	REQ_OK(lf_unlinkat(root, "l", 0));
	ATF_CHECK(lstat(EXPDIR "/l", &st) == -1);
	ATF_CHECK(stat(EXPDIR "/f", &st) == 0);

	REQ_ERR(lf_remove(root), EBUSY);
	d = walk(root, "full", NULL);
	REQ_ERR(lf_remove(d), ENOTEMPTY);
	s = walk(root, "full/x", NULL);
	REQ_OK(lf_remove(s));
	REQ_OK(lf_close(s));
	REQ_OK(lf_remove(d));
	ATF_CHECK(stat(EXPDIR "/full", &st) == -1);
	REQ_OK(lf_close(d));

	/* The name now holds another file: not ours to remove. */
	f = walk(root, "f", NULL);
	ATF_REQUIRE(rename(EXPDIR "/f", EXPDIR "/f.old") == 0);
	mkfile(EXPDIR "/f", NULL);
	REQ_ERR(lf_remove(f), ESTALE);
	ATF_CHECK(stat(EXPDIR "/f", &st) == 0);
	REQ_OK(lf_close(f));
	/* Already gone. */
	f = walk(root, "f", NULL);
	ATF_REQUIRE(unlink(EXPDIR "/f") == 0);
	REQ_ERR(lf_remove(f), ENOENT);
	REQ_OK(lf_close(f));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(statfs);
ATF_TC_BODY(statfs, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *l;
	struct p9_fcall	 r;
	struct statvfs	 sv;

	ATF_REQUIRE(symlink("x", EXPDIR "/l") == 0);
	root = attach(e, NULL);
	memset(&r, 0, sizeof(r));
	REQ_OK(lf_statfs(root, &r));
	ATF_REQUIRE(statvfs(EXPDIR, &sv) == 0);
	ATF_CHECK_EQ(r.u.rstatfs.type, P9_V9FS_MAGIC);
	ATF_CHECK_EQ(r.u.rstatfs.blocks, (uint64_t)sv.f_blocks);
	ATF_CHECK_EQ(r.u.rstatfs.files, (uint64_t)sv.f_files);
	ATF_CHECK_EQ(r.u.rstatfs.namelen, (uint32_t)sv.f_namemax);
	ATF_CHECK_EQ(r.u.rstatfs.fsid, (uint64_t)sv.f_fsid);
	ATF_CHECK(r.u.rstatfs.bsize > 0);
	/* A symlink without an fd of its own asks the export's file system. */
	l = walk(root, "l", NULL);
	memset(&r, 0, sizeof(r));
	REQ_OK(lf_statfs(l, &r));
	ATF_CHECK_EQ(r.u.rstatfs.blocks, (uint64_t)sv.f_blocks);
	REQ_OK(lf_close(l));
	REQ_OK(lf_close(root));
	ex_done(e);
}

/* Does the test's file system take user xattrs at all? */
static int
have_user_xattrs(void)
{
#ifdef HAVE_SYS_XATTR
	mkfile("xprobe", NULL);
	if (setxattr("xprobe", "user.probe", "1", 1, 0) == -1)
		return 0;
	(void)unlink("xprobe");
	return 1;
#else
	return 0;
#endif
}

static void
xset(struct lfile *root, const char *path, const char *attr,
    const char *val, uint32_t flags, int want)
{
	struct lfile	*f;
	uint32_t	 n;
	size_t		 len = strlen(val);

	f = walk(root, path, NULL);
	REQ_OK(lf_xattrcreate(f, attr, len, flags));
	if (len > 0) {
		REQ_OK(lf_write(f, 0, val, (uint32_t)len, &n));
		ATF_CHECK_EQ(n, len);
	}
	ATF_REQUIRE_MSG(lf_close(f) == want, "xattr set %s", attr);
}

ATF_TC_WITHOUT_HEAD(xattr);
ATF_TC_BODY(xattr, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *x;
	uint64_t	 size;
	char		 buf[256], *big;
	uint32_t	 n;
	int		 found;
	size_t		 i;

	if (!have_user_xattrs()) {
		ex_done(e);
		atf_tc_skip("the test directory's file system has no user "
		    "xattrs");
	}
	mkfile(EXPDIR "/f", NULL);
	root = attach(e, NULL);

	xset(root, "f", "user.color", "blue", 0, 0);
#ifdef HAVE_SYS_XATTR
	ATF_REQUIRE(getxattr(EXPDIR "/f", "user.color", buf, sizeof(buf)) ==
	    4);
	ATF_CHECK(memcmp(buf, "blue", 4) == 0);
#endif
	f = walk(root, "f", NULL);
	REQ_OK(lf_xattrwalk(f, "user.color", &x, &size));
	ATF_CHECK_EQ(size, 4);
	REQ_OK(lf_read(x, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 4);
	ATF_CHECK(memcmp(buf, "blue", 4) == 0);
	REQ_OK(lf_read(x, 2, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 2);
	REQ_OK(lf_read(x, 9, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 0);
	REQ_ERR(lf_write(x, 0, "x", 1, &n), EBADF);
	REQ_OK(lf_close(x));

	/* The list: NUL-separated names. */
	REQ_OK(lf_xattrwalk(f, "", &x, &size));
	ATF_REQUIRE(size > 0 && size < sizeof(buf));
	REQ_OK(lf_read(x, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, size);
	found = 0;
	for (i = 0; i < n; i += strlen(buf + i) + 1)
		if (strcmp(buf + i, "user.color") == 0)
			found = 1;
	ATF_CHECK(found);
	REQ_OK(lf_close(x));

	REQ_ERR(lf_xattrwalk(f, "user.absent", &x, &size), ENODATA);

	/* CREATE on an existing one, REPLACE on an absent one. */
	xset(root, "f", "user.color", "red", P9_XATTR_CREATE, EEXIST);
	xset(root, "f", "user.shape", "round", P9_XATTR_REPLACE, ENODATA);
	xset(root, "f", "user.color", "red", P9_XATTR_REPLACE, 0);
	REQ_OK(lf_xattrwalk(f, "user.color", &x, &size));
	ATF_CHECK_EQ(size, 3);
	REQ_OK(lf_close(x));

	/* Size 0 removes it. */
	xset(root, "f", "user.color", "", P9_XATTR_REPLACE, 0);
	REQ_ERR(lf_xattrwalk(f, "user.color", &x, &size), ENODATA);

	/* The buffer: in order, not past the declared size. */
	x = walk(root, "f", NULL);
	REQ_ERR(lf_xattrcreate(x, "user.a", 4, 0x10), EINVAL);
	REQ_ERR(lf_xattrcreate(x, "user.a", 64 * 1024 + 1, 0), E2BIG);
	REQ_ERR(lf_xattrcreate(x, "", 4, 0), EINVAL);
	REQ_OK(lf_xattrcreate(x, "user.a", 4, 0));
	REQ_ERR(lf_write(x, 1, "ab", 2, &n), EINVAL);
	REQ_OK(lf_write(x, 0, "ab", 2, &n));
	REQ_ERR(lf_write(x, 2, "cde", 3, &n), ERANGE);
	REQ_ERR(lf_read(x, 0, buf, sizeof(buf), &n), EBADF);
	/* Short of the declared size at clunk: not set. */
	REQ_ERR(lf_close(x), EINVAL);
	REQ_ERR(lf_xattrwalk(f, "user.a", &x, &size), ENODATA);

	/* A 64 KiB value is the most. */
	ATF_REQUIRE((big = malloc(64 * 1024)) != NULL);
	memset(big, 'v', 64 * 1024);
	x = walk(root, "f", NULL);
	if (lf_xattrcreate(x, "user.big", 64 * 1024, 0) == 0) {
		REQ_OK(lf_write(x, 0, big, 64 * 1024, &n));
		if (lf_close(x) == 0) {
			REQ_OK(lf_xattrwalk(f, "user.big", &x, &size));
			ATF_CHECK_EQ(size, 64 * 1024);
			REQ_OK(lf_close(x));
		}
	} else
		REQ_OK(lf_close(x));
	free(big);

	/* A user-mode export keeps clients out of privileged namespaces. */
	e->e_idmode = ID_USER;
	x = walk(root, "f", NULL);
	REQ_ERR(lf_xattrcreate(x, "security.capability", 4, 0), EPERM);
	REQ_ERR(lf_xattrcreate(x, "trusted.x", 4, 0), EPERM);
	REQ_OK(lf_close(x));
	e->e_idmode = ID_TRUSTED;

	/* trusted.* is hidden from a user-mode client, even in the list. */
#ifdef HAVE_SYS_XATTR
	if (setxattr(EXPDIR "/f", "trusted.secret", "s", 1, 0) == 0) {
		REQ_OK(lf_xattrwalk(f, "trusted.secret", &x, &size));
		ATF_CHECK_EQ(size, 1);
		REQ_OK(lf_close(x));
		e->e_idmode = ID_USER;
		REQ_ERR(lf_xattrwalk(f, "trusted.secret", &x, &size), ENODATA);
		REQ_OK(lf_xattrwalk(f, "", &x, &size));
		REQ_OK(lf_read(x, 0, buf, sizeof(buf), &n));
		ATF_CHECK_EQ(n, size);
		found = 0;
		for (i = 0; i < n; i += strlen(buf + i) + 1) {
			if (strcmp(buf + i, "trusted.secret") == 0)
				found |= 1;
			if (strcmp(buf + i, "user.big") == 0)
				found |= 2;
		}
		ATF_CHECK_EQ(found & 1, 0);
		REQ_OK(lf_close(x));
		e->e_idmode = ID_TRUSTED;
	}
#endif

	REQ_OK(lf_close(f));
	REQ_OK(lf_close(root));
	ex_done(e);
}

static struct p9_fcall
tlock(uint8_t type, uint64_t start, uint64_t len)
{
	struct p9_fcall	 t;

	memset(&t, 0, sizeof(t));
	t.u.tlock.type = type;
	t.u.tlock.flags = P9_LOCK_FLAGS_BLOCK;
	t.u.tlock.start = start;
	t.u.tlock.length = len;
	t.u.tlock.proc_id = 42;
	return t;
}

ATF_TC_WITHOUT_HEAD(locks);
ATF_TC_BODY(locks, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *a, *b, *u, *ro;
	struct p9_fcall	 t, g;
	uint8_t		 st;

	mkfile(EXPDIR "/f", "0123456789");
	root = attach(e, NULL);
	a = walk_open(root, "f", P9_L_O_RDWR);
	b = walk_open(root, "f", P9_L_O_RDWR);
	u = walk(root, "f", NULL);

	t = tlock(P9_LOCK_TYPE_WRLCK, 0, 0);
	REQ_ERR(lf_lock(u, u, &t, &st), EBADF);
	t = tlock(7, 0, 0);
	REQ_ERR(lf_lock(a, a, &t, &st), EINVAL);
	t = tlock(P9_LOCK_TYPE_WRLCK, UINT64_MAX, 0);
	REQ_ERR(lf_lock(a, a, &t, &st), EINVAL);

	t = tlock(P9_LOCK_TYPE_WRLCK, 0, 5);
	REQ_OK(lf_lock(a, a, &t, &st));
	ATF_CHECK_EQ(st, P9_LOCK_SUCCESS);
	/* Conflict: BLOCKED at once, even with the BLOCK flag. */
	t = tlock(P9_LOCK_TYPE_WRLCK, 2, 1);
	REQ_OK(lf_lock(b, b, &t, &st));
	ATF_CHECK_EQ(st, P9_LOCK_BLOCKED);
	t = tlock(P9_LOCK_TYPE_RDLCK, 0, 0);
	REQ_OK(lf_lock(b, b, &t, &st));
	ATF_CHECK_EQ(st, P9_LOCK_BLOCKED);
	/* Outside the range: fine. */
	t = tlock(P9_LOCK_TYPE_WRLCK, 5, 5);
	REQ_OK(lf_lock(b, b, &t, &st));
	ATF_CHECK_EQ(st, P9_LOCK_SUCCESS);

	/* getlock reports the holder. */
	memset(&g, 0, sizeof(g));
	g.u.getlock.type = P9_LOCK_TYPE_WRLCK;
	g.u.getlock.start = 0;
	g.u.getlock.length = 0;
	g.u.getlock.client_id = "me";
	REQ_OK(lf_getlock(b, b, &g));
	ATF_CHECK_EQ(g.u.getlock.type, P9_LOCK_TYPE_WRLCK);
	ATF_CHECK_EQ(g.u.getlock.start, 0);
	ATF_CHECK_EQ(g.u.getlock.length, 5);
	ATF_CHECK_STREQ(g.u.getlock.client_id, "me");
	REQ_ERR(lf_getlock(u, u, &g), EBADF);

	/* Unlock releases. */
	t = tlock(P9_LOCK_TYPE_UNLCK, 0, 0);
	REQ_OK(lf_lock(a, a, &t, &st));
	ATF_CHECK_EQ(st, P9_LOCK_SUCCESS);
	t = tlock(P9_LOCK_TYPE_WRLCK, 0, 5);
	REQ_OK(lf_lock(b, b, &t, &st));
	ATF_CHECK_EQ(st, P9_LOCK_SUCCESS);
	memset(&g, 0, sizeof(g));
	g.u.getlock.type = P9_LOCK_TYPE_RDLCK;
	g.u.getlock.start = 7;
	g.u.getlock.length = 1;
	REQ_OK(lf_getlock(a, a, &g));
	ATF_CHECK_EQ(g.u.getlock.type, P9_LOCK_TYPE_WRLCK);
	/* b's two ranges may come back merged: it covers byte 7. */
	ATF_CHECK(g.u.getlock.start <= 7);
	ATF_CHECK(g.u.getlock.length == 0 ||
	    g.u.getlock.start + g.u.getlock.length > 7);

	/* Closing an lfile drops its locks. */
	REQ_OK(lf_close(b));
	t = tlock(P9_LOCK_TYPE_WRLCK, 0, 0);
	REQ_OK(lf_lock(a, a, &t, &st));
	ATF_CHECK_EQ(st, P9_LOCK_SUCCESS);
	memset(&g, 0, sizeof(g));
	g.u.getlock.type = P9_LOCK_TYPE_WRLCK;
	REQ_OK(lf_getlock(a, a, &g));
	ATF_CHECK_EQ(g.u.getlock.type, P9_LOCK_TYPE_UNLCK);

	/* A write lock needs a file open for writing. */
	ro = walk_open(root, "f", P9_L_O_RDONLY);
	t = tlock(P9_LOCK_TYPE_WRLCK, 100, 1);
	REQ_ERR(lf_lock(ro, ro, &t, &st), EBADF);
	REQ_OK(lf_close(ro));
	REQ_OK(lf_close(a));
	REQ_OK(lf_close(u));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(readonly);
ATF_TC_BODY(readonly, tc)
{
	struct export	*e, rw;
	struct lfile	*root, *f, *d, *x, *l;
	struct p9_qid	 q;
	struct p9_fcall	 t;
	uint8_t		 buf[16];
	uint32_t	 n;
	uint64_t	 size;

	ATF_REQUIRE(mkdir(EXPDIR, 0755) == 0);
	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	mkfile(EXPDIR "/f", "data");
	e = ex_setup_flags(&ex, EXP_RO);
	root = attach(e, NULL);
	f = walk(root, "f", NULL);
	d = walk(root, "d", NULL);
	memset(&t, 0, sizeof(t));
	t.u.tsetattr.mode = 0600;

	setattr(f, P9_SETATTR_MODE, &t, EROFS);
	REQ_ERR(lf_open(f, P9_L_O_WRONLY, &q), EROFS);
	REQ_ERR(lf_open(f, P9_L_O_RDWR, &q), EROFS);
	REQ_ERR(lf_open(f, P9_L_O_RDONLY | P9_L_O_TRUNC, &q), EROFS);
	REQ_ERR(lf_create(d, "n", P9_L_O_RDWR, 0644, getgid(), &q), EROFS);
	REQ_ERR(lf_mkdir(d, "n", 0755, getgid(), &q), EROFS);
	REQ_ERR(lf_symlink(d, "n", "x", getgid(), &q), EROFS);
	REQ_ERR(lf_mknod(d, "n", P9_L_S_IFIFO | 0644, 0, 0, getgid(), &q),
	    EROFS);
	REQ_ERR(lf_link(d, f, "n"), EROFS);
	REQ_ERR(lf_rename(f, d, "n"), EROFS);
	REQ_ERR(lf_renameat(root, "f", d, "n"), EROFS);
	REQ_ERR(lf_unlinkat(root, "f", 0), EROFS);
	REQ_ERR(lf_remove(f), EROFS);
	REQ_ERR(lf_xattrcreate(f, "user.x", 1, 0), EROFS);
	/* Reading is fine. */
	REQ_OK(lf_open(f, P9_L_O_RDONLY, &q));
	REQ_OK(lf_read(f, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 4);
	REQ_ERR(lf_write(f, 0, "x", 1, &n), EBADF);
	if (lf_xattrwalk(f, "", &x, &size) == 0)
		REQ_OK(lf_close(x));
	ATF_CHECK_STREQ(slurp(EXPDIR "/f"), "data");
	ATF_CHECK(access(EXPDIR "/d/n", F_OK) == -1);
	REQ_OK(lf_close(f));
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(root));
	ex_done(e);

	/* The same tree read-write: the calls above would have worked. */
	e = ex_setup_flags(&rw, 0);
	root = attach(e, NULL);
	l = walk(root, "d", NULL);
	REQ_OK(lf_mkdir(l, "n", 0755, getgid(), &q));
	REQ_OK(lf_close(l));
	REQ_OK(lf_close(root));
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(unlinked_open);
ATF_TC_BODY(unlinked_open, tc)
{
	struct export	*e = ex_setup(0);
	struct lfile	*root, *f, *g;
	struct p9_fcall	 r, t;
	uint8_t		 buf[64];
	uint32_t	 n;

	mkfile(EXPDIR "/f", "before");
	root = attach(e, NULL);
	f = walk_open(root, "f", P9_L_O_RDWR);
	g = walk(root, "f", NULL);
	ATF_REQUIRE(unlink(EXPDIR "/f") == 0);

	r = getattr(f);
	ATF_CHECK_EQ(r.u.rgetattr.nlink, 0);
	ATF_CHECK_EQ(r.u.rgetattr.size, 6);
	r = getattr(g);		/* unopened: its control fd */
	ATF_CHECK_EQ(r.u.rgetattr.nlink, 0);
	REQ_OK(lf_write(f, 6, "+after", 6, &n));
	REQ_OK(lf_read(f, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 12);
	ATF_CHECK(memcmp(buf, "before+after", 12) == 0);
	REQ_OK(lf_fsync(f, 0));

	memset(&t, 0, sizeof(t));
	t.u.tsetattr.size = 3;
	t.u.tsetattr.mode = 0600;
	t.u.tsetattr.mtime_sec = 1234567890;
	setattr(f, P9_SETATTR_SIZE | P9_SETATTR_MODE | P9_SETATTR_MTIME |
	    P9_SETATTR_MTIME_SET, &t, 0);
	r = getattr(f);
	ATF_CHECK_EQ(r.u.rgetattr.size, 3);
	ATF_CHECK_EQ(r.u.rgetattr.mode & 07777, 0600);
	ATF_CHECK_EQ(r.u.rgetattr.mtime_sec, 1234567890);
	REQ_ERR(lf_remove(f), ENOENT);
	REQ_OK(lf_close(g));
	REQ_OK(lf_close(f));
	REQ_OK(lf_close(root));
	ex_done(e);
}

struct race {
	struct lfile	*r_root;
	struct lfile	*r_f;
	atomic_int	 r_stop;
	atomic_int	 r_ops;
	int		 r_err;
};

/* A reader: getattr, clone, open, read, close, as fast as it can. */
static void *
race_reader(void *arg)
{
	struct race	*ra = arg;
	struct lfile	*c;
	struct p9_fcall	 r;
	struct p9_qid	 q;
	uint8_t		 buf[16];
	uint32_t	 n;
	int		 nq, err;

	while (!atomic_load(&ra->r_stop)) {
		memset(&r, 0, sizeof(r));
		if ((err = lf_getattr(ra->r_f, P9_GETATTR_BASIC, &r)) != 0 ||
		    r.u.rgetattr.size != 5) {
			ra->r_err = err != 0 ? err : EIO;
			break;
		}
		if ((err = lf_walk(ra->r_f, 0, NULL, NULL, &nq, &c)) != 0) {
			ra->r_err = err;
			break;
		}
		/* By name (portable) a rename may win the race: fine. */
		err = lf_open(c, P9_L_O_RDONLY, &q);
		if (err == 0 && (err = lf_read(c, 0, buf, sizeof(buf),
		    &n)) == 0 && n != 5)
			err = EIO;
		(void)lf_close(c);
		if (err != 0 && err != ENOENT && err != ESTALE) {
			ra->r_err = err;
			break;
		}
		atomic_fetch_add(&ra->r_ops, 1);
	}
	return NULL;
}

/* Two lfiles of two exports: EXDEV, as between two mounts. */
ATF_TC_WITHOUT_HEAD(cross_export);
ATF_TC_BODY(cross_export, tc)
{
	struct export	*e = ex_setup(0), e2;
	struct lfile	*root, *root2, *f, *g;
	struct stat	 st;

	mkfile(EXPDIR "/f", "rw");
	ATF_REQUIRE(mkdir("exp2", 0755) == 0);
	mkfile("exp2/g", "ro");
	memset(&e2, 0, sizeof(e2));
	e2.e_aname = "exp2";
	e2.e_path = "exp2";
	e2.e_flags = EXP_RO;
	e2.e_idmode = ID_TRUSTED;
	e2.e_rootfd = open("exp2", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ATF_REQUIRE(e2.e_rootfd != -1);
	REQ_OK(lf_export_init(&e2));
	root = attach(e, NULL);
	root2 = attach(&e2, NULL);
	f = walk(root, "f", NULL);
	g = walk(root2, "g", NULL);
	REQ_ERR(lf_link(root, g, "hl"), EXDEV);
	REQ_ERR(lf_link(root2, f, "hl"), EROFS);
	REQ_ERR(lf_rename(f, root2, "moved"), EXDEV);
	REQ_ERR(lf_rename(g, root, "moved"), EXDEV);
	REQ_ERR(lf_renameat(root, "f", root2, "moved"), EXDEV);
	REQ_ERR(lf_renameat(root2, "g", root, "moved"), EXDEV);
	ATF_CHECK(stat(EXPDIR "/hl", &st) == -1);
	ATF_CHECK(stat(EXPDIR "/moved", &st) == -1);
	ATF_CHECK(stat("exp2/moved", &st) == -1);
	ATF_CHECK(stat("exp2/hl", &st) == -1);
	ATF_CHECK_STREQ(slurp(EXPDIR "/f"), "rw");
	ATF_CHECK_STREQ(slurp("exp2/g"), "ro");
	/* Inside one export the same calls still work. */
	REQ_OK(lf_renameat(root, "f", root, "f2"));
	REQ_OK(lf_close(g));
	REQ_OK(lf_close(f));
	REQ_OK(lf_close(root2));
	REQ_OK(lf_close(root));
	lf_export_free(&e2);
	close(e2.e_rootfd);
	ex_done(e);
}

ATF_TC_WITHOUT_HEAD(rename_race);
ATF_TC_BODY(rename_race, tc)
{
	struct export	*e = ex_setup(0);
	struct race	 ra[3];
	pthread_t	 th[3];
	struct stat	 st;
	int		 i, j;

	mkfile(EXPDIR "/a", "hello");
	memset(ra, 0, sizeof(ra));
	for (i = 0; i < 3; i++) {
		atomic_init(&ra[i].r_stop, 0);
		atomic_init(&ra[i].r_ops, 0);
	}
	ra[0].r_root = attach(e, NULL);
	ra[0].r_f = walk(ra[0].r_root, "a", NULL);
	for (i = 0; i < 3; i++) {
		ra[i].r_root = ra[0].r_root;
		ra[i].r_f = ra[0].r_f;
		ATF_REQUIRE(pthread_create(&th[i], NULL, race_reader,
		    &ra[i]) == 0);
	}
	/*
	 * Renames on this thread while the readers use the same lfile,
	 * until each reader has done some work under them.
	 */
	for (j = 0; j < 2000 || atomic_load(&ra[0].r_ops) +
	    atomic_load(&ra[1].r_ops) + atomic_load(&ra[2].r_ops) < 300; j++) {
		ATF_REQUIRE(j < 2000000);
		REQ_OK(lf_renameat(ra[0].r_root, j % 2 ? "b" : "a",
		    ra[0].r_root, j % 2 ? "a" : "b"));
	}
	if (j % 2) {
		REQ_OK(lf_renameat(ra[0].r_root, "b", ra[0].r_root, "a"));
		j++;
	}
	for (i = 0; i < 3; i++)
		atomic_store(&ra[i].r_stop, 1);
	for (i = 0; i < 3; i++) {
		ATF_REQUIRE(pthread_join(th[i], NULL) == 0);
		ATF_CHECK_MSG(ra[i].r_err == 0, "reader %d: %s", i,
		    strerror(ra[i].r_err));
	}
	/* An even number of renames: back at "a", and the lfile knows it. */
	ATF_CHECK_STREQ(ra[0].r_f->lf_name, "a");
	REQ_OK(lf_remove(ra[0].r_f));
	ATF_CHECK(stat(EXPDIR "/a", &st) == -1 && errno == ENOENT);
	REQ_OK(lf_close(ra[0].r_f));
	REQ_OK(lf_close(ra[0].r_root));
	ex_done(e);
}

/*
 * lf_read_cached, the loop thread's read: what the page cache holds in
 * full, the tail of the file at its end, nothing past it; EAGAIN (for a
 * worker) for what is not a plain open regular file, or not cached.
 */
ATF_TC_WITHOUT_HEAD(read_cached);
ATF_TC_BODY(read_cached, tc)
{
	struct lfile	*root, *lf, *d, *w;
	char		 buf[64];
	uint32_t	 n;
	int		 err;
#ifdef HAVE_RWF_NOWAIT
	int		 fd;
#endif

	ex_setup(0);
	mkfile(EXPDIR "/f", "0123456789");
	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	root = attach(&ex, NULL);
	lf = walk_open(root, "f", P9_L_O_RDONLY);
	w = walk_open(root, "f", P9_L_O_WRONLY);
	d = walk_open(root, "d", P9_L_O_RDONLY);

	/* Just written: cached, where the host can tell. */
	err = lf_read_cached(lf, 2, buf, 4, &n);
#ifdef HAVE_RWF_NOWAIT
	REQ_OK(err);
	ATF_CHECK_EQ(n, 4);
	ATF_CHECK(memcmp(buf, "2345", 4) == 0);
	/* Across the end: the tail, a short count that is the truth. */
	REQ_OK(lf_read_cached(lf, 6, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 4);
	ATF_CHECK(memcmp(buf, "6789", 4) == 0);
	REQ_OK(lf_read_cached(lf, 100, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 0);
	/* Dropped from the cache (if the file system lets us): a worker's. */
	fd = open(EXPDIR "/f", O_RDONLY);
	ATF_REQUIRE(fd != -1);
	if (fdatasync(fd) == 0 &&
	    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0) {
		err = lf_read_cached(lf, 0, buf, 4, &n);
		ATF_CHECK_MSG(err == 0 || err == EAGAIN, "got %s",
		    strerror(err));
		if (err == 0)
			ATF_CHECK(memcmp(buf, "0123", 4) == 0);
	}
	close(fd);
#else
	/* No way to read without waiting: always the worker's. */
	REQ_ERR(err, EAGAIN);
#endif
	/* Not for the cache path at all, or an error to reply with. */
	REQ_ERR(lf_read_cached(d, 0, buf, sizeof(buf), &n), EAGAIN);
	REQ_ERR(lf_read_cached(root, 0, buf, sizeof(buf), &n), EAGAIN);
#ifdef HAVE_RWF_NOWAIT
	REQ_ERR(lf_read_cached(w, 0, buf, sizeof(buf), &n), EBADF);
#endif
	/* Whatever the answer, lf_read agrees with the file. */
	REQ_OK(lf_read(lf, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 10);
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(w));
	REQ_OK(lf_close(lf));
	REQ_OK(lf_close(root));
	ex_done(&ex);
}

/*
 * The export for the mapped-read cases: f holds want (byte i is
 * i * 7 + 3), opened for reading (*lf) and for writing (*w); d is an
 * open directory.
 */
static void
map_fixture(uint8_t *want, size_t len, struct lfile **root,
    struct lfile **lf, struct lfile **w, struct lfile **d)
{
	size_t	 i;
	int	 fd;

	for (i = 0; i < len; i++)
		want[i] = (uint8_t)(i * 7 + 3);
	ex_setup(0);
	fd = open(EXPDIR "/f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE(write(fd, want, len) == (ssize_t)len);
	close(fd);
	ATF_REQUIRE(mkdir(EXPDIR "/d", 0755) == 0);
	*root = attach(&ex, NULL);
	*lf = walk_open(*root, "f", P9_L_O_RDONLY);
	*w = walk_open(*root, "f", P9_L_O_WRONLY);
	*d = walk_open(*root, "d", P9_L_O_RDONLY);
}

/*
 * lf_map, a large read's bytes straight from the page cache: what the
 * file holds from any offset, up to its end and no further; EAGAIN (read
 * it the usual way) at or past the end, for what is not a regular file
 * open for reading, or where nothing can be mapped.  lf_map_rest, the
 * part of a mapped reply the socket did not take: the file's bytes, and
 * zeros for what a truncate on the host took away meanwhile.
 */
ATF_TC_WITHOUT_HEAD(map_read);
ATF_TC_BODY(map_read, tc)
{
	struct lfile	*root, *lf, *d, *w;
	struct lfmap	 m;
	uint8_t		 want[3 * 4096 + 100], buf[sizeof(want)];
	int		 err;
#ifdef HAVE_MINCORE
	size_t		 i, nz;
	uint64_t	 at;
#endif

	map_fixture(want, sizeof(want), &root, &lf, &w, &d);

	REQ_ERR(lf_map(d, 0, 4096, &m), EAGAIN);
	ATF_CHECK(m.m_base == NULL);
	REQ_ERR(lf_map(w, 0, 4096, &m), EAGAIN);
	REQ_ERR(lf_map(root, 0, 4096, &m), EAGAIN);
	REQ_ERR(lf_map(lf, sizeof(want), 4096, &m), EAGAIN);
	REQ_ERR(lf_map(lf, UINT64_MAX - 10, 4096, &m), EAGAIN);
	lf_unmap(&m);		/* nothing mapped: nothing done */

	err = lf_map(lf, 4096 + 5, 2 * 4096, &m);
#ifdef HAVE_MINCORE
	/* Just written, so in the page cache; from mid-page. */
	REQ_OK(err);
	ATF_CHECK_EQ(m.m_n, 2 * 4096);
	ATF_CHECK(memcmp(m.m_data, want + 4096 + 5, m.m_n) == 0);
	lf_unmap(&m);
	ATF_CHECK(m.m_base == NULL);
	/* A count past the end: up to the end. */
	at = 2 * 4096 + 1;
	REQ_OK(lf_map(lf, at, 1 << 20, &m));
	ATF_CHECK_EQ(m.m_n, sizeof(want) - at);
	ATF_CHECK(memcmp(m.m_data, want + at, m.m_n) == 0);
	/* The file shrinks on the host while the reply is out; the rest,
	 * from 10 bytes in, is the file up to its new end, then zeros.
	 * The mapping itself is not touched again (SIGBUS past the end). */
	ATF_REQUIRE(truncate(EXPDIR "/f", (off_t)at + 50) == 0);
	memset(buf, 0xff, sizeof(buf));
	REQ_OK(lf_map_rest(lf, at + 10, buf, m.m_n - 10));
	ATF_CHECK(memcmp(buf, want + at + 10, 40) == 0);
	for (i = 40, nz = 0; i < m.m_n - 10; i++)
		nz += buf[i] != 0;
	ATF_CHECK_EQ(nz, 0);
	lf_unmap(&m);
#else
	/* No way to know what is in memory: never mapped. */
	REQ_ERR(err, EAGAIN);
	ATF_CHECK(m.m_base == NULL);
#endif
	/* Whole, the rest is just the file; an error is the reply's. */
	memset(buf, 0xff, sizeof(buf));
	REQ_OK(lf_map_rest(lf, 3, buf, 20));
	ATF_CHECK(memcmp(buf, want + 3, 20) == 0);
	REQ_ERR(lf_map_rest(w, 0, buf, 20), EBADF);
	REQ_ERR(lf_map_rest(d, 0, buf, 20), EISDIR);
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(w));
	REQ_OK(lf_close(lf));
	REQ_OK(lf_close(root));
	ex_done(&ex);
}

/*
 * lf_window, a large read's bytes in a window on the file: what the file
 * holds from any offset, up to its end and no further; EAGAIN (read it
 * the usual way, which reports any error) at or past the end, for what
 * is not a regular file open for reading, and, for the event loop
 * (maywait 0), until a worker has mapped a window.  One window serves
 * every read inside it and outlives the lfile while a reply holds it.
 */
ATF_TC_WITHOUT_HEAD(window_read);
ATF_TC_BODY(window_read, tc)
{
	struct lfile	*root, *lf, *d, *w;
	struct lfwin	 a, b;
	uint8_t		 want[3 * 4096 + 100], buf[sizeof(want)];

	map_fixture(want, sizeof(want), &root, &lf, &w, &d);

	REQ_ERR(lf_window(d, 0, 4096, 1, &a), EAGAIN);
	ATF_CHECK(a.w_win == NULL);
	/* Write-only: no window, so the read gets its EBADF. */
	REQ_ERR(lf_window(w, 0, 4096, 1, &a), EAGAIN);
	REQ_ERR(lf_window(root, 0, 4096, 1, &a), EAGAIN);
	REQ_ERR(lf_window(lf, sizeof(want), 4096, 1, &a), EAGAIN);
	REQ_ERR(lf_window(lf, UINT64_MAX - 10, 4096, 1, &a), EAGAIN);
	/* The loop maps nothing itself. */
	REQ_ERR(lf_window(lf, 0, 4096, 0, &a), EAGAIN);
	ATF_CHECK(lf->lf_win == NULL);

	/* A worker maps a window; from mid-page, clamped at the end. */
	REQ_OK(lf_window(lf, 4096 + 5, 1 << 20, 1, &a));
	ATF_CHECK_EQ(a.w_n, sizeof(want) - 4096 - 5);
	ATF_CHECK_EQ(compat_copy_safe(buf, a.w_data, a.w_n), 0);
	ATF_CHECK(memcmp(buf, want + 4096 + 5, a.w_n) == 0);
	ATF_CHECK(lf->lf_win == a.w_win);
#ifdef HAVE_MINCORE
	/* Now the loop gets the same window: the pages are cached. */
	REQ_OK(lf_window(lf, 7, 2 * 4096, 0, &b));
	ATF_CHECK(b.w_win == a.w_win);
	ATF_CHECK_EQ(b.w_n, 2 * 4096);
	ATF_CHECK_EQ(compat_copy_safe(buf, b.w_data, b.w_n), 0);
	ATF_CHECK(memcmp(buf, want + 7, b.w_n) == 0);
	mapwin_put(b.w_win);
#endif
	/* A read across the window's end gets none. */
	REQ_ERR(lf_window(lf, MAPWIN_SIZE - 10, 4096, 1, &b), EAGAIN);
	/* Closed with a reply still holding the window: it stays mapped
	 * until that reply lets go. */
	REQ_OK(lf_close(lf));
	ATF_CHECK_EQ(compat_copy_safe(buf, a.w_data, 16), 0);
	ATF_CHECK(memcmp(buf, want + 4096 + 5, 16) == 0);
	mapwin_put(a.w_win);
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(w));
	REQ_OK(lf_close(root));
	ex_done(&ex);
}

/*
 * One window per file: a second fid on the same file gets the first
 * one's window; it maps the file's size (a page), not MAPWIN_SIZE; a
 * read past its end after the file grew maps a new one, which the
 * other fids then share; every window goes with the last reference.
 */
ATF_TC_WITHOUT_HEAD(window_shared);
ATF_TC_BODY(window_shared, tc)
{
	struct lfile	*root, *lf, *lf2, *d, *w;
	struct lfwin	 a, b, c;
	uint8_t		 want[100], buf[8192];
	uint64_t	 bytes;
	long		 pg = sysconf(_SC_PAGESIZE);
	int		 n0, n, fd;

	mapwin_stats(&n0, &bytes);
	map_fixture(want, sizeof(want), &root, &lf, &w, &d);
	lf2 = walk_open(root, "f", P9_L_O_RDONLY);

	REQ_OK(lf_window(lf, 0, 1 << 20, 1, &a));
	ATF_CHECK_EQ(a.w_n, sizeof(want));
	ATF_CHECK_EQ(a.w_win->mw_len, (size_t)pg);
	REQ_OK(lf_window(lf2, 10, 1 << 20, 1, &b));
	ATF_CHECK_MSG(b.w_win == a.w_win, "a second window on one file");
	ATF_CHECK(lf2->lf_win == a.w_win);
	ATF_CHECK_EQ(compat_copy_safe(buf, b.w_data, b.w_n), 0);
	ATF_CHECK(memcmp(buf, want + 10, b.w_n) == 0);
	mapwin_stats(&n, &bytes);
	ATF_CHECK_EQ(n, n0 + 1);
	mapwin_put(b.w_win);

	/* Grown past the window's end: a new window for the new bytes. */
	fd = open(EXPDIR "/f", O_WRONLY | O_APPEND);
	ATF_REQUIRE(fd != -1);
	memset(buf, 'g', sizeof(buf));
	ATF_REQUIRE(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	close(fd);
	REQ_OK(lf_window(lf2, (uint64_t)pg + 1, 1 << 20, 1, &c));
	ATF_CHECK(c.w_win != a.w_win);
	ATF_CHECK_EQ(c.w_n, sizeof(want) + sizeof(buf) - (size_t)pg - 1);
	ATF_CHECK_EQ(compat_copy_safe(buf, c.w_data, c.w_n), 0);
	ATF_CHECK_EQ(buf[0], 'g');
	mapwin_put(c.w_win);
	/* lf's old window still reads; lf moves to the file's new one. */
	ATF_CHECK_EQ(compat_copy_safe(buf, a.w_data, 16), 0);
	ATF_CHECK(memcmp(buf, want, 16) == 0);
	mapwin_put(a.w_win);
	REQ_OK(lf_window(lf, (uint64_t)pg, 4096, 1, &a));
	ATF_CHECK(a.w_win == c.w_win);
	mapwin_put(a.w_win);
	mapwin_stats(&n, &bytes);
	ATF_CHECK_EQ(n, n0 + 1);

	REQ_OK(lf_close(lf));
	REQ_OK(lf_close(lf2));
	mapwin_stats(&n, &bytes);
	ATF_CHECK_EQ(n, n0);
	REQ_OK(lf_close(d));
	REQ_OK(lf_close(w));
	REQ_OK(lf_close(root));
	ex_done(&ex);
}

/*
 * lf_walk_cached, the loop thread's walk: the same answers as lf_walk
 * where the kernel's lookup cache has them, EAGAIN (for a worker, having
 * made nothing) for "..", and always EAGAIN where the host cannot look
 * up from the cache only.
 */
ATF_TC_WITHOUT_HEAD(walk_cached);
ATF_TC_BODY(walk_cached, tc)
{
	struct p9_qid	 qids[P9_MAXWELEM], q2[P9_MAXWELEM];
	struct lfile	*root, *nlf, *ref;
	struct stat	 st;
	char		*names[3] = { "a", "b", "f" };
	char		*up[2] = { "a", ".." };
	char		*missing[2] = { "a", "nope" };
	char		*dot[1] = { "." };
	int		 nq, err;

	ex_setup(0);
	ATF_REQUIRE(mkdir(EXPDIR "/a", 0755) == 0);
	ATF_REQUIRE(mkdir(EXPDIR "/a/b", 0755) == 0);
	mkfile(EXPDIR "/a/b/f", "x");
	ATF_REQUIRE(stat(EXPDIR "/a/b/f", &st) == 0);	/* now cached */
	root = attach(&ex, NULL);

	err = lf_walk_cached(root, 3, names, qids, &nq, &nlf);
#if defined(HAVE_OPENAT2_CACHED) && defined(HAVE_O_PATH)
	REQ_OK(err);
	ATF_REQUIRE(nlf != NULL);
	ATF_CHECK_EQ(nq, 3);
	ATF_CHECK_EQ(qpath_ino(qids[2].path), (uint64_t)st.st_ino);
	REQ_OK(lf_walk(root, 3, names, q2, &nq, &ref));
	for (nq = 0; nq < 3; nq++) {
		ATF_CHECK_EQ(qids[nq].type, q2[nq].type);
		ATF_CHECK_EQ(qids[nq].path, q2[nq].path);
	}
	/* The walked file is a full lfile: it reads like lf_walk's. */
	ATF_CHECK_EQ(getattr(nlf).u.rgetattr.qid.path,
	    getattr(ref).u.rgetattr.qid.path);
	REQ_OK(lf_close(ref));
	REQ_OK(lf_close(nlf));
	/* A missing name the cache knows about fails like lf_walk. */
	ATF_REQUIRE(stat(EXPDIR "/a/nope", &st) == -1);
	err = lf_walk_cached(root, 2, missing, qids, &nq, &nlf);
	ATF_CHECK_MSG(err == ENOENT || err == EAGAIN, "got %s",
	    strerror(err));
	ATF_CHECK(nlf == NULL);
	/* "." alone is the start itself. */
	REQ_OK(lf_walk_cached(root, 1, dot, qids, &nq, &nlf));
	ATF_CHECK_EQ(nq, 1);
	REQ_OK(lf_close(nlf));
#else
	(void)q2;
	(void)ref;
	(void)missing;
	(void)dot;
	REQ_ERR(err, EAGAIN);
	ATF_CHECK(nlf == NULL);
	ATF_CHECK_EQ(nq, 0);
#endif
	/* ".." is always a worker's. */
	REQ_ERR(lf_walk_cached(root, 2, up, qids, &nq, &nlf), EAGAIN);
	ATF_CHECK(nlf == NULL);
	ATF_CHECK_EQ(nq, 0);
	REQ_OK(lf_close(root));
	ex_done(&ex);
}

/*
 * lf_close_nowait, the loop thread's Tclunk: EAGAIN, with the lfile
 * untouched, while the file table's lock is held elsewhere (a worker's
 * rename); a real close once it is free.
 */
ATF_TC_WITHOUT_HEAD(close_nowait);
ATF_TC_BODY(close_nowait, tc)
{
	struct lfile	*root, *lf;
	char		 buf[8];
	uint32_t	 n;

	ex_setup(0);
	mkfile(EXPDIR "/f", "abc");
	root = attach(&ex, NULL);
	lf = walk_open(root, "f", P9_L_O_RDONLY);
	ATF_REQUIRE(pthread_mutex_lock(&ex.e_filelock) == 0);
	REQ_ERR(lf_close_nowait(lf), EAGAIN);
	ATF_REQUIRE(pthread_mutex_unlock(&ex.e_filelock) == 0);
	/* Still open and usable. */
	REQ_OK(lf_read(lf, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 3);
	REQ_OK(lf_close_nowait(lf));
	REQ_OK(lf_close(root));
	ex_done(&ex);
}

/*
 * The loop does not close a file opened on a file system whose close(2)
 * may wait on a server (NFS, SMB, FUSE): lf_close_nowait says EAGAIN and
 * a worker closes it.  procfs stands in for such a file system here (it
 * is not on compat_fs_local's list); the export's own ext4 or tmpfs file
 * closes on the loop.
 */
ATF_TC_WITHOUT_HEAD(close_nowait_remote);
ATF_TC_BODY(close_nowait_remote, tc)
{
	struct export	 pe;
	struct lfile	*root, *lf;
	struct p9_qid	 q;
	char		 buf[64];
	uint32_t	 n;

#ifndef __linux__
	atf_tc_skip("needs Linux procfs as a non-local file system");
#endif
	ex_setup(0);
	if (!compat_fs_local(ex.e_rootfd))
		atf_tc_skip("the work directory is not on a local file system");
	mkfile(EXPDIR "/f", "abc");
	root = attach(&ex, NULL);
	lf = walk_open(root, "f", P9_L_O_RDONLY);
	REQ_OK(lf_close_nowait(lf));
	REQ_OK(lf_close(root));
	ex_done(&ex);

	memset(&pe, 0, sizeof(pe));
	pe.e_aname = "/proc/sys/kernel";
	pe.e_path = "/proc/sys/kernel";
	pe.e_idmode = ID_TRUSTED;
	pe.e_rootfd = open(pe.e_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ATF_REQUIRE_MSG(pe.e_rootfd != -1, "open /proc/sys/kernel: %s",
	    strerror(errno));
	ATF_REQUIRE(!compat_fs_local(pe.e_rootfd));
	REQ_OK(lf_export_init(&pe));
	root = attach(&pe, NULL);
	lf = walk(root, "ostype", NULL);
	/* Walked only: a path-only fd has nothing to flush; the portable
	 * build's control fd is a real open file and waits like one. */
	if (compat_ctl_is_path())
		REQ_OK(lf_close_nowait(lf));
	else {
		REQ_ERR(lf_close_nowait(lf), EAGAIN);
		REQ_OK(lf_close(lf));
	}
	lf = walk(root, "ostype", NULL);
	REQ_OK(lf_open(lf, P9_L_O_RDONLY, &q));
	REQ_ERR(lf_close_nowait(lf), EAGAIN);
	/* Untouched: still open and readable, then a worker's close. */
	REQ_OK(lf_read(lf, 0, buf, sizeof(buf), &n));
	ATF_CHECK(n > 0 && memcmp(buf, "Linux", 5) == 0);
	REQ_OK(lf_close(lf));
	REQ_OK(lf_close(root));
	lf_export_free(&pe);
	close(pe.e_rootfd);
}

/*
 * The last close of a file that has no name left frees its blocks,
 * which takes seconds for a file of many extents: lf_close_nowait says
 * EAGAIN for it, with the lfile untouched, whether it was opened or
 * only walked to, and a worker closes it.  A file that kept a name
 * (another link) closes on the loop.
 */
ATF_TC_WITHOUT_HEAD(close_nowait_unlinked);
ATF_TC_BODY(close_nowait_unlinked, tc)
{
	struct lfile	*root, *lf, *w, *k;
	char		 buf[8];
	uint32_t	 n;

	ex_setup(0);
	mkfile(EXPDIR "/f", "abc");
	mkfile(EXPDIR "/g", "xyz");
	mkfile(EXPDIR "/k", "kept");
	ATF_REQUIRE(link(EXPDIR "/k", EXPDIR "/k2") == 0);
	root = attach(&ex, NULL);
	lf = walk_open(root, "f", P9_L_O_RDONLY);
	w = walk(root, "g", NULL);
	k = walk_open(root, "k", P9_L_O_RDONLY);
	ATF_REQUIRE(unlink(EXPDIR "/f") == 0);
	ATF_REQUIRE(unlink(EXPDIR "/g") == 0);
	ATF_REQUIRE(unlink(EXPDIR "/k") == 0);
	REQ_ERR(lf_close_nowait(lf), EAGAIN);
	REQ_ERR(lf_close_nowait(w), EAGAIN);
	/* Still open and usable. */
	REQ_OK(lf_read(lf, 0, buf, sizeof(buf), &n));
	ATF_CHECK_EQ(n, 3);
	REQ_OK(lf_close(lf));
	REQ_OK(lf_close(w));
	REQ_OK(lf_close_nowait(k));
	REQ_OK(lf_close(root));
	ex_done(&ex);
}

/*
 * A Txattrcreate fid dropped without a Tclunk: lf_xattr_discard, and
 * its close sets nothing and does not need a worker for it.
 */
ATF_TC_WITHOUT_HEAD(xattr_discard);
ATF_TC_BODY(xattr_discard, tc)
{
#ifdef HAVE_SYS_XATTR
	struct lfile	*root, *f;
	char		 buf[16];
	uint32_t	 n;

	ex_setup(0);
	if (!have_user_xattrs()) {
		ex_done(&ex);
		atf_tc_skip("the file system has no user xattrs");
	}
	mkfile(EXPDIR "/f", "abc");
	root = attach(&ex, NULL);
	f = walk(root, "f", NULL);
	REQ_OK(lf_xattrcreate(f, "user.gone", 4, 0));
	REQ_OK(lf_write(f, 0, "evil", 4, &n));
	ATF_CHECK_EQ(n, 4);
	REQ_ERR(lf_close_nowait(f), EAGAIN);	/* a commit: a worker's */
	lf_xattr_discard(f);
	REQ_OK(lf_close_nowait(f));
	ATF_CHECK(getxattr(EXPDIR "/f", "user.gone", buf, sizeof(buf)) == -1 &&
	    errno == ENODATA);
	/* A size-0 create removes the attribute: discarded, it stays. */
	ATF_REQUIRE(setxattr(EXPDIR "/f", "user.kept", "1", 1, 0) == 0);
	f = walk(root, "f", NULL);
	REQ_OK(lf_xattrcreate(f, "user.kept", 0, 0));
	lf_xattr_discard(f);
	REQ_OK(lf_close(f));
	ATF_CHECK(getxattr(EXPDIR "/f", "user.kept", buf, sizeof(buf)) == 1);
	REQ_OK(lf_close(root));
	ex_done(&ex);
#else
	atf_tc_skip("no xattr calls to check the file with");
#endif
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, name_ok);
	ATF_TP_ADD_TC(tp, attach_walk_getattr);
	ATF_TP_ADD_TC(tp, walk_partial);
	ATF_TP_ADD_TC(tp, walk_dotdot);
	ATF_TP_ADD_TC(tp, walk_dotdot_moved);
	ATF_TP_ADD_TC(tp, walk_symlink);
	ATF_TP_ADD_TC(tp, walk_device);
	ATF_TP_ADD_TC(tp, dev_overflow);
	ATF_TP_ADD_TC(tp, readdir_small);
	ATF_TP_ADD_TC(tp, readdir_large);
	ATF_TP_ADD_TC(tp, readdir_cache);
	ATF_TP_ADD_TC(tp, readdir_cache_rewind);
	ATF_TP_ADD_TC(tp, create);
	ATF_TP_ADD_TC(tp, open_modes);
	ATF_TP_ADD_TC(tp, setattr);
	ATF_TP_ADD_TC(tp, mkdir_symlink_mknod_link);
	ATF_TP_ADD_TC(tp, mknod_device);
	ATF_TP_ADD_TC(tp, rename);
	ATF_TP_ADD_TC(tp, unlink_remove);
	ATF_TP_ADD_TC(tp, statfs);
	ATF_TP_ADD_TC(tp, xattr);
	ATF_TP_ADD_TC(tp, locks);
	ATF_TP_ADD_TC(tp, readonly);
	ATF_TP_ADD_TC(tp, unlinked_open);
	ATF_TP_ADD_TC(tp, rename_race);
	ATF_TP_ADD_TC(tp, cross_export);
	ATF_TP_ADD_TC(tp, read_cached);
	ATF_TP_ADD_TC(tp, map_read);
	ATF_TP_ADD_TC(tp, window_read);
	ATF_TP_ADD_TC(tp, window_shared);
	ATF_TP_ADD_TC(tp, walk_cached);
	ATF_TP_ADD_TC(tp, close_nowait);
	ATF_TP_ADD_TC(tp, close_nowait_remote);
	ATF_TP_ADD_TC(tp, close_nowait_unlinked);
	ATF_TP_ADD_TC(tp, xattr_discard);
	return atf_no_error();
}
