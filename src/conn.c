/*
 * Per-connection life: framing, buffers, backpressure and teardown.
 *
 * A frame is taken off the input only when it is whole; its size field
 * is checked first (7 <= size <= msize, else the connection is closed:
 * after a bad size nothing that follows can be framed).  Reading stops
 * while too many requests are in flight or too many reply bytes are
 * queued, so a client that pipelines and never reads costs bounded
 * memory, and resumes when the write side drains.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "fsgoferd.h"

#ifdef MSG_NOSIGNAL
#define CONN_SENDFLAGS	(MSG_DONTWAIT | MSG_NOSIGNAL)
#else
#define CONN_SENDFLAGS	MSG_DONTWAIT	/* SIGPIPE is ignored anyway */
#endif

/* Replies the loop makes in one batch before it sends them early. */
#define CONN_EARLY_FLUSH	4

/*
 * Replies in c_pend up to this many bytes are copied onto a backed-up
 * output rather than moved there chain by chain (conn_flush).
 */
#define CONN_PACK_MAX		4096

/* Before Tversion only a small Tversion can arrive. */
#define CONN_PREVERSION_MSIZE	8192

/*
 * What one read asks for.  The connection does its own reads: libevent
 * 2.1's evbuffer_read takes at most 4 KiB per call (after an FIONREAD
 * ioctl), so a 1 MiB Twrite cost 256 reads and as many loop rounds.
 * A little under 64 KiB, so that with the evbuffer's chain header the
 * block is 64 KiB, not rounded up to 128.
 */
#define CONN_READ_CHUNK		(64 * 1024 - 256)

/* A Twrite this big that is not all in yet is read straight into its
 * request's buffer: no copy from the input buffer afterwards. */
#define CONN_DIRECT_MIN		(32 * 1024)

static void	conn_readev(evutil_socket_t, short, void *);
static void	conn_writecb(struct bufferevent *, void *);
static void	conn_eventcb(struct bufferevent *, short, void *);
static void	conn_free(struct conn *);
static void	conn_flush_all(int, short, void *);
static void	conn_flush(struct conn *);
static int	conn_unwindow(struct conn *, struct evbuffer *, int);

struct conn *
conn_new(struct server *srv, int fd, const char *peer)
{
	struct conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s: conn_new", peer);
		close(fd);
		return NULL;
	}
	c->c_srv = srv;
	c->c_fd = fd;
	strlcpy(c->c_peer, peer, sizeof(c->c_peer));
	/* Recorded by the kernel at connect(2); "user" exports check
	 * attaches against it (cred.c).  Unknown over TCP; a unix socket
	 * whose peer cannot be read is refused there, not trusted. */
	if (compat_peercred(fd, &c->c_peeruid, &c->c_peergid) == 0)
		c->c_peerknown = PEER_KNOWN;
	else if (errno == EAFNOSUPPORT)
		c->c_peerknown = PEER_NOTUNIX;
	else
		c->c_peerknown = PEER_UNREADABLE;
	fid_init(&c->c_fids);
	TAILQ_INIT(&c->c_reqs);
	TAILQ_INIT(&c->c_batch);
	TAILQ_INIT(&c->c_done);
	c->c_direct = 1;
	if (srv->s_flushev == NULL) {
		TAILQ_INIT(&srv->s_flushq);
		srv->s_flushev = event_new(srv->s_base, -1, 0, conn_flush_all,
		    srv);
	}
	if (srv->s_flushev == NULL || (c->c_pend = evbuffer_new()) == NULL ||
	    (c->c_in = evbuffer_new()) == NULL ||
	    (c->c_rev = event_new(srv->s_base, fd, EV_READ | EV_PERSIST,
	    conn_readev, c)) == NULL) {
		log_warnx("%s: conn_new: out of memory", peer);
		close(fd);
		if (c->c_pend != NULL)
			evbuffer_free(c->c_pend);
		if (c->c_in != NULL)
			evbuffer_free(c->c_in);
		free(c);
		return NULL;
	}
	/* Threadsafe: workers queue replies on it (conn_send_direct). */
	c->c_bev = bufferevent_socket_new(srv->s_base, fd,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
	if (c->c_bev == NULL) {
		log_warnx("%s: bufferevent_socket_new failed", peer);
		close(fd);
		event_free(c->c_rev);
		evbuffer_free(c->c_in);
		evbuffer_free(c->c_pend);
		free(c);
		return NULL;
	}
	/* The bufferevent writes; reading is conn_readev's. */
	bufferevent_setcb(c->c_bev, NULL, conn_writecb, conn_eventcb, c);
	/* libevent moves 16 KiB per system call by default: a 1 MiB Rread
	 * would take 64 writes.  Let one call move a whole message. */
	bufferevent_set_max_single_write(c->c_bev, srv->s_lim.l_maxmsize);
	/* The write callback runs when queued replies fall below half. */
	bufferevent_setwatermark(c->c_bev, EV_WRITE,
	    srv->s_lim.l_outhiwat / 2, 0);
	bufferevent_enable(c->c_bev, EV_WRITE);
	event_add(c->c_rev, NULL);
	TAILQ_INSERT_TAIL(&srv->s_conns, c, c_entry);
	srv->s_nconns++;
	log_debug("%s: connected", c->c_peer);
	return c;
}

