/*
 * 9P2000.L handlers.  They run on worker threads with the request's fids
 * locked (see work.c), call the localfile logic, and encode the reply
 * into the request.  Semantic checks on names and counts happen here,
 * before any file system call.
 */
#include <errno.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsgoferd.h"

/*
 * The largest Tread the loop thread answers from the page cache: a copy
 * this size takes microseconds; larger reads go to the workers, where
 * their copying delays no other client.
 */
#define OPS_READ_INLINE_MAX	(64 * 1024)
/* Below this a copy costs less than mapping and unmapping the pages. */
#define OPS_READ_MAP_MIN	(128 * 1024)

static struct server *
req_srv(struct req *r)
{
	return r->r_conn->c_srv;
}

/* Room for a reply of len bytes: the inline buffer or the heap. */
int
reply_alloc(struct req *r, size_t len)
{
	if (len <= sizeof(r->r_outbuf)) {
		r->r_out = r->r_outbuf;
		return 0;
	}
	bufpool_put(req_srv(r)->s_pool, r->r_outheap, r->r_outcap);
	r->r_outcap = len;
	if ((r->r_outheap = bufpool_get(req_srv(r)->s_pool, len)) == NULL)
		return -1;
	r->r_out = r->r_outheap;
	return 0;
}

void
reply_fcall(struct req *r, struct p9_fcall *f)
{
	size_t	 len;

	f->tag = r->r_t.tag;
	r->r_out = r->r_outbuf;
	len = p9_encode(r->r_outbuf, sizeof(r->r_outbuf), f);
	if (len == 0 && reply_alloc(r, r->r_conn->c_msize) == 0)
		len = p9_encode(r->r_out, r->r_conn->c_msize, f);
	if (len == 0) {
		/* Cannot happen for replies we build; say so, not crash. */
		log_warnx("%s: cannot encode %s", r->r_conn->c_peer,
		    p9_typename(f->type));
		reply_error(r, EIO);
		return;
	}
	r->r_outlen = len;
}

void
reply_error(struct req *r, int err)
{
	struct p9_fcall	 f;

	r->r_err = err;
	memset(&f, 0, sizeof(f));
	f.type = P9_RLERROR;
	f.tag = r->r_t.tag;
	f.u.rlerror.ecode = compat_errno_to_wire(err);
	r->r_out = r->r_outbuf;
	r->r_outlen = p9_encode(r->r_outbuf, sizeof(r->r_outbuf), &f);
}

