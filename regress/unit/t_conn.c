/*
 * conn.c with the real event loop and worker pool: bytes go in through
 * a socketpair, replies come back out of it.  Framing (a size under the
 * 9P header or over the frame limit closes the connection), replies made
 * by workers reaching the client, and a connection torn down with
 * requests still in flight (LeakSanitizer in the SANITIZE=1 build checks
 * that their memory is given back).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>
#include <event2/event.h>

#include "fsgoferd.h"
#include "p9.h"

#define WAIT_SEC	20	/* bound on any wait for the loop */

static struct server	 srv;
static struct export	 ex;
static int		 peer = -1;	/* the client's end */

static void
srv_setup(void)
{
	int	 sv[2];

	ATF_REQUIRE(mkdir("exp", 0755) == 0);
	log_init(1, 0);
	memset(&srv, 0, sizeof(srv));
	TAILQ_INIT(&srv.s_exports);
	TAILQ_INIT(&srv.s_listeners);
	TAILQ_INIT(&srv.s_conns);
	srv.s_lim.l_maxmsize = 65536;
	srv.s_lim.l_maxconn = 4;
	srv.s_lim.l_maxfids = 64;
	srv.s_lim.l_maxreqs = 64;
	srv.s_lim.l_outhiwat = 1 << 20;
	srv.s_lim.l_workers = 2;
	srv.s_lim.l_idlesecs = 30;
	pthread_mutex_init(&srv.s_xattrlock, NULL);
	memset(&ex, 0, sizeof(ex));
	ex.e_aname = "";
	ex.e_path = "exp";
	ex.e_idmode = ID_TRUSTED;
	ex.e_rootfd = open("exp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ATF_REQUIRE(ex.e_rootfd != -1);
	ATF_REQUIRE(lf_export_init(&ex) == 0);
	TAILQ_INSERT_TAIL(&srv.s_exports, &ex, e_entry);
	ATF_REQUIRE((srv.s_base = server_base_new()) != NULL);
	ATF_REQUIRE((srv.s_pool = bufpool_new(srv.s_lim.l_maxmsize + 64)) !=
	    NULL);
	ATF_REQUIRE((srv.s_wq = work_init(&srv, srv.s_lim.l_workers,
	    COMPAT_SANDBOX_NONE)) != NULL);
	/* As the daemon runs: dropped fids are closed by a worker. */
	fid_set_closer(work_close, srv.s_wq);
	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ATF_REQUIRE(fcntl(sv[1], F_SETFL, O_NONBLOCK) == 0);
	ATF_REQUIRE(conn_new(&srv, sv[0], "test") != NULL);
	peer = sv[1];
}

static int
expired(time_t start)
{
	return time(NULL) - start > WAIT_SEC;
}

/* Run the loop until the connection is gone; 0 if it went in time. */
static int
wait_gone(void)
{
	time_t	 start = time(NULL);

	while (srv.s_nconns > 0 && !expired(start))
		event_base_loop(srv.s_base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	return srv.s_nconns == 0 ? 0 : -1;
}

static void
srv_done(void)
{
	if (peer != -1) {
		shutdown(peer, SHUT_WR);
		ATF_CHECK(wait_gone() == 0);
		close(peer);
		peer = -1;
	}
	fid_set_closer(NULL, NULL);
	work_shutdown(srv.s_wq);
	if (srv.s_stoptimer != NULL)
		event_free(srv.s_stoptimer);
	if (srv.s_flushev != NULL)
		event_free(srv.s_flushev);
	event_base_free(srv.s_base);
	bufpool_free(srv.s_pool);
	lf_export_free(&ex);
	close(ex.e_rootfd);
	pthread_mutex_destroy(&srv.s_xattrlock);
}

static void
send_all(const uint8_t *p, size_t len)
{
	time_t	 start = time(NULL);
	ssize_t	 n;

	while (len > 0) {
		ATF_REQUIRE_MSG(!expired(start), "server stopped reading");
		n = write(peer, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else
			ATF_REQUIRE_MSG(n == -1 && errno == EAGAIN,
			    "write: %s", strerror(errno));
		event_base_loop(srv.s_base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	}
}

/*
 * One whole reply into buf; its length, 0 at end of stream.  The loop
 * runs meanwhile, so workers' completions are settled as they come.
 */
static size_t
recv_msg(uint8_t *buf, size_t cap)
{
	time_t	 start = time(NULL);
	size_t	 have = 0, want = 4;
	ssize_t	 n;

	while (have < want) {
		ATF_REQUIRE_MSG(!expired(start), "no reply in %d s", WAIT_SEC);
		n = read(peer, buf + have, want - have);
		if (n == 0)
			return 0;
		if (n > 0) {
			have += (size_t)n;
			if (have == 4) {
				want = (size_t)buf[0] | (size_t)buf[1] << 8 |
				    (size_t)buf[2] << 16 |
				    (size_t)buf[3] << 24;
				ATF_REQUIRE(want >= P9_HDRSZ && want <= cap);
			}
			continue;
		}
		ATF_REQUIRE(errno == EAGAIN);
		event_base_loop(srv.s_base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	}
	return have;
}

/* A little message builder: size, type, tag, then the body. */
struct msg {
	uint8_t	 m_buf[256];
	size_t	 m_len;
};

static void
put(struct msg *m, uint64_t v, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		m->m_buf[m->m_len++] = (uint8_t)(v >> (8 * i));
}

static void
puts9(struct msg *m, const char *s)
{
	put(m, strlen(s), 2);
	memcpy(m->m_buf + m->m_len, s, strlen(s));
	m->m_len += strlen(s);
}

static void
start(struct msg *m, int type, int tag)
{
	m->m_len = 4;
	put(m, (uint64_t)type, 1);
	put(m, (uint64_t)tag, 2);
}

static void
finish(struct msg *m)
{
	size_t	 len = m->m_len;

	m->m_len = 0;
	put(m, len, 4);
	m->m_len = len;
}

static void
version_attach(void)
{
	struct msg	 m;
	uint8_t		 buf[256];

	start(&m, P9_TVERSION, 0xffff);
	put(&m, 8192, 4);
	puts9(&m, "9P2000.L");
	finish(&m);
	send_all(m.m_buf, m.m_len);
	ATF_REQUIRE(recv_msg(buf, sizeof(buf)) > 0);
	ATF_REQUIRE_EQ(buf[4], P9_RVERSION);

	start(&m, P9_TATTACH, 1);
	put(&m, 0, 4);			/* fid */
	put(&m, P9_NOFID, 4);		/* afid */
	puts9(&m, "");
	puts9(&m, "");
	put(&m, getuid(), 4);
	finish(&m);
	send_all(m.m_buf, m.m_len);
	ATF_REQUIRE(recv_msg(buf, sizeof(buf)) > 0);
	ATF_REQUIRE_EQ_MSG(buf[4], P9_RATTACH, "Tattach: reply type %d",
	    buf[4]);
}

static void
getattr(struct msg *m, int tag)
{
	start(m, P9_TGETATTR, tag);
	put(m, 0, 4);
	put(m, 0x7ff, 8);		/* P9_GETATTR_BASIC */
	finish(m);
}

ATF_TC_WITHOUT_HEAD(version_reply);
ATF_TC_BODY(version_reply, tc)
{
	struct msg	 m;
	uint8_t		 buf[256];
	size_t		 n;
	uint32_t	 msize;

	srv_setup();
	start(&m, P9_TVERSION, 0xffff);
	put(&m, 4096, 4);
	puts9(&m, "9P2000.L");
	finish(&m);
	/* A byte at a time: framing must wait for the whole message. */
	for (n = 0; n < m.m_len; n++)
		send_all(m.m_buf + n, 1);
	n = recv_msg(buf, sizeof(buf));
	ATF_REQUIRE(n > 0);
	ATF_CHECK_EQ(buf[4], P9_RVERSION);
	ATF_CHECK(buf[5] == 0xff && buf[6] == 0xff);
	msize = (uint32_t)buf[7] | (uint32_t)buf[8] << 8 |
	    (uint32_t)buf[9] << 16 | (uint32_t)buf[10] << 24;
	ATF_CHECK_EQ(msize, 4096);
	ATF_CHECK_EQ(srv.s_nconns, 1);
	srv_done();
}

static void
bad_size(uint32_t size)
{
	struct msg	 m;
	uint8_t		 buf[256];

	srv_setup();
	m.m_len = 0;
	put(&m, size, 4);
	put(&m, P9_TVERSION, 1);
	put(&m, 0xffff, 2);
	send_all(m.m_buf, m.m_len);
	ATF_CHECK_MSG(wait_gone() == 0, "frame of size %u accepted", size);
	ATF_CHECK_MSG(recv_msg(buf, sizeof(buf)) == 0,
	    "frame of size %u answered", size);
	srv_done();
}

ATF_TC_WITHOUT_HEAD(frame_too_short);
ATF_TC_BODY(frame_too_short, tc)
{
	bad_size(P9_HDRSZ - 1);
}

ATF_TC_WITHOUT_HEAD(frame_zero);
ATF_TC_BODY(frame_zero, tc)
{
	bad_size(0);
}

/* Before Tversion the limit is the small pre-version one. */
ATF_TC_WITHOUT_HEAD(frame_over_preversion);
ATF_TC_BODY(frame_over_preversion, tc)
{
	bad_size(8192 + 1);
}

/* After Tversion the limit is the negotiated msize. */
ATF_TC_WITHOUT_HEAD(frame_over_msize);
ATF_TC_BODY(frame_over_msize, tc)
{
	struct msg	 m;
	uint8_t		 buf[256];

	srv_setup();
	version_attach();
	m.m_len = 0;
	put(&m, 8192 + 1, 4);
	put(&m, P9_TGETATTR, 1);
	put(&m, 2, 2);
	send_all(m.m_buf, m.m_len);
	ATF_CHECK(wait_gone() == 0);
	ATF_CHECK(recv_msg(buf, sizeof(buf)) == 0);
	srv_done();
}

/* Pipelined requests run on workers; every reply reaches the client. */
ATF_TC_WITHOUT_HEAD(worker_replies);
ATF_TC_BODY(worker_replies, tc)
{
	struct msg	 m;
	uint8_t		 buf[256], seen[32];
	int		 i, tag;

	srv_setup();
	version_attach();
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 32; i++) {
		getattr(&m, 100 + i);
		send_all(m.m_buf, m.m_len);
	}
	for (i = 0; i < 32; i++) {
		ATF_REQUIRE(recv_msg(buf, sizeof(buf)) > 0);
		ATF_CHECK_EQ_MSG(buf[4], P9_RGETATTR, "reply type %d", buf[4]);
		tag = buf[5] | buf[6] << 8;
		ATF_REQUIRE(tag >= 100 && tag < 132);
		ATF_CHECK_MSG(!seen[tag - 100], "tag %d answered twice", tag);
		seen[tag - 100] = 1;
	}
	srv_done();
}

/* The client goes away with requests in flight: all is freed. */
ATF_TC_WITHOUT_HEAD(teardown_in_flight);
ATF_TC_BODY(teardown_in_flight, tc)
{
	struct msg	 m;
	int		 i;

	srv_setup();
	version_attach();
	for (i = 0; i < 48; i++) {
		getattr(&m, 200 + i);
		send_all(m.m_buf, m.m_len);
	}
	close(peer);
	peer = -1;
	ATF_CHECK(wait_gone() == 0);
	srv_done();
}

/*
 * The server stops while workers hold a pipeline of requests: the
 * connection is closed once they finish, then the pool shuts down with
 * nothing left queued.
 */
ATF_TC_WITHOUT_HEAD(stop_in_flight);
ATF_TC_BODY(stop_in_flight, tc)
{
	struct msg	 m;
	uint8_t		 buf[256];
	time_t		 t0;
	int		 i;

	srv_setup();
	version_attach();
	for (i = 0; i < 48; i++) {
		getattr(&m, 300 + i);
		send_all(m.m_buf, m.m_len);
	}
	server_stop(&srv);
	ATF_CHECK(wait_gone() == 0);
	/* Replies made before the close may come; then end of stream. */
	t0 = time(NULL);
	while (recv_msg(buf, sizeof(buf)) > 0)
		ATF_REQUIRE(!expired(t0));
	srv_done();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, version_reply);
	ATF_TP_ADD_TC(tp, frame_too_short);
	ATF_TP_ADD_TC(tp, frame_zero);
	ATF_TP_ADD_TC(tp, frame_over_preversion);
	ATF_TP_ADD_TC(tp, frame_over_msize);
	ATF_TP_ADD_TC(tp, worker_replies);
	ATF_TP_ADD_TC(tp, teardown_in_flight);
	ATF_TP_ADD_TC(tp, stop_in_flight);
	return atf_no_error();
}