/* The current frame limit: the negotiated msize, or small before it. */
static uint32_t
conn_maxframe(const struct conn *c)
{
	return c->c_msize != 0 ? c->c_msize : CONN_PREVERSION_MSIZE;
}

static int
conn_can_read(const struct conn *c)
{
	struct evbuffer	*out;

	if (c->c_dead || c->c_version != NULL ||
	    c->c_nreqs >= c->c_srv->s_lim.l_maxreqs)
		return 0;
	/*
	 * Queued replies and those still being made both count: a client
	 * that pipelines large reads and never reads the replies is
	 * stopped at the watermark, not at maxreqs times msize.
	 */
	out = bufferevent_get_output(c->c_bev);
	return evbuffer_get_length(out) + evbuffer_get_length(c->c_pend) +
	    c->c_reserved < c->c_srv->s_lim.l_outhiwat;
}

/* Milliseconds on a clock no one can set back; 0 if it fails. */
static int64_t
conn_now_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A half-sent frame gets l_idlesecs to complete; an idle connection
 * between frames has no timeout (a mounted, quiet file system is normal).
 * The time runs from when the frame began, not from the last byte:
 * libevent's read timeout restarts on every read, so one byte a second
 * would otherwise hold the connection (and its buffer) for ever.  It
 * starts again when a frame completes (a client streaming frames always
 * has the next one half in) and when reading resumes after backpressure
 * (the wait was ours).  Reading is (re)enabled here.  -1: the time is up.
 */
static int
conn_set_timeout(struct conn *c, int partial, int progress)
{
	struct timeval	 tv;
	int64_t		 now, left;

	if (!partial) {
		c->c_framedl = 0;
		/* event_add with no time keeps a time set before. */
		event_remove_timer(c->c_rev);
		event_add(c->c_rev, NULL);
		return 0;
	}
	now = conn_now_ms();
	if (progress || c->c_framedl == 0)
		c->c_framedl = now + (int64_t)c->c_srv->s_lim.l_idlesecs * 1000;
	if ((left = c->c_framedl - now) <= 0)
		return -1;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	event_add(c->c_rev, &tv);
	return 0;
}

/*
 * Whether workers must wake the loop for each finished request.  Done
 * requests that came in before the flag went up are not woken for: the
 * loop asks to be woken for them now.
 */
static void
conn_want_wake(struct conn *c, int on)
{
	int	 pending;

	bufferevent_lock(c->c_bev);
	c->c_wantwake = on;
	pending = on && !TAILQ_EMPTY(&c->c_done);
	bufferevent_unlock(c->c_bev);
	if (pending)
		work_wake_conn(c->c_srv->s_wq, c);
}

/*
 * Loop thread: settle the requests workers finished (their replies are
 * queued or sent already).  The caller resumes the connection.
 */
