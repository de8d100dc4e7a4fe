/*
 * Dispatch: decode a frame, resolve its fids, and either answer it on the
 * loop (Tversion, Tflush, Tauth, errors) or hand it to a worker.  Runs on
 * the event loop thread only; so does dispatch_done, which sends the
 * reply, settles the fids the request made or used, and answers any
 * Tflush that waited for it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>

#include "fsgoferd.h"

void
req_free(struct req *r)
{
	struct bufpool	*bp = r->r_conn->c_srv->s_pool;

	bufpool_put(bp, r->r_outheap, r->r_outcap);
	bufpool_put(bp, r->r_frame, r->r_framecap);
	mapwin_put(r->r_win);
	free(r);
}

static struct fid *
fid_use(struct conn *c, uint32_t id)
{
	struct fid	*f;

	f = fid_get(&c->c_fids, id);
	if (f == NULL || f->f_state != FID_LIVE)
		return NULL;
	fid_ref(f);
	return f;
}

/* Resolve the request's fids as its row says; 0 or a host errno. */
static int
dispatch_fids(struct conn *c, struct req *r)
{
	const struct msgtype	*m = r->r_msg;
	const struct p9_fcall	*t = &r->r_t;
	int			 newfid = m->mt_flags & MSG_NEWFID;

	/* NOFID never names a fid: fid_use and fid_new refuse it. */
	r->r_excl = (m->mt_flags & MSG_EXCL) != 0;
	if ((m->mt_flags & MSG_FID) &&
	    (r->r_fid = fid_use(c, MSG_U32(t, m->mt_fid))) == NULL)
		return EBADF;
	if ((m->mt_flags & MSG_MOVE) &&
	    MSG_U32(t, m->mt_newfid) == MSG_U32(t, m->mt_fid)) {
		newfid = 0;
		r->r_excl = 1;		/* the fid moves */
	}
	if ((m->mt_flags & MSG_FID2) &&
	    (r->r_fid2 = fid_use(c, MSG_U32(t, m->mt_fid2))) == NULL)
		return EBADF;
	if (newfid) {
		r->r_newfid = fid_new(&c->c_fids, MSG_U32(t, m->mt_newfid),
		    c->c_srv->s_lim.l_maxfids);
		if (r->r_newfid == NULL)
			return errno;
		fid_ref(r->r_newfid);
		/* A walked fid acts as the one it came from. */
		if (r->r_fid != NULL && r->r_fid->f_cred != NULL) {
			r->r_newfid->f_cred = r->r_fid->f_cred;
			r->r_newfid->f_cred->cr_refs++;
		}
	}
	if (m->mt_flags & MSG_DROP)
		fid_remove(&c->c_fids, r->r_fid);
	return 0;
}

static struct req *
dispatch_find_tag(struct conn *c, uint16_t tag)
{
	struct req	*r;
	int		 replied;

	TAILQ_FOREACH(r, &c->c_reqs, r_entry) {
		if (r->r_t.tag != tag)
			continue;
		/* A worker may send a reply before it is done with the
		 * request (a mapped Rread): the client has its answer and
		 * may use the tag again.  Only here is the lock worth it. */
		bufferevent_lock(c->c_bev);
		replied = r->r_replied;
		bufferevent_unlock(c->c_bev);
		if (!replied)
			return r;
	}
	return NULL;
}

/*
 * Whether a Tflush must wait for old: not if a worker finished it
 * already (its reply is out; settling it now keeps Rflush behind it);
 * otherwise the worker that finishes it is told to wake the loop.
 */
static int
dispatch_flush_wait(struct req *old)
{
	struct conn	*c = old->r_conn;
	int		 done;

	bufferevent_lock(c->c_bev);
	done = old->r_done;
	if (!done)
		old->r_wakeloop = 1;
	bufferevent_unlock(c->c_bev);
	if (done)
		conn_drain(c);
	return !done;
}

/* Answer on the loop thread without a worker. */
static void
dispatch_now(struct req *r, int err)
{
	if (err != 0)
		reply_error(r, err);
	dispatch_done(r);
}