static void
reply_empty(struct req *r, int err)
{
	struct p9_fcall	 f;

	if (err != 0) {
		reply_error(r, err);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = r->r_t.type + 1;
	reply_fcall(r, &f);
}

static void
reply_qid(struct req *r, int err, const struct p9_qid *qid)
{
	struct p9_fcall	 f;

	if (err != 0) {
		reply_error(r, err);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = r->r_t.type + 1;
	f.u.rqid.qid = *qid;
	reply_fcall(r, &f);
}

/* Largest data payload an R-message may carry on this connection. */
static uint32_t
data_max(struct req *r, uint32_t count)
{
	uint32_t	 max = r->r_conn->c_msize - P9_RDATAHDRSZ;

	return count > max ? max : count;
}

/* Finish an Rread/Rreaddir whose n data bytes follow the header. */
static void
reply_data(struct req *r, uint32_t n)
{
	struct p9_wbuf	 wb;

	p9_winit(&wb, r->r_out, P9_RDATAHDRSZ);
	p9_put32(&wb, P9_RDATAHDRSZ + n);
	p9_put8(&wb, r->r_t.type + 1);
	p9_put16(&wb, r->r_t.tag);
	p9_put32(&wb, n);
	r->r_outlen = P9_RDATAHDRSZ + n;
}

/* The lfile of a plain (non-xattr) fid, or NULL. */
static struct lfile *
plain(struct fid *f)
{
	if (f == NULL || f->f_lf == NULL || f->f_lf->lf_xattr != NULL)
		return NULL;
	return f->f_lf;
}

/*
 * The fid's plain lfile and a valid one-component name, or NULL after
 * replying EBADF, EINVAL or ENAMETOOLONG: the check every name-taking
 * request needs.
 */
static struct lfile *
plain_named(struct req *r, struct fid *f, const char *name)
{
	struct lfile	*lf;
	int		 err;

	if ((lf = plain(f)) == NULL) {
		reply_error(r, EBADF);
		return NULL;
	}
	if ((err = lf_name_err(name)) != 0) {
		reply_error(r, err);
		return NULL;
	}
	return lf;
}

static uid_t
attach_uid(const struct p9_fcall *t)
{
	struct passwd	 pw, *res;
	char		 buf[1024];

	if (t->u.tattach.n_uname != P9_NONUNAME)
		return (uid_t)t->u.tattach.n_uname;
	if (t->u.tattach.uname[0] != '\0' &&
	    getpwnam_r(t->u.tattach.uname, &pw, buf, sizeof(buf), &res) == 0 &&
	    res != NULL)
		return pw.pw_uid;
	return (uid_t)-1;
}

/*
 * Every attach is logged with who asked (the peer's uid on a unix
 * socket) and as whom, so that an administrator can tell who used an
 * export whatever its identity mode.
 */
static void
attach_log(const struct req *r, int err)
{
	const struct conn	*c = r->r_conn;
	char			 aname[128], uname[128], peer[32], nun[16];

	log_escape(aname, sizeof(aname), r->r_t.u.tattach.aname);
	log_escape(uname, sizeof(uname), r->r_t.u.tattach.uname);
	if (c->c_peerknown == PEER_KNOWN)
		snprintf(peer, sizeof(peer), "%lu",
		    (unsigned long)c->c_peeruid);
	else if (c->c_peerknown == PEER_NOTUNIX)
		strlcpy(peer, "unknown", sizeof(peer));
	else
		strlcpy(peer, "unreadable", sizeof(peer));
	if (r->r_t.u.tattach.n_uname != P9_NONUNAME)
		snprintf(nun, sizeof(nun), "%lu",
		    (unsigned long)r->r_t.u.tattach.n_uname);
	else
		strlcpy(nun, "none", sizeof(nun));
	log_info("%s: attach \"%s\" uname \"%s\" n_uname %s by peer uid %s: "
	    "%s", c->c_peer, aname, uname, nun, peer,
	    err == 0 ? "ok" : strerror(err));
}

static void
op_attach(struct req *r)
{
	struct export	*e;
	struct lfile	*lf;
	struct p9_qid	 qid;
	int		 err;

	struct cred	*cr;
	uid_t		 uid;

	if ((e = export_find(req_srv(r), r->r_t.u.tattach.aname)) == NULL) {
		attach_log(r, ENOENT);
		reply_error(r, ENOENT);
		return;
	}
	cr = cred_for_attach(e, r->r_conn, &r->r_t, &err);
	if (err != 0) {
		attach_log(r, err);
		reply_error(r, err);
		return;
	}
	/* The user a trusted attach names; else the one requests run as. */
	if (e->e_idmode == ID_TRUSTED)
		uid = attach_uid(&r->r_t);
	else
		uid = cr != NULL ? cr->cr_uid : (uid_t)-1;
	if ((err = lf_attach(e, uid, &lf, &qid)) != 0) {
		cred_unref(cr);
		attach_log(r, err);
		reply_error(r, err);
		return;
	}
	attach_log(r, 0);
	r->r_newfid->f_lf = lf;
	r->r_newfid->f_cred = cr;
	reply_qid(r, 0, &qid);
}

/* Twalk; 0 without a reply if cached and the cache did not suffice. */
static int
op_walk_common(struct req *r, int cached)
{
	struct p9_fcall	 f;
	struct lfile	*from, *to = NULL;
	int		 i, nq = 0, err;

	if ((from = plain(r->r_fid)) == NULL) {
		if (cached)
			return 0;
		reply_error(r, EBADF);
		return 1;
	}
	for (i = 0; i < r->r_t.u.twalk.nwname; i++) {
		/* "." stays and ".." stops at the root: both are safe. */
		if (strcmp(r->r_t.u.twalk.wname[i], "..") != 0 &&
		    strcmp(r->r_t.u.twalk.wname[i], ".") != 0 &&
		    (err = lf_name_err(r->r_t.u.twalk.wname[i])) != 0) {
			reply_error(r, err);
			return 1;
		}
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RWALK;
	err = (cached ? lf_walk_cached : lf_walk)(from,
	    r->r_t.u.twalk.nwname, r->r_t.u.twalk.wname, f.u.rwalk.wqid, &nq,
	    &to);
	if (cached && err == EAGAIN)
		return 0;
	if (err != 0) {
		/* A later element failed: the qids so far, no new fid. */
		if (nq > 0) {
			r->r_err = err;
			f.u.rwalk.nwqid = (uint16_t)nq;
			reply_fcall(r, &f);
		} else
			reply_error(r, err);
		return 1;
	}
	f.u.rwalk.nwqid = r->r_t.u.twalk.nwname;
	if (r->r_newfid != NULL)
		r->r_newfid->f_lf = to;
	else {
		lf_close(r->r_fid->f_lf);
		r->r_fid->f_lf = to;
	}
	reply_fcall(r, &f);
	return 1;
}

static void
op_walk(struct req *r)
{
	(void)op_walk_common(r, 0);
}

/*
 * Loop thread, fid locked: a Twalk the kernel's lookup cache can answer
 * without waiting; 0 (nothing done) sends it to a worker.
 */
static int
ops_walk_cached(struct req *r)
{
	/* Moving the fid itself would close its old file here. */
	if (r->r_newfid == NULL)
		return 0;
	return op_walk_common(r, 1);
}

static void
op_getattr(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RGETATTR;
	if ((err = lf_getattr(lf, r->r_t.u.tgetattr.request_mask, &f)) != 0)
		reply_error(r, err);
	else
		reply_fcall(r, &f);
}

static void
op_setattr(struct req *r)
{
	struct lfile	*lf;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	reply_empty(r, lf_setattr(lf, &r->r_t));
}

static void
op_lopen(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RLOPEN;
	/* iounit 0: the client then uses msize - 24 per I/O. */
	if ((err = lf_open(lf, r->r_t.u.tlopen.flags, &f.u.rlopen.qid)) != 0)
		reply_error(r, err);
	else
		reply_fcall(r, &f);
}

static void
op_lcreate(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	int		 err;

	if ((lf = plain_named(r, r->r_fid, r->r_t.u.tlcreate.name)) == NULL)
		return;
	memset(&f, 0, sizeof(f));
	f.type = P9_RLCREATE;
	err = lf_create(lf, r->r_t.u.tlcreate.name, r->r_t.u.tlcreate.flags,
	    r->r_t.u.tlcreate.mode, (gid_t)r->r_t.u.tlcreate.gid,
	    &f.u.rlopen.qid);
	if (err != 0)
		reply_error(r, err);
	else
		reply_fcall(r, &f);
}

/* Where conn_send_mapped's fill reads the part the socket did not take. */
struct readfill {
	struct lfile	*rf_lf;
	uint64_t	 rf_off;
};

/* Read len bytes at from into buf; what the file no longer has is 0. */
static int
read_fill(void *arg, uint8_t *buf, size_t from, size_t len)
{
	struct readfill	*rf = arg;

	return lf_map_rest(rf->rf_lf, rf->rf_off + from, buf,
	    (uint32_t)len) == 0 ? 0 : -1;
}

/*
 * Worker: a large read answered from a mapping of the file when the
 * connection can take the reply now; 1 if r is answered.  Data the page
 * cache holds goes into the socket in one copy, not two (pread into a
 * buffer, then send): a client that waits for each 1 MiB read gets it a
 * quarter sooner.  Only for such a client (r_solo): with several reads
 * in flight, this worker's pread and the loop's send of the last reply
 * run at once on two CPUs, which measured faster than one copy here.
 */
static int
read_mapped(struct req *r, struct lfile *lf, uint32_t count)
{
	struct readfill	 rf;
	struct lfmap	 m;
	int		 done;

	rf.rf_lf = lf;
	rf.rf_off = r->r_t.u.tread.offset;
	if (!r->r_solo || count < OPS_READ_MAP_MIN ||
	    lf_map(lf, rf.rf_off, count, &m) != 0)
		return 0;
	r->r_out = r->r_outbuf;
	reply_data(r, m.m_n);
	r->r_outlen = P9_RDATAHDRSZ;	/* the data follows from the mapping */
	done = conn_send_mapped(r, m.m_data, m.m_n, read_fill, &rf) == 0;
	if (!done)
		r->r_outlen = 0;
	lf_unmap(&m);
	return done;
}

/*
 * A large read answered from a window on the file (lf_window): the loop
 * then sends its bytes from the page cache in one copy.  1 if r is
 * answered; maywait as lf_window's.
 */
static int
read_window(struct req *r, struct lfile *lf, uint32_t count, int maywait)
{
	struct lfwin	 w;

	if (count <= OPS_READ_INLINE_MAX ||
	    lf_window(lf, r->r_t.u.tread.offset, count, maywait, &w) != 0)
		return 0;
	r->r_out = r->r_outbuf;
	reply_data(r, w.w_n);
	r->r_win = w.w_win;
	r->r_wdata = w.w_data;
	r->r_wlen = w.w_n;
	return 1;
}

/*
 * Reads and writes on an xattr fid touch its buffer, which a shared fid
 * lock does not protect; the server-wide xattr lock does.  Rare enough.
 */
static void
op_read(struct req *r)
{
	struct lfile	*lf;
	uint32_t	 count, n = 0;
	int		 err;

	if (r->r_fid->f_lf == NULL) {
		reply_error(r, EBADF);
		return;
	}
	lf = r->r_fid->f_lf;
	count = data_max(r, r->r_t.u.tread.count);
	if (lf->lf_xattr == NULL && (read_window(r, lf, count, 1) ||
	    read_mapped(r, lf, count)))
		return;
	if (reply_alloc(r, P9_RDATAHDRSZ + (size_t)count) == -1) {
		reply_error(r, ENOMEM);
		return;
	}
	if (lf->lf_xattr != NULL) {
		pthread_mutex_lock(&req_srv(r)->s_xattrlock);
		err = lf_read(lf, r->r_t.u.tread.offset, r->r_out + P9_RDATAHDRSZ,
		    count, &n);
		pthread_mutex_unlock(&req_srv(r)->s_xattrlock);
	} else
		err = lf_read(lf, r->r_t.u.tread.offset, r->r_out + P9_RDATAHDRSZ,
		    count, &n);
	if (err != 0)
		reply_error(r, err);
	else
		reply_data(r, n);
}

/*
 * Loop thread, fid read-locked: answer a Tread from the page cache and
 * return 1, or return 0 for a worker to do it (data not cached, not a
 * plain open file, a large read with no window on its bytes yet).  A
 * small read is copied here; a large one only points at its window,
 * and the copy is the send's.
 */
static int
ops_read_cached(struct req *r)
{
	struct lfile	*lf = plain(r->r_fid);
	uint32_t	 count, n = 0;
	int		 err;

	count = data_max(r, r->r_t.u.tread.count);
	if (lf != NULL && count > OPS_READ_INLINE_MAX)
		return read_window(r, lf, count, 0);
	if (lf == NULL || count > OPS_READ_INLINE_MAX ||
	    reply_alloc(r, P9_RDATAHDRSZ + (size_t)count) == -1)
		return 0;
	err = lf_read_cached(lf, r->r_t.u.tread.offset,
	    r->r_out + P9_RDATAHDRSZ, count, &n);
	if (err == EAGAIN)
		return 0;
	if (err != 0)
		reply_error(r, err);
	else
		reply_data(r, n);
	return 1;
}

static void
op_write(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	uint32_t	 n = 0;
	int		 err;

	if ((lf = r->r_fid->f_lf) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	if (lf->lf_xattr != NULL) {
		pthread_mutex_lock(&req_srv(r)->s_xattrlock);
		err = lf_write(lf, r->r_t.u.twrite.offset, r->r_t.u.twrite.data,
		    r->r_t.u.twrite.count, &n);
		pthread_mutex_unlock(&req_srv(r)->s_xattrlock);
	} else
		err = lf_write(lf, r->r_t.u.twrite.offset, r->r_t.u.twrite.data,
		    r->r_t.u.twrite.count, &n);
	if (err != 0) {
		reply_error(r, err);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RWRITE;
	f.u.rwrite.count = n;
	reply_fcall(r, &f);
}

/*
 * Loop thread, fid write-locked (the cursor moves): answer a Treaddir
 * from the export's listing cache and return 1, or return 0 for a
 * worker to read the directory.
 */
static int
ops_readdir_cached(struct req *r)
{
	struct lfile	*lf = plain(r->r_fid);
	uint32_t	 count, n = 0;
	int		 err;

	count = data_max(r, r->r_t.u.treaddir.count);
	if (lf == NULL || reply_alloc(r, P9_RDATAHDRSZ + (size_t)count) == -1)
		return 0;
	err = lf_readdir_cached(lf, r->r_t.u.treaddir.offset,
	    r->r_out + P9_RDATAHDRSZ, count, &n);
	if (err == EAGAIN)
		return 0;
	if (err != 0)
		reply_error(r, err);
	else
		reply_data(r, n);
	return 1;
}

static void
op_readdir(struct req *r)
{
	struct lfile	*lf;
	uint32_t	 count, n = 0;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	count = data_max(r, r->r_t.u.treaddir.count);
	if (reply_alloc(r, P9_RDATAHDRSZ + (size_t)count) == -1) {
		reply_error(r, ENOMEM);
		return;
	}
	err = lf_readdir(lf, r->r_t.u.treaddir.offset, r->r_out + P9_RDATAHDRSZ,
	    count, &n);
	if (err != 0)
		reply_error(r, err);
	else
		reply_data(r, n);
}

static void
op_mkdir(struct req *r)
{
	struct lfile	*lf;
	struct p9_qid	 qid;

	if ((lf = plain_named(r, r->r_fid, r->r_t.u.tmkdir.name)) == NULL)
		return;
	reply_qid(r, lf_mkdir(lf, r->r_t.u.tmkdir.name, r->r_t.u.tmkdir.mode,
	    (gid_t)r->r_t.u.tmkdir.gid, &qid), &qid);
}

static void
op_symlink(struct req *r)
{
	struct lfile	*lf;
	struct p9_qid	 qid;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	if ((err = lf_name_err(r->r_t.u.tsymlink.name)) != 0 ||
	    r->r_t.u.tsymlink.symtgt[0] == '\0') {
		reply_error(r, r->r_t.u.tsymlink.symtgt[0] == '\0' ?
		    ENOENT : err);
		return;
	}
	reply_qid(r, lf_symlink(lf, r->r_t.u.tsymlink.name,
	    r->r_t.u.tsymlink.symtgt, (gid_t)r->r_t.u.tsymlink.gid, &qid),
	    &qid);
}

static void
op_mknod(struct req *r)
{
	struct lfile	*lf;
	struct p9_qid	 qid;

	if ((lf = plain_named(r, r->r_fid, r->r_t.u.tmknod.name)) == NULL)
		return;
	reply_qid(r, lf_mknod(lf, r->r_t.u.tmknod.name, r->r_t.u.tmknod.mode,
	    r->r_t.u.tmknod.major, r->r_t.u.tmknod.minor,
	    (gid_t)r->r_t.u.tmknod.gid, &qid), &qid);
}

/*
 * A request on two fids runs with the first one's credentials (work.c):
 * two attaches with different identities are as far apart as two
 * mounts, and Linux says EXDEV between those.  Replies and returns 0.
 */
static int
two_fids_ok(struct req *r)
{
	if (cred_same(r->r_fid->f_cred, r->r_fid2->f_cred))
		return 1;
	reply_error(r, EXDEV);
	return 0;
}

static void
op_link(struct req *r)
{
	struct lfile	*dir, *target;

	/* Both fids before the name, as for every two-fid request. */
	if ((target = plain(r->r_fid2)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	if (!two_fids_ok(r))
		return;
	if ((dir = plain_named(r, r->r_fid, r->r_t.u.tlink.name)) == NULL)
		return;
	reply_empty(r, lf_link(dir, target, r->r_t.u.tlink.name));
}

static void
op_rename(struct req *r)
{
	struct lfile	*lf, *dir;

	if ((dir = plain(r->r_fid2)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	if (!two_fids_ok(r))
		return;
	if ((lf = plain_named(r, r->r_fid, r->r_t.u.trename.name)) == NULL)
		return;
	reply_empty(r, lf_rename(lf, dir, r->r_t.u.trename.name));
}

static void
op_renameat(struct req *r)
{
	struct lfile	*od, *nd;
	int		 err;

	if ((od = plain(r->r_fid)) == NULL || (nd = plain(r->r_fid2)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	if (!two_fids_ok(r))
		return;
	if ((err = lf_name_err(r->r_t.u.trenameat.oldname)) != 0 ||
	    (err = lf_name_err(r->r_t.u.trenameat.newname)) != 0) {
		reply_error(r, err);
		return;
	}
	reply_empty(r, lf_renameat(od, r->r_t.u.trenameat.oldname, nd,
	    r->r_t.u.trenameat.newname));
}

static void
op_unlinkat(struct req *r)
{
	struct lfile	*lf;

	if ((lf = plain_named(r, r->r_fid, r->r_t.u.tunlinkat.name)) == NULL)
		return;
	reply_empty(r, lf_unlinkat(lf, r->r_t.u.tunlinkat.name,
	    r->r_t.u.tunlinkat.flags));
}

/*
 * Tremove clunks the fid whether or not the remove worked; it is no
 * Tclunk, so a Txattrcreate pending on it sets nothing.
 */
static void
op_remove(struct req *r)
{
	struct lfile	*lf = r->r_fid->f_lf;
	int		 err;

	if (lf == NULL || lf->lf_xattr != NULL)
		err = EBADF;
	else
		err = lf_remove(lf);
	if (lf != NULL) {
		lf_xattr_discard(lf);
		lf_close(lf);
	}
	r->r_fid->f_lf = NULL;
	reply_empty(r, err);
}

/* The clunk of an xattrcreate fid is where the attribute is set. */
static void
op_clunk(struct req *r)
{
	int	 err = 0;

	if (r->r_fid->f_lf != NULL)
		err = lf_close(r->r_fid->f_lf);
	r->r_fid->f_lf = NULL;
	reply_empty(r, err);
}

/* Loop thread, fid write-locked: Tclunk, or 0 if it would have to wait. */
static int
ops_clunk_nowait(struct req *r)
{
	int	 err;

	if (r->r_fid->f_lf != NULL &&
	    (err = lf_close_nowait(r->r_fid->f_lf)) == EAGAIN)
		return 0;
	r->r_fid->f_lf = NULL;
	reply_empty(r, 0);
	return 1;
}

static void
op_readlink(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	char		 buf[LF_READLINK_MAX + 1];
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	if ((err = lf_readlink(lf, buf, sizeof(buf))) != 0) {
		reply_error(r, err);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RREADLINK;
	f.u.rreadlink.target = buf;
	reply_fcall(r, &f);
}

static void
op_statfs(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RSTATFS;
	if ((err = lf_statfs(lf, &f)) != 0)
		reply_error(r, err);
	else
		reply_fcall(r, &f);
}

static void
op_fsync(struct req *r)
{
	struct lfile	*lf;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	reply_empty(r, lf_fsync(lf, r->r_t.u.tfsync.datasync != 0));
}

static void
op_xattrwalk(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf, *x = NULL;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RXATTRWALK;
	err = lf_xattrwalk(lf, r->r_t.u.txattrwalk.name, &x,
	    &f.u.rxattrwalk.size);
	if (err != 0) {
		reply_error(r, err);
		return;
	}
	r->r_newfid->f_lf = x;
	reply_fcall(r, &f);
}

static void
op_xattrcreate(struct req *r)
{
	struct lfile	*lf;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	reply_empty(r, lf_xattrcreate(lf, r->r_t.u.txattrcreate.name,
	    r->r_t.u.txattrcreate.attr_size, r->r_t.u.txattrcreate.flags));
}

/* Locks are owned by the lfile: one open of one client. */
static void
op_lock(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	uint8_t		 status = P9_LOCK_ERROR;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	if ((err = lf_lock(lf, lf, &r->r_t, &status)) != 0) {
		reply_error(r, err);
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = P9_RLOCK;
	f.u.rlock.status = status;
	reply_fcall(r, &f);
}

static void
op_getlock(struct req *r)
{
	struct p9_fcall	 f;
	struct lfile	*lf;
	int		 err;

	if ((lf = plain(r->r_fid)) == NULL) {
		reply_error(r, EBADF);
		return;
	}
	f = r->r_t;
	f.type = P9_RGETLOCK;
	if ((err = lf_getlock(lf, lf, &f)) != 0)
		reply_error(r, err);
	else
		reply_fcall(r, &f);
}

/* On the loop thread: an fstat of a descriptor the fid holds. */
static int
op_getattr_inline(struct req *r)
{
	op_getattr(r);
	return 1;
}

#define FCALL_AT(m)	((uint16_t)offsetof(struct p9_fcall, u.m))

/*
 * Everything the server knows about one T-message type, one row each,
 * indexed by type.  Tversion, Tflush and Tauth have none: dispatch
 * answers them on the loop.  The fid a row locks exclusively is one
 * whose state the request changes (open, cursor, clunk); MSG_MOVE is
 * Twalk's newfid == fid.
 */
static const struct msgtype msgtab[256] = {
	[P9_TATTACH] = { P9_TATTACH, op_attach, NULL,
	    0, 0, FCALL_AT(tattach.fid), 0, MSG_NEWFID },
	[P9_TWALK] = { P9_TWALK, op_walk, ops_walk_cached,
	    FCALL_AT(twalk.fid), 0, FCALL_AT(twalk.newfid), 0,
	    MSG_FID | MSG_NEWFID | MSG_MOVE },
	[P9_TXATTRWALK] = { P9_TXATTRWALK, op_xattrwalk, NULL,
	    FCALL_AT(txattrwalk.fid), 0, FCALL_AT(txattrwalk.newfid), 0,
	    MSG_FID | MSG_NEWFID },
	[P9_TGETATTR] = { P9_TGETATTR, op_getattr, op_getattr_inline,
	    FCALL_AT(tgetattr.fid), 0, 0, 0, MSG_FID },
	[P9_TSETATTR] = { P9_TSETATTR, op_setattr, NULL,
	    FCALL_AT(tsetattr.fid), 0, 0, 0, MSG_FID },
	[P9_TSTATFS] = { P9_TSTATFS, op_statfs, NULL,
	    FCALL_AT(tstatfs.fid), 0, 0, 0, MSG_FID },
	[P9_TREADLINK] = { P9_TREADLINK, op_readlink, NULL,
	    FCALL_AT(treadlink.fid), 0, 0, 0, MSG_FID },
	[P9_TFSYNC] = { P9_TFSYNC, op_fsync, NULL,
	    FCALL_AT(tfsync.fid), 0, 0, 0, MSG_FID },
	[P9_TLOCK] = { P9_TLOCK, op_lock, NULL,
	    FCALL_AT(tlock.fid), 0, 0, 0, MSG_FID },
	[P9_TGETLOCK] = { P9_TGETLOCK, op_getlock, NULL,
	    FCALL_AT(getlock.fid), 0, 0, 0, MSG_FID },
	[P9_TREAD] = { P9_TREAD, op_read, ops_read_cached,
	    FCALL_AT(tread.fid), 0, 0, FCALL_AT(tread.count),
	    MSG_FID | MSG_BIGIO | MSG_RESERVE },
	[P9_TWRITE] = { P9_TWRITE, op_write, NULL,
	    FCALL_AT(twrite.fid), 0, 0, FCALL_AT(twrite.count),
	    MSG_FID | MSG_BIGIO },
	[P9_TLOPEN] = { P9_TLOPEN, op_lopen, NULL,
	    FCALL_AT(tlopen.fid), 0, 0, 0, MSG_FID | MSG_EXCL },
	[P9_TLCREATE] = { P9_TLCREATE, op_lcreate, NULL,
	    FCALL_AT(tlcreate.fid), 0, 0, 0, MSG_FID | MSG_EXCL },
	/* One directory cursor per fid. */
	[P9_TREADDIR] = { P9_TREADDIR, op_readdir, ops_readdir_cached,
	    FCALL_AT(treaddir.fid), 0, 0, FCALL_AT(treaddir.count),
	    MSG_FID | MSG_EXCL | MSG_RESERVE },
	[P9_TXATTRCREATE] = { P9_TXATTRCREATE, op_xattrcreate, NULL,
	    FCALL_AT(txattrcreate.fid), 0, 0, 0, MSG_FID | MSG_EXCL },
	[P9_TCLUNK] = { P9_TCLUNK, op_clunk, ops_clunk_nowait,
	    FCALL_AT(tclunk.fid), 0, 0, 0, MSG_FID | MSG_EXCL | MSG_DROP },
	[P9_TREMOVE] = { P9_TREMOVE, op_remove, NULL,
	    FCALL_AT(tremove.fid), 0, 0, 0, MSG_FID | MSG_EXCL | MSG_DROP },
	[P9_TMKDIR] = { P9_TMKDIR, op_mkdir, NULL,
	    FCALL_AT(tmkdir.dfid), 0, 0, 0, MSG_FID },
	[P9_TSYMLINK] = { P9_TSYMLINK, op_symlink, NULL,
	    FCALL_AT(tsymlink.dfid), 0, 0, 0, MSG_FID },
	[P9_TMKNOD] = { P9_TMKNOD, op_mknod, NULL,
	    FCALL_AT(tmknod.dfid), 0, 0, 0, MSG_FID },
	[P9_TLINK] = { P9_TLINK, op_link, NULL,
	    FCALL_AT(tlink.dfid), FCALL_AT(tlink.fid), 0, 0,
	    MSG_FID | MSG_FID2 },
	[P9_TRENAME] = { P9_TRENAME, op_rename, NULL,
	    FCALL_AT(trename.fid), FCALL_AT(trename.dfid), 0, 0,
	    MSG_FID | MSG_FID2 },
	[P9_TRENAMEAT] = { P9_TRENAMEAT, op_renameat, NULL,
	    FCALL_AT(trenameat.olddirfid), FCALL_AT(trenameat.newdirfid),
	    0, 0, MSG_FID | MSG_FID2 },
	[P9_TUNLINKAT] = { P9_TUNLINKAT, op_unlinkat, NULL,
	    FCALL_AT(tunlinkat.dirfid), 0, 0, 0, MSG_FID },
};

/* Never NULL: a type the server does not serve has an empty row. */
const struct msgtype *
ops_msg(uint8_t type)
{
	return &msgtab[type];
}