void
conn_drain(struct conn *c)
{
	struct reqlist	 done;
	struct req	*r;

	TAILQ_INIT(&done);
	bufferevent_lock(c->c_bev);
	TAILQ_CONCAT(&done, &c->c_done, r_qentry);
	TAILQ_FOREACH(r, &done, r_qentry)
		r->r_done = 0;
	bufferevent_unlock(c->c_bev);
	while ((r = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, r, r_qentry);
		dispatch_finish(r);
	}
}

/*
 * A request for a frame of size bytes whose type is type: one block for
 * the frame, then an arena for its strings, which never need more than
 * the frame.  Twrite carries none, and a large Twrite must not cost twice
 * its size.  NULL when out of memory.
 */
static struct req *
conn_newreq(struct conn *c, uint32_t size, uint8_t type)
{
	struct req	*r;
	size_t		 cap;

	cap = (size_t)size + (type == P9_TWRITE ? 64 : size);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->r_frame = bufpool_get(c->c_srv->s_pool, cap)) == NULL) {
		free(r);
		return NULL;
	}
	r->r_framecap = cap;
	r->r_conn = c;
	TAILQ_INIT(&r->r_flushes);
	return r;
}

/* A request that never reached dispatch. */
static void
conn_dropreq(struct conn *c, struct req *r)
{
	bufpool_put(c->c_srv->s_pool, r->r_frame, r->r_framecap);
	free(r);
}

/*
 * The next whole frame as a request, NULL if none is in yet (or the
 * connection was closed for a bad size).  A large frame still arriving
 * becomes c_big, which conn_readev fills straight from the socket.
 */