/*
 * Answer a cheap request on the loop thread, sparing it two thread
 * hops.  Only calls that do no I/O have a row's mt_inline: Tgetattr is
 * an fstat of a descriptor the fid holds, Tclunk only closes
 * descriptors (unless the file table's lock is busy, an xattr must be
 * written, or the file's name is gone and the close may free its
 * blocks: then a worker does it), a small Tread is tried from the page
 * cache, with a read that fails rather than wait for the disk
 * (ops_read_cached), a Twalk from the kernel's lookup cache
 * (ops_walk_cached) and a Treaddir from the export's listing cache
 * (ops_readdir_cached).  Never when the fid needs other credentials
 * (f_cred: a walk as another user needs a worker's), and never waiting
 * for a fid lock: a fid busy on a worker sends the request there.
 */
static int
dispatch_inline(struct req *r)
{
	struct fid	*f = r->r_fid;
	int		 rc;

	if (r->r_msg->mt_inline == NULL || f == NULL || f->f_cred != NULL ||
	    r->r_fid2 != NULL)
		return 0;
	if ((r->r_excl ? pthread_rwlock_trywrlock(&f->f_lock) :
	    pthread_rwlock_tryrdlock(&f->f_lock)) != 0)
		return 0;
	rc = r->r_msg->mt_inline(r);
	pthread_rwlock_unlock(&f->f_lock);
	if (rc == 0)
		return 0;	/* it would have to wait: a worker's */
	dispatch_done(r);
	return 1;
}

void
dispatch(struct conn *c, struct req *r)
{
	struct p9_fcall	*t = &r->r_t;
	struct req	*old;
	uint32_t	 size, count;
	int		 rc, err;

	size = (uint32_t)r->r_frame[0] | (uint32_t)r->r_frame[1] << 8 |
	    (uint32_t)r->r_frame[2] << 16 | (uint32_t)r->r_frame[3] << 24;
	rc = p9_decode(r->r_frame, size, t, (char *)r->r_frame + size,
	    r->r_framecap - size);
	if (rc != 0) {
		/* Reply with the raw tag: the header itself was readable. */
		t->type = r->r_frame[4];
		t->tag = (uint16_t)(r->r_frame[5] | r->r_frame[6] << 8);
	}
	if (t->type == P9_TVERSION && rc == 0) {
		if (c->c_version != NULL) {
			req_free(r);	/* cannot happen: reading stops */
			return;
		}
		c->c_version = r;
		if (c->c_nreqs == 0)
			version_run(c);
		return;
	}
	if (dispatch_find_tag(c, t->tag) != NULL) {
		log_warnx("%s: tag %u reused while in flight, closing",
		    c->c_peer, t->tag);
		req_free(r);
		conn_close(c, NULL);
		return;
	}
	TAILQ_INSERT_TAIL(&c->c_reqs, r, r_entry);
	c->c_nreqs++;
	r->r_msg = ops_msg(t->type);
	if (rc == 0 && c->c_msize != 0 &&
	    (r->r_msg->mt_flags & MSG_RESERVE)) {
		count = MSG_U32(t, r->r_msg->mt_count);
		if (count > c->c_msize - P9_RDATAHDRSZ)
			count = c->c_msize - P9_RDATAHDRSZ;
		r->r_reserve = P9_RDATAHDRSZ + (size_t)count;
		c->c_reserved += r->r_reserve;
	}

	if (rc == P9_EMALFORMED) {
		log_debug("%s: malformed %s", c->c_peer,
		    p9_typename(t->type));
		dispatch_now(r, EPROTO);
		return;
	}
	if (rc == P9_EUNKNOWN || (t->type & 1) || t->type == P9_TLERROR) {
		dispatch_now(r, EOPNOTSUPP);
		return;
	}
	if (c->c_msize == 0) {
		dispatch_now(r, EPROTO);	/* Tversion comes first */
		return;
	}
	switch (t->type) {
	case P9_TFLUSH:
		old = dispatch_find_tag(c, t->u.tflush.oldtag);
		if (old != NULL && old != r && dispatch_flush_wait(old)) {
			/* Rflush goes out right after the old request's
			 * reply, when the loop settles it. */
			TAILQ_INSERT_TAIL(&old->r_flushes, r, r_fentry);
			return;
		}
		dispatch_now(r, 0);
		return;
	case P9_TAUTH:
		/*
		 * No authentication scheme is offered, none is pretended.
		 * ENOENT is how 9P2000.L servers say "no auth needed": the
		 * Linux client accepts any error, diod's tools only this.
		 */
		log_debug("%s: Tauth refused: authentication is off",
		    c->c_peer);
		dispatch_now(r, ENOENT);
		return;
	case P9_TATTACH:
		if (t->u.tattach.afid != P9_NOFID) {
			dispatch_now(r, EBADF);
			return;
		}
		break;
	}
	if (r->r_msg->mt_fn == NULL) {
		dispatch_now(r, EOPNOTSUPP);
		return;
	}
	if ((err = dispatch_fids(c, r)) != 0) {
		dispatch_now(r, err);
		return;
	}
	if (dispatch_inline(r))
		return;
	/* conn_frames submits the whole batch once it has read it. */
	TAILQ_INSERT_TAIL(&c->c_batch, r, r_qentry);
}

