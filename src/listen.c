/*
 * Listeners: unix sockets, TCP over IPv4 and IPv6.  Sockets are made and
 * bound at start-up (before any privilege drop); accepting pauses for a
 * second when the process is out of descriptors rather than spinning.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "fsgoferd.h"

static void
listener_accept(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener	*li = arg;
	struct server	*srv = li->li_srv;
	char		 peer[128], host[64], serv[16];
	int		 one = 1;

	(void)evl;
	if (srv->s_stopping || srv->s_nconns >= srv->s_lim.l_maxconn) {
		log_warnx("%s: connection limit %d reached, refusing",
		    li->li_name, srv->s_lim.l_maxconn);
		close(fd);
		return;
	}
	if (li->li_unix) {
		if (snprintf(peer, sizeof(peer), "unix#%d", fd) < 0)
			strlcpy(peer, "?", sizeof(peer));
	} else {
		if (getnameinfo(sa, salen, host, sizeof(host), serv,
		    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			strlcpy(host, "?", sizeof(host));
		if (snprintf(peer, sizeof(peer), "%s:%s", host, serv) < 0)
			strlcpy(peer, "?", sizeof(peer));
		/* 9P is request/response: never hold back a small reply. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	conn_new(srv, fd, peer);
}

static void
listener_retry(int fd, short ev, void *arg)
{
	struct listener	*li = arg;

	(void)fd;
	(void)ev;
	evconnlistener_enable(li->li_evl);
}

static void
listener_error(struct evconnlistener *evl, void *arg)
{
	struct listener	*li = arg;
	struct timeval	 tv = { 1, 0 };
	int		 err = EVUTIL_SOCKET_ERROR();

	log_warnx("%s: accept: %s", li->li_name, strerror(err));
	if (err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM) {
		evconnlistener_disable(evl);
		evtimer_add(li->li_retry, &tv);
	}
}

static int
listener_unix(struct listener *li, const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path[0] != '/' || strlcpy(sun.sun_path, path,
	    sizeof(sun.sun_path)) >= sizeof(sun.sun_path)) {
		warnx("%s: socket path must be absolute and short", path);
		return -1;
	}
	/* A stale socket from an earlier run is replaced; nothing else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			warnx("%s: exists and is not a socket", path);
			return -1;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		warn("%s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	li->li_fd = fd;
	li->li_unix = 1;
	if ((li->li_path = strdup(path)) == NULL)
		err(1, NULL);
	if (snprintf(li->li_name, sizeof(li->li_name), "unix:%s", path) < 0)
		strlcpy(li->li_name, path, sizeof(li->li_name));
	return 0;
}

/* tcp:HOST:PORT or tcp:[V6]:PORT; port 0 picks a free one. */
static int
listener_tcp(struct listener *li, const char *spec)
{
	struct addrinfo		 hints, *res;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	char			 host[256], hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];
	const char		*port, *h;
	size_t			 hlen;
	int			 fd, one = 1, e;

	if (spec[0] == '[') {
		if ((port = strstr(spec, "]:")) == NULL)
			goto bad;
		h = spec + 1;
		hlen = (size_t)(port - h);
		port += 2;
	} else {
		if ((port = strrchr(spec, ':')) == NULL)
			goto bad;
		h = spec;
		hlen = (size_t)(port - h);
		port++;
	}
	if (hlen == 0 || hlen >= sizeof(host) || *port == '\0' ||
	    strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
		goto bad;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		warnx("tcp:%s: %s", spec, gai_strerror(e));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    res->ai_protocol);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    (res->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		warn("tcp:%s", spec);
		if (fd != -1)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	if (getnameinfo((struct sockaddr *)&ss, sslen, hbuf, sizeof(hbuf),
	    pbuf, sizeof(pbuf), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		warnx("tcp:%s: getnameinfo failed", spec);
		close(fd);
		return -1;
	}
	li->li_fd = fd;
	li->li_port = atoi(pbuf);
	if (snprintf(li->li_name, sizeof(li->li_name), ss.ss_family ==
	    AF_INET6 ? "tcp:[%s]:%s" : "tcp:%s:%s", hbuf, pbuf) < 0)
		strlcpy(li->li_name, spec, sizeof(li->li_name));
	return 0;
bad:
	warnx("tcp:%s: expected tcp:HOST:PORT or tcp:[V6ADDR]:PORT", spec);
	return -1;
}

/* Parse and bind a listen spec; err(3)-style messages, -1 on error. */
int
listener_add(struct server *srv, const char *spec)
{
	struct listener	*li;
	int		 rc;

	if ((li = calloc(1, sizeof(*li))) == NULL)
		err(1, NULL);
	li->li_srv = srv;
	li->li_fd = -1;
	if ((li->li_spec = strdup(spec)) == NULL)
		err(1, NULL);
	if (strncmp(spec, "unix:", 5) == 0)
		rc = listener_unix(li, spec + 5);
	else if (strncmp(spec, "tcp:", 4) == 0)
		rc = listener_tcp(li, spec + 4);
	else {
		warnx("%s: listen spec must be unix:/path or tcp:HOST:PORT",
		    spec);
		rc = -1;
	}
	if (rc == -1) {
		listener_free(li);
		return -1;
	}
	TAILQ_INSERT_TAIL(&srv->s_listeners, li, li_entry);
	return 0;
}

/* Start accepting on every listener; after the event base exists. */
int
listener_start(struct server *srv)
{
	struct listener	*li;

	TAILQ_FOREACH(li, &srv->s_listeners, li_entry) {
		evutil_make_socket_nonblocking(li->li_fd);
		li->li_evl = evconnlistener_new(srv->s_base, listener_accept,
		    li, LEV_OPT_CLOSE_ON_FREE, 128, li->li_fd);
		if (li->li_evl == NULL) {
			log_warnx("%s: cannot listen", li->li_name);
			return -1;
		}
		li->li_fd = -1;		/* owned by li_evl now */
		evconnlistener_set_error_cb(li->li_evl, listener_error);
		li->li_retry = evtimer_new(srv->s_base, listener_retry, li);
		if (li->li_retry == NULL)
			return -1;
		log_info("listening on %s", li->li_name);
	}
	return 0;
}

void
listener_free(struct listener *li)
{
	if (li->li_evl != NULL)
		evconnlistener_free(li->li_evl);
	if (li->li_fd != -1)
		close(li->li_fd);
	if (li->li_retry != NULL)
		event_free(li->li_retry);
	if (li->li_path != NULL) {
		unlink(li->li_path);
		free(li->li_path);
	}
	free(li->li_spec);
	free(li);
}