static struct req *
conn_nextframe(struct conn *c)
{
	struct evbuffer	*in = c->c_in;
	struct req	*r;
	uint8_t		 hdr[5];
	uint32_t	 size;
	size_t		 avail;

	if ((r = c->c_big) != NULL) {
		if (c->c_bigoff < c->c_bigsize)
			return NULL;
		c->c_big = NULL;
		return r;
	}
	if ((avail = evbuffer_get_length(in)) < 4)
		return NULL;
	evbuffer_copyout(in, hdr, avail < 5 ? 4 : 5);
	size = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
	    (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (size < P9_HDRSZ || size > conn_maxframe(c)) {
		log_warnx("%s: frame size %u outside 7..%u, closing",
		    c->c_peer, size, conn_maxframe(c));
		conn_close(c, NULL);
		return NULL;
	}
	/*
	 * Frames wait whole in the input, except a large Twrite (the one
	 * message that is large in practice), which is read into place once
	 * its type is in.  Its buffer is the frame plus a little, and only
	 * what arrives of it is ever touched.
	 */
	if (avail < size && (size < CONN_DIRECT_MIN || avail < 5 ||
	    hdr[4] != P9_TWRITE))
		return NULL;
	if ((r = conn_newreq(c, size, hdr[4])) == NULL) {
		log_warnx("%s: out of memory, closing", c->c_peer);
		conn_close(c, NULL);
		return NULL;
	}
	if (avail < size) {
		/* Its first bytes are all the input holds (one frame at a
		 * time comes in): the rest is read into place. */
		evbuffer_remove(in, r->r_frame, avail);
		c->c_big = r;
		c->c_bigoff = avail;
		c->c_bigsize = size;
		return NULL;
	}
	evbuffer_remove(in, r->r_frame, size);
	return r;
}

/* Take whole frames off the input and dispatch them. */
static void
conn_frames(struct conn *c)
{
	struct req	*r;
	int		 took = 0, partial;

	c->c_inframes = 1;
	/* What the client read replies of is settled before it goes on. */
	conn_drain(c);
	while (conn_can_read(c) && (r = conn_nextframe(c)) != NULL) {
		dispatch(c, r);
		took = 1;
		/*
		 * A pipelining client gets the first replies of a long batch
		 * while the rest are made: both ends work at once instead of
		 * taking turns.
		 */
		if (c->c_npend >= CONN_EARLY_FLUSH && !c->c_dead)
			conn_flush(c);
	}
	/* Even a connection closing mid-batch lets those finish: they are
	 * counted in c_nreqs and it is freed only when they are done. */
	partial = evbuffer_get_length(c->c_in) > 0 || c->c_big != NULL;
	/*
	 * Quiet: the batch is all that is in flight and nothing more has
	 * come in.  A client that waits for each reply looks like that; one
	 * streaming large writes does not (the next frame is arriving), and
	 * its worker must not wait on the bufferevent lock this loop holds
	 * while it reads that frame.
	 */
	work_submit(c->c_srv->s_wq, &c->c_batch, !partial && c->c_nreqs == 1);
	c->c_inframes = 0;
	if (c->c_dead) {
		conn_drain(c);
		conn_reap(c);
		return;
	}
	if (conn_can_read(c)) {
		if (conn_set_timeout(c, partial, took || c->c_rstopped)) {
			conn_close(c, "timed out in a half-sent frame");
			return;
		}
		c->c_rstopped = 0;
		conn_want_wake(c, 0);
	} else {
		c->c_rstopped = 1;
		/* Not reading: no time runs against the client. */
		c->c_framedl = 0;
		event_del(c->c_rev);
		/* Only completions can start reading again. */
		conn_want_wake(c, 1);
	}
}

/*
 * The socket is readable (or a half-sent frame's time is up).  One read
 * per call, so that every connection gets its turn: into the large frame
 * being assembled, else up to CONN_READ_CHUNK into the input buffer.
 */
static void
conn_readev(evutil_socket_t fd, short what, void *arg)
{
	struct conn		*c = arg;
	struct evbuffer_iovec	 v[2];
	struct iovec		 iov[2];
	ssize_t			 n;
	size_t			 left;
	int			 nv, i;

	if (what & EV_TIMEOUT) {
		conn_close(c, "timed out in a half-sent frame");
		return;
	}
	if (c->c_big != NULL)
		n = read(fd, c->c_big->r_frame + c->c_bigoff,
		    c->c_bigsize - c->c_bigoff);
	else {
		nv = evbuffer_reserve_space(c->c_in, CONN_READ_CHUNK, v, 2);
		if (nv <= 0) {
			conn_close(c, "out of memory for input, closing");
			return;
		}
		for (i = 0; i < nv; i++) {
			iov[i].iov_base = v[i].iov_base;
			iov[i].iov_len = v[i].iov_len;
		}
		n = readv(fd, iov, nv);
		if (n > 0) {
			/* Give back what the read did not fill. */
			left = (size_t)n;
			for (i = 0; i < nv && left > 0; i++) {
				if (v[i].iov_len > left)
					v[i].iov_len = left;
				left -= v[i].iov_len;
			}
			evbuffer_commit_space(c->c_in, v, i);
		}
	}
	if (n == 0) {
		conn_close(c, "closed by peer");
		return;
	}
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		conn_close(c, strerror(errno));
		return;
	}
	if (c->c_big != NULL)
		c->c_bigoff += (size_t)n;
	conn_frames(c);
}

static void
conn_writecb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	conn_resume(c);
}

static void
conn_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;

	(void)bev;
	/* libevent stopped writing at a window that faulted: copy it and
	 * write on. */
	if ((what & (BEV_EVENT_ERROR | BEV_EVENT_WRITING)) ==
	    (BEV_EVENT_ERROR | BEV_EVENT_WRITING) &&
	    EVUTIL_SOCKET_ERROR() == EFAULT && !c->c_dead &&
	    conn_unwindow(c, bufferevent_get_output(c->c_bev), 1) == 0 &&
	    bufferevent_enable(c->c_bev, EV_WRITE) == 0)
		return;
	if (what & BEV_EVENT_EOF)
		conn_close(c, "closed by peer");
	else if (what & BEV_EVENT_TIMEOUT)
		conn_close(c, "timed out in a half-sent frame");
	else if (what & BEV_EVENT_ERROR)
		conn_close(c, strerror(EVUTIL_SOCKET_ERROR()));
}