/*
 * Settle a finished request: fids, reply, then the Tflush requests that
 * waited for it (their Rflush must follow its reply).  Never frees the
 * connection; dispatch_done does that through conn_resume.
 */
void
dispatch_finish(struct req *r)
{
	struct conn	*c = r->r_conn;
	struct req	*fl;
	struct p9_fcall	 rf;

	if (r->r_newfid != NULL) {
		if (r->r_err == 0 && r->r_newfid->f_lf != NULL)
			r->r_newfid->f_state = FID_LIVE;
		else if (r->r_newfid->f_state == FID_PENDING)
			fid_remove(&c->c_fids, r->r_newfid);
		fid_unref(r->r_newfid);
	}
	if (r->r_fid != NULL)
		fid_unref(r->r_fid);
	if (r->r_fid2 != NULL)
		fid_unref(r->r_fid2);
	if (r->r_outlen == 0 && r->r_t.type == P9_TFLUSH) {
		memset(&rf, 0, sizeof(rf));
		rf.type = P9_RFLUSH;
		reply_fcall(r, &rf);
	}
	c->c_reserved -= r->r_reserve;
	if (r->r_bigio)
		work_big_done(c->c_srv->s_wq);
	if (!r->r_replied)
		conn_reply(r);
	TAILQ_REMOVE(&c->c_reqs, r, r_entry);
	c->c_nreqs--;
	while ((fl = TAILQ_FIRST(&r->r_flushes)) != NULL) {
		TAILQ_REMOVE(&r->r_flushes, fl, r_fentry);
		dispatch_finish(fl);
	}
	req_free(r);
}

/* Loop thread: a request is finished, on a worker or on the loop. */
void
dispatch_done(struct req *r)
{
	struct conn	*c = r->r_conn;

	dispatch_finish(r);
	conn_resume(c);
}

/*
 * Tversion, once nothing else is in flight: it resets the session (every
 * fid is clunked) and negotiates msize.  Anything but 9P2000.L gets
 * "unknown" and leaves the connection unversioned.
 */
void
version_run(struct conn *c)
{
	struct req	*r = c->c_version;
	struct p9_fcall	 rv;
	uint32_t	 msize;

	c->c_version = NULL;
	fid_clear(&c->c_fids);
	msize = r->r_t.u.version.msize;
	if (msize > c->c_srv->s_lim.l_maxmsize)
		msize = c->c_srv->s_lim.l_maxmsize;
	memset(&rv, 0, sizeof(rv));
	rv.type = P9_RVERSION;
	rv.tag = r->r_t.tag;
	if (strcmp(r->r_t.u.version.version, P9_VERSION) != 0 ||
	    msize < P9_MINMSIZE) {
		c->c_msize = 0;
		rv.u.version.msize = msize;
		rv.u.version.version = "unknown";
	} else {
		c->c_msize = msize;
		rv.u.version.msize = msize;
		rv.u.version.version = P9_VERSION;
	}
	reply_fcall(r, &rv);
	conn_reply(r);
	req_free(r);
}
