/*
 * libFuzzer harness for the whole request path: each input is a byte
 * stream a client sends on one connection (framing, decode, dispatch,
 * workers, localfile) against a scratch export.  The stream is written
 * into a socketpair, the write side is shut, and the event loop runs
 * until the connection is gone, draining every reply.  Afterwards a
 * canary outside the export must be unchanged.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "fsgoferd.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The harness's server: libFuzzer gives no other place to keep it. */
static struct server	 fz_srv;
static char		 fz_top[] = "/tmp/fsgoferd-fuzz.XXXXXX";
static char		 fz_canary[PATH_MAX];
static struct stat	 fz_canary_st;

static void
fz_drain(int fd, short ev, void *arg)
{
	char	 buf[65536];

	(void)ev;
	(void)arg;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct export	*e;
	char		 path[PATH_MAX];
	int		 fd;

	(void)argc;
	(void)argv;
	if (mkdtemp(fz_top) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/export", fz_top);
	snprintf(fz_canary, sizeof(fz_canary), "%s/canary", fz_top);
	if (mkdir(path, 0755) == -1 ||
	    (fd = open(fz_canary, O_CREAT | O_WRONLY, 0644)) == -1 ||
	    write(fd, "canary\n", 7) != 7 || close(fd) == -1 ||
	    stat(fz_canary, &fz_canary_st) == -1)
		abort();
	snprintf(path, sizeof(path), "%s/export/file", fz_top);
	if ((fd = open(path, O_CREAT | O_WRONLY, 0644)) == -1 ||
	    write(fd, "hello\n", 6) != 6 || close(fd) == -1)
		abort();
	snprintf(path, sizeof(path), "%s/export/dir", fz_top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/export/out", fz_top);
	if (symlink("../canary", path) == -1)
		abort();

	log_init(1, 0);
	memset(&fz_srv, 0, sizeof(fz_srv));
	TAILQ_INIT(&fz_srv.s_exports);
	TAILQ_INIT(&fz_srv.s_listeners);
	TAILQ_INIT(&fz_srv.s_conns);
	fz_srv.s_lim.l_maxmsize = 65536;
	fz_srv.s_lim.l_maxconn = 4;
	fz_srv.s_lim.l_maxfids = 64;
	fz_srv.s_lim.l_maxreqs = 16;
	fz_srv.s_lim.l_outhiwat = 1 << 20;
	fz_srv.s_lim.l_workers = 2;
	fz_srv.s_lim.l_idlesecs = 2;
	pthread_mutex_init(&fz_srv.s_xattrlock, NULL);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/export", fz_top);
	e->e_aname = strdup("");
	e->e_path = strdup(path);
	if ((e->e_rootfd = open(path, O_RDONLY | O_DIRECTORY)) == -1 ||
	    lf_export_init(e) != 0)
		abort();
	TAILQ_INSERT_TAIL(&fz_srv.s_exports, e, e_entry);
	if ((fz_srv.s_base = server_base_new()) == NULL)
		abort();
	fz_srv.s_pool = bufpool_new(fz_srv.s_lim.l_maxmsize + 64);
	fz_srv.s_wq = work_init(&fz_srv, fz_srv.s_lim.l_workers,
	    COMPAT_SANDBOX_NONE);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct event	*ev;
	struct stat	 st;
	int		 sv[2];
	size_t		 off = 0;
	ssize_t		 n;

	if (len > 65536)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if (conn_new(&fz_srv, sv[0], "fuzz") == NULL)
		abort();
	ev = event_new(fz_srv.s_base, sv[1], EV_READ | EV_PERSIST, fz_drain,
	    NULL);
	event_add(ev, NULL);
	/* Feed the stream as the loop makes room for it. */
	while (off < len) {
		n = write(sv[1], data + off, len - off);
		if (n > 0)
			off += (size_t)n;
		else if (n == -1 && errno != EAGAIN)
			break;
		event_base_loop(fz_srv.s_base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (fz_srv.s_nconns == 0)
			break;
	}
	shutdown(sv[1], SHUT_WR);
	while (fz_srv.s_nconns > 0)
		event_base_loop(fz_srv.s_base, EVLOOP_ONCE);
	event_free(ev);
	close(sv[1]);
	if (stat(fz_canary, &st) == -1 || st.st_size != fz_canary_st.st_size ||
	    st.st_mode != fz_canary_st.st_mode ||
	    st.st_mtim.tv_sec != fz_canary_st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != fz_canary_st.st_mtim.tv_nsec)
		abort();
	return 0;
}