/* Called when requests complete or output drains. */
void
conn_resume(struct conn *c)
{
	if (c->c_dead) {
		conn_reap(c);
		return;
	}
	/* Inside the frame loop already: it re-checks on its own. */
	if (c->c_inframes)
		return;
	if (c->c_version != NULL && c->c_nreqs == 0)
		version_run(c);
	conn_frames(c);
}

static void
conn_free_reply(const void *data, size_t len, void *arg)
{
	struct server	*srv = arg;

	/* libevent hands back as const the pool buffer we queued. */
	bufpool_put(srv->s_pool, (void *)(uintptr_t)data, len);
}

/* A reply sent from a window is out: drop its reference. */
static void
conn_free_window(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	mapwin_put(arg);
}

/*
 * Whether len bytes in a pool buffer asked for ask bytes may be queued
 * by reference.  The reference pins the whole buffer, whose size is the
 * pool's (about msize) however short the reply: an 11-byte Rread past
 * the end would hold half a megabyte against 11 bytes counted, and the
 * output limit would bound nothing.  A reply that fills less than half
 * its buffer is copied instead, which is cheap for what is that short,
 * so queued replies hold at most twice the bytes the limit counts.
 */
static int
conn_by_ref(struct conn *c, size_t len, size_t ask)
{
	return len >= bufpool_size(c->c_srv->s_pool, ask) / 2;
}

/*
 * Queue the reply bytes from off on in out; 1 if the output took a
 * reference, 0 a copy, -1 on failure.  A large reply (Rread data) is
 * handed over whole, not copied again: a buffer, or the bytes in a
 * window on the file, whose reference the output takes.
 */
static int
conn_queue(struct req *r, size_t off, struct evbuffer *out)
{
	struct conn	*c = r->r_conn;
	size_t		 hdr;

	if (r->r_win != NULL) {
		hdr = r->r_outlen - r->r_wlen;
		if (off < hdr && evbuffer_add(out, r->r_out + off,
		    hdr - off) == -1)
			return -1;
		off = off > hdr ? off - hdr : 0;
		if (off < r->r_wlen && evbuffer_add_reference(out,
		    r->r_wdata + off, r->r_wlen - off, conn_free_window,
		    r->r_win) == -1)
			return -1;
		if (off >= r->r_wlen) {
			mapwin_put(r->r_win);
			r->r_win = NULL;
			return 0;
		}
		r->r_win = NULL;
		return 1;
	}
	if (off == 0 && r->r_out == r->r_outheap && r->r_outheap != NULL &&
	    conn_by_ref(c, r->r_outlen, r->r_outcap)) {
		if (evbuffer_add_reference(out, r->r_outheap, r->r_outlen,
		    conn_free_reply, c->c_srv) == -1)
			return -1;
		r->r_outheap = NULL;
		r->r_out = NULL;
		return 1;
	}
	return evbuffer_add(out, r->r_out + off, r->r_outlen - off);
}

/*
 * A write failed with EFAULT: a window's file shrank on the host after
 * its bytes were queued, and the kernel would not read the pages past
 * the new end.  The reply's length is on the wire already, so what the
 * file no longer has goes out as zeros (what pread would have left in a
 * buffer read earlier is no better).  buf becomes a copy made without
 * touching any window from user space; 0, or -1 if it cannot be.
 * frozen: buf is the bufferevent's output.
 */
static int
conn_unwindow(struct conn *c, struct evbuffer *buf, int frozen)
{
	struct evbuffer	*copy;
	struct iovec	*v, room;
	int		 i, n, rc = -1;

	if ((n = evbuffer_peek(buf, -1, NULL, NULL, 0)) <= 0)
		return 0;
	if ((v = reallocarray(NULL, (size_t)n, sizeof(*v))) == NULL)
		return -1;
	if ((copy = evbuffer_new()) == NULL)
		goto out;
	n = evbuffer_peek(buf, -1, NULL, v, n);
	for (i = 0; i < n; i++) {
		if (v[i].iov_len == 0)
			continue;
		if (evbuffer_reserve_space(copy, (ev_ssize_t)v[i].iov_len,
		    &room, 1) != 1 ||
		    compat_copy_safe(room.iov_base, v[i].iov_base,
		    v[i].iov_len) == -1)
			goto out;
		room.iov_len = v[i].iov_len;
		if (evbuffer_commit_space(copy, &room, 1) == -1)
			goto out;
	}
	log_warnx("%s: a file shrank while being sent; its missing bytes "
	    "go out as zeros", c->c_peer);
	/* The windows' references go with the old chains.  A socket
	 * bufferevent's output is frozen at the front (only it drains
	 * what it wrote): thawed for this. */
	if (frozen)
		evbuffer_unfreeze(buf, 1);
	rc = evbuffer_drain(buf, evbuffer_get_length(buf));
	if (frozen)
		evbuffer_freeze(buf, 1);
	if (rc == 0)
		rc = evbuffer_add_buffer(buf, copy);
out:
	if (copy != NULL)
		evbuffer_free(copy);
	free(v);
	return rc;
}

/*
 * Loop thread: queue a finished request's reply; r is not freed here.
 * Replies collect in c_pend until the loop is done with this round of
 * callbacks, then go out in one write (conn_flush).
 */
void
conn_reply(struct req *r)
{
	struct conn	*c = r->r_conn;
	struct server	*srv = c->c_srv;
	int		 rc;

	if (c->c_dead || r->r_outlen == 0)
		return;
	if ((rc = conn_queue(r, 0, c->c_pend)) == -1) {
		log_warnx("%s: cannot queue reply, closing", c->c_peer);
		conn_close(c, NULL);
		return;
	}
	if (rc == 1)
		c->c_pendref = 1;
	c->c_npend++;
	if (!c->c_onflush) {
		c->c_onflush = 1;
		TAILQ_INSERT_TAIL(&srv->s_flushq, c, c_fentry);
		/* Runs in this loop iteration, after the callbacks queued. */
		event_active(srv->s_flushev, EV_TIMEOUT, 0);
	}
}

/*
 * Move c_pend to the end of out; 0 or -1.  Moving hands over whole
 * chains, each at least a kilobyte however little it holds: a client
 * that never reads and gets a few short replies per flush would have
 * out hold a hundred times the bytes its limit counts.  So a few
 * copied bytes are copied again, into the room at out's end; references
 * (large replies) always move.
 */
static int
conn_pend_move(struct conn *c, struct evbuffer *out)
{
	struct evbuffer_iovec	 v[4];
	size_t			 len;
	int			 i, n;

	len = evbuffer_get_length(c->c_pend);
	if (c->c_pendref || len > CONN_PACK_MAX ||
	    evbuffer_get_length(out) == 0 ||
	    (n = evbuffer_peek(c->c_pend, -1, NULL, v, 4)) > 4)
		return evbuffer_add_buffer(out, c->c_pend);
	for (i = 0; i < n; i++)
		if (evbuffer_add(out, v[i].iov_base, v[i].iov_len) == -1)
			return -1;
	return evbuffer_drain(c->c_pend, len);
}

/*
 * Loop thread: write c_pend out.  Straight to the socket when nothing is
 * queued in the bufferevent (no write event, no extra epoll round for
 * each reply); what the socket does not take moves, without a copy, to
 * the bufferevent, which writes it when it can.  Under the bufferevent
 * lock, so a worker's direct send never lands inside a reply.
 */
static void
conn_flush(struct conn *c)
{
	struct evbuffer	*out = bufferevent_get_output(c->c_bev);
	int		 rc;

	if (c->c_onflush) {
		TAILQ_REMOVE(&c->c_srv->s_flushq, c, c_fentry);
		c->c_onflush = 0;
	}
	c->c_npend = 0;
	if (c->c_dead) {
		evbuffer_drain(c->c_pend, evbuffer_get_length(c->c_pend));
		c->c_pendref = 0;
		return;
	}
	bufferevent_lock(c->c_bev);
	if (evbuffer_get_length(out) == 0 &&
	    evbuffer_write(c->c_pend, c->c_fd) == -1 && errno == EFAULT &&
	    conn_unwindow(c, c->c_pend, 0) == -1) {
		/* Part of a reply may be out: the stream cannot go on. */
		bufferevent_unlock(c->c_bev);
		log_warnx("%s: cannot copy a reply of a shrunk file, closing",
		    c->c_peer);
		conn_close(c, NULL);
		return;
	}
	rc = evbuffer_get_length(c->c_pend) > 0 ? conn_pend_move(c, out) : 0;
	/* c_pend is empty now, or the connection closes. */
	c->c_pendref = 0;
	if (rc == -1) {
		bufferevent_unlock(c->c_bev);
		log_warnx("%s: cannot queue reply, closing", c->c_peer);
		conn_close(c, NULL);
		return;
	}
	bufferevent_unlock(c->c_bev);
	/* Written straight out: the write callback that would restart
	 * reading stopped for the queued bytes does not come. */
	if (c->c_rstopped)
		conn_resume(c);		/* may free c */
}

static void
conn_flush_all(int fd, short ev, void *arg)
{
	struct server	*srv = arg;
	struct conn	*c;

	(void)fd;
	(void)ev;
	while ((c = TAILQ_FIRST(&srv->s_flushq)) != NULL)
		conn_flush(c);
}

/*
 * Worker, under the bufferevent lock: send r's reply now.  Straight to
 * the socket when nothing is queued before it, so the loop need not run
 * for it; what the socket does not take goes to the output buffer, which
 * the loop writes out.  If even queueing fails, r_replied stays 0 and
 * the loop tries again (and closes the connection).
 */
void
conn_send_direct(struct req *r)
{
	struct conn	*c = r->r_conn;
	struct bufpool	*bp = c->c_srv->s_pool;
	struct iovec	 iov[2];
	struct msghdr	 mh;
	ssize_t		 n = 0;

	if (evbuffer_get_length(bufferevent_get_output(c->c_bev)) == 0) {
		/* The header, then a window's bytes if there are any. */
		iov[0].iov_base = r->r_out;
		iov[0].iov_len = r->r_outlen - r->r_wlen;
		iov[1].iov_base = (void *)(uintptr_t)r->r_wdata;
		iov[1].iov_len = r->r_wlen;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = r->r_win != NULL ? 2 : 1;
		n = sendmsg(c->c_fd, &mh, CONN_SENDFLAGS);
		/* Full, or broken, or a window that faulted: the loop's
		 * write finds out which, from the queued rest. */
		if (n == -1)
			n = 0;
	}
	if ((size_t)n < r->r_outlen && conn_queue(r, (size_t)n,
	    bufferevent_get_output(c->c_bev)) == -1)
		return;
	r->r_replied = 1;
	/* A settled request needs its header only: give memory back now,
	 * not when the loop next looks at this connection. */
	bufpool_put(bp, r->r_outheap, r->r_outcap);
	r->r_outheap = NULL;
	r->r_out = NULL;
	bufpool_put(bp, r->r_frame, r->r_framecap);
	r->r_frame = NULL;
}

/*
 * Worker: send an Rread whose header is r's reply (r_out, r_outlen) and
 * whose n data bytes are in a mapping of the file, in one sendmsg(2), if
 * nothing is queued before it; -1 when nothing could be sent, and r is
 * answered the usual way.  The mapping is the page cache itself, so its
 * bytes are copied once, into the socket.  What the socket does not take
 * now is read again through fill into a buffer for the loop to write:
 * user space must not touch the mapping (a file that shrank meanwhile
 * raises SIGBUS), whereas the kernel just ends the send early (EFAULT)
 * and fill sees the file as it is now.  Under the bufferevent lock, so
 * nothing else goes out between the parts of the reply.
 */
int
conn_send_mapped(struct req *r, const uint8_t *data, size_t n,
    int (*fill)(void *, uint8_t *, size_t, size_t), void *arg)
{
	struct conn	*c = r->r_conn;
	struct bufpool	*bp = c->c_srv->s_pool;
	struct evbuffer	*out;
	struct iovec	 iov[2];
	struct msghdr	 mh;
	ssize_t		 sent;
	size_t		 from, rest = 0;
	uint8_t		*buf = NULL;

	bufferevent_lock(c->c_bev);
	out = bufferevent_get_output(c->c_bev);
	if (!c->c_direct || evbuffer_get_length(out) != 0) {
		bufferevent_unlock(c->c_bev);
		return -1;
	}
	iov[0].iov_base = r->r_out;
	iov[0].iov_len = r->r_outlen;
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = n;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	/* Full, or broken (the loop's read or write finds out): as if the
	 * mapping had not been tried. */
	if ((sent = sendmsg(c->c_fd, &mh, CONN_SENDFLAGS)) <= 0) {
		bufferevent_unlock(c->c_bev);
		return -1;
	}
	if ((size_t)sent < r->r_outlen && evbuffer_add(out,
	    r->r_out + sent, r->r_outlen - (size_t)sent) == -1)
		goto lost;
	from = (size_t)sent > r->r_outlen ? (size_t)sent - r->r_outlen : 0;
	if (from < n) {
		rest = n - from;
		if ((buf = bufpool_get(bp, rest)) == NULL ||
		    fill(arg, buf, from, rest) == -1)
			goto lost;
		if (!conn_by_ref(c, rest, rest)) {
			if (evbuffer_add(out, buf, rest) == -1)
				goto lost;
			bufpool_put(bp, buf, rest);
		} else if (evbuffer_add_reference(out, buf, rest,
		    conn_free_reply, c->c_srv) == -1)
			goto lost;
	}
	r->r_replied = 1;
	bufferevent_unlock(c->c_bev);
	return 0;

lost:
	/* Part of the reply is out and the rest cannot follow: the byte
	 * stream is broken.  The loop sees the socket shut and closes. */
	bufpool_put(bp, buf, rest);
	log_warnx("%s: cannot finish a read reply, closing", c->c_peer);
	(void)shutdown(c->c_fd, SHUT_RDWR);
	r->r_replied = 1;
	bufferevent_unlock(c->c_bev);
	return 0;
}

/*
 * Stop reading; free the connection once no worker holds a request of
 * it.  Requests in flight finish and their replies are dropped.
 */
void
conn_close(struct conn *c, const char *why)
{
	if (c->c_dead)
		return;
	if (why != NULL)
		log_debug("%s: %s", c->c_peer, why);
	c->c_dead = 1;
	event_del(c->c_rev);
	bufferevent_disable(c->c_bev, EV_READ | EV_WRITE);
	/* Workers send nothing more, and wake us for what they finish. */
	bufferevent_lock(c->c_bev);
	c->c_direct = 0;
	c->c_wantwake = 1;
	bufferevent_unlock(c->c_bev);
	if (!c->c_inframes)
		conn_drain(c);
	conn_reap(c);
}

static void
conn_free(struct conn *c)
{
	struct server	*srv = c->c_srv;
	int		 inetd = c->c_inetd;

	if (c->c_version != NULL) {
		req_free(c->c_version);
		c->c_version = NULL;
	}
	fid_clear(&c->c_fids);
	work_forget_conn(srv->s_wq, c);
	if (c->c_onflush)
		TAILQ_REMOVE(&srv->s_flushq, c, c_fentry);
	evbuffer_free(c->c_pend);
	if (c->c_big != NULL)
		conn_dropreq(c, c->c_big);
	/* Before the bufferevent closes the descriptor it watches. */
	event_free(c->c_rev);
	evbuffer_free(c->c_in);
	bufferevent_free(c->c_bev);
	TAILQ_REMOVE(&srv->s_conns, c, c_entry);
	srv->s_nconns--;
	free(c);
	if (inetd || (srv->s_stopping && srv->s_nconns == 0))
		server_stop(srv);
}

/*
 * Free a dead connection once no request of it is in flight and we are
 * not inside its frame loop (which would touch it after returning).
 */
void
conn_reap(struct conn *c)
{
	if (c->c_dead && c->c_nreqs == 0 && !c->c_inframes)
		conn_free(c);
}
