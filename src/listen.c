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
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "fsgoferd.h"

static int	listener_unix_bind(struct listener *, const char *, long,
		    uid_t, gid_t);
static void	listen_fail(struct listener *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	listen_refused(struct listener *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
listener_accept(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener	*li = arg;
	struct server	*srv = li->li_srv;
	char		 peer[128], host[64], serv[16];
	int		 one = 1;

	(void)evl;
	if (!li->li_unix && !allow_check(srv, sa)) {
		if (getnameinfo(sa, salen, host, sizeof(host), NULL, 0,
		    NI_NUMERICHOST) != 0)
			strlcpy(host, "?", sizeof(host));
		log_warnx("%s: %s not in the allow list, refusing",
		    li->li_name, host);
		close(fd);
		return;
	}
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

/*
 * unix:/path[,mode=0660][,owner=USER[:GROUP]]: who may connect is decided
 * by the socket's permissions, set before anyone can reach it.
 */
static int
listener_unix(struct listener *li, const char *spec)
{
	struct passwd		*pw;
	struct group		*gr;
	char			*buf, *path, *opts, *o, *grp, *end;
	long			 mode = -1;
	uid_t			 uid = (uid_t)-1;
	gid_t			 gid = (gid_t)-1;
	int			 rc = -1;

	if ((buf = strdup(spec)) == NULL)
		err(1, NULL);
	path = buf;
	if ((opts = strchr(buf, ',')) != NULL)
		*opts++ = '\0';
	while (opts != NULL && (o = strsep(&opts, ",")) != NULL) {
		if (strncmp(o, "mode=", 5) == 0) {
			errno = 0;
			mode = strtol(o + 5, &end, 8);
			if (o[5] == '\0' || *end != '\0' || errno != 0 ||
			    mode < 0 || mode > 0777) {
				listen_fail(li, "unix:%s: bad mode \"%s\"",
				    spec, o + 5);
				goto out;
			}
		} else if (strncmp(o, "owner=", 6) == 0) {
			if ((grp = strchr(o + 6, ':')) != NULL)
				*grp++ = '\0';
			if ((pw = getpwnam(o + 6)) == NULL) {
				listen_fail(li, "unix:%s: no user \"%s\"",
				    spec, o + 6);
				goto out;
			}
			uid = pw->pw_uid;
			gid = pw->pw_gid;
			if (grp != NULL) {
				if ((gr = getgrnam(grp)) == NULL) {
					listen_fail(li,
					    "unix:%s: no group \"%s\"", spec,
					    grp);
					goto out;
				}
				gid = gr->gr_gid;
			}
		} else {
			listen_fail(li, "unix:%s: unknown option \"%s\"",
			    spec, o);
			goto out;
		}
	}
	if (path[0] != '/' || strlen(path) >=
	    sizeof(((struct sockaddr_un *)NULL)->sun_path)) {
		listen_fail(li, "%s: socket path must be absolute and "
		    "short", path);
		goto out;
	}
	rc = li->li_srv->s_dryrun ? 0 :
	    listener_unix_bind(li, path, mode, uid, gid);
out:
	free(buf);
	return rc;
}

static int
listener_unix_bind(struct listener *li, const char *path, long mode,
    uid_t uid, gid_t gid)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 omask;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path[0] != '/' || strlcpy(sun.sun_path, path,
	    sizeof(sun.sun_path)) >= sizeof(sun.sun_path)) {
		listen_fail(li, "%s: socket path must be absolute and "
		    "short", path);
		return -1;
	}
	/* A stale socket from an earlier run is replaced; nothing else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			listen_refused(li, 0, "%s: exists and is not a socket",
			    path);
			return -1;
		}
		unlink(path);
	}
	/* Bind with no access at all, then open up to what was asked. */
	omask = umask(0177);
	if ((fd = compat_socket_cloexec(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		listen_refused(li, errno, "%s", path);
		umask(omask);
		if (fd != -1)
			close(fd);
		return -1;
	}
	umask(omask);
	if ((uid != (uid_t)-1 && chown(path, uid, gid) == -1) ||
	    chmod(path, mode == -1 ? 0600 : (mode_t)mode) == -1) {
		listen_refused(li, errno, "%s", path);
		close(fd);
		unlink(path);
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
	    strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		goto bad;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		listen_fail(li, "tcp:%s: %s", spec, gai_strerror(e));
		return -1;
	}
	if (li->li_srv->s_dryrun) {
		freeaddrinfo(res);
		return 0;
	}
	fd = compat_socket_cloexec(res->ai_family, res->ai_socktype,
	    res->ai_protocol);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    (res->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		listen_refused(li, errno, "tcp:%s", spec);
		if (fd != -1)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	if (getnameinfo((struct sockaddr *)&ss, sslen, hbuf, sizeof(hbuf),
	    pbuf, sizeof(pbuf), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		listen_refused(li, 0, "tcp:%s: getnameinfo failed", spec);
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
	listen_fail(li,
	    "tcp:%s: expected tcp:HOST:PORT or tcp:[V6ADDR]:PORT", spec);
	return -1;
}

/*
 * Why a spec was refused, into the caller's buffer: the command line and
 * the configuration file each print it their own way (the file prefixes
 * file:line), so one refusal is one line, not two.  errnum, if not 0,
 * adds its strerror.
 */
static void
listen_vmsg(struct listener *li, int errnum, const char *fmt, va_list ap)
{
	size_t	 n;

	(void)vsnprintf(li->li_msg, li->li_msglen, fmt, ap);
	if (errnum != 0 && (n = strlen(li->li_msg)) < li->li_msglen)
		(void)snprintf(li->li_msg + n, li->li_msglen - n, ": %s",
		    strerror(errnum));
}

/* The spec itself is wrong: the caller may show the usage. */
static void
listen_fail(struct listener *li, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	listen_vmsg(li, 0, fmt, ap);
	va_end(ap);
}

/* A good spec the system refused (in use, no such directory, ...). */
static void
listen_refused(struct listener *li, int errnum, const char *fmt, ...)
{
	va_list	 ap;

	li->li_sysfail = 1;
	va_start(ap, fmt);
	listen_vmsg(li, errnum, fmt, ap);
	va_end(ap);
}

/*
 * Parse and bind a listen spec.  On error the reason is in msg (a line
 * without the program name) and the result says whose it is: -1 the spec
 * is malformed, -2 the system refused a good one (in use, no such
 * directory, ...), where a usage text would not help.
 */
int
listener_add(struct server *srv, const char *spec, char *msg, size_t msglen)
{
	struct listener	*li;
	int		 rc;

	if ((li = calloc(1, sizeof(*li))) == NULL)
		err(1, NULL);
	li->li_msg = msg;
	li->li_msglen = msglen;
	if (msglen > 0)
		msg[0] = '\0';
	li->li_srv = srv;
	li->li_fd = -1;
	if ((li->li_spec = strdup(spec)) == NULL)
		err(1, NULL);
	if (strncmp(spec, "unix:", 5) == 0)
		rc = listener_unix(li, spec + 5);
	else if (strncmp(spec, "tcp:", 4) == 0)
		rc = listener_tcp(li, spec + 4);
	else {
		listen_fail(li,
		    "%s: listen spec must be unix:/path or tcp:HOST:PORT", spec);
		rc = -1;
	}
	li->li_msg = NULL;
	li->li_msglen = 0;
	if (rc == -1) {
		rc = li->li_sysfail ? -2 : -1;
		listener_free(li);
		return rc;
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

/*
 * Sockets passed by a service manager (systemd's LISTEN_FDS protocol):
 * descriptors 3.. are already bound and listening.  Returns how many.
 */
int
listener_inherit(struct server *srv)
{
	struct listener		*li;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	const char		*pidstr, *nstr;
	char			 host[64], port[16];
	long			 n, i;

	if ((pidstr = getenv("LISTEN_PID")) == NULL ||
	    (nstr = getenv("LISTEN_FDS")) == NULL ||
	    strtol(pidstr, NULL, 10) != (long)getpid())
		return 0;
	n = strtol(nstr, NULL, 10);
	if (n <= 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		sslen = sizeof(ss);
		if (getsockname(3 + i, (struct sockaddr *)&ss, &sslen) == -1) {
			warn("LISTEN_FDS: descriptor %ld", 3 + i);
			return -1;
		}
		if ((li = calloc(1, sizeof(*li))) == NULL ||
		    (li->li_spec = strdup("inherited")) == NULL)
			err(1, NULL);
		li->li_srv = srv;
		li->li_fd = (int)(3 + i);
		fcntl(li->li_fd, F_SETFD, FD_CLOEXEC);
		if (ss.ss_family == AF_UNIX) {
			li->li_unix = 1;
			if (snprintf(li->li_name, sizeof(li->li_name),
			    "unix:%s (inherited)",
			    ((struct sockaddr_un *)&ss)->sun_path) < 0)
				li->li_name[0] = '\0';
		} else {
			if (getnameinfo((struct sockaddr *)&ss, sslen, host,
			    sizeof(host), port, sizeof(port),
			    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
				strlcpy(host, "?", sizeof(host));
			li->li_port = atoi(port);
			if (snprintf(li->li_name, sizeof(li->li_name),
			    "tcp:%s:%s (inherited)", host, port) < 0)
				li->li_name[0] = '\0';
		}
		TAILQ_INSERT_TAIL(&srv->s_listeners, li, li_entry);
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

/* -a ADDR[/BITS]: a TCP client range allowed to connect. */
int
allow_add(struct server *srv, const char *spec)
{
	struct allow	 a;
	char		 buf[64], *slash, *end;
	long		 bits;
	int		 max;

	if (strlcpy(buf, spec, sizeof(buf)) >= sizeof(buf))
		goto bad;
	memset(&a, 0, sizeof(a));
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, a.a_addr) == 1) {
		a.a_family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, a.a_addr) == 1) {
		a.a_family = AF_INET6;
		max = 128;
	} else
		goto bad;
	bits = max;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || errno != 0 || bits < 0 ||
		    bits > max)
			goto bad;
	}
	a.a_bits = (int)bits;
	srv->s_allow = reallocarray(srv->s_allow, srv->s_nallow + 1,
	    sizeof(a));
	if (srv->s_allow == NULL)
		err(1, NULL);
	srv->s_allow[srv->s_nallow++] = a;
	return 0;
bad:
	warnx("allow \"%s\": expected ADDR or ADDR/BITS", spec);
	return -1;
}

static int
allow_match(const struct allow *a, const uint8_t *addr)
{
	int	 full = a->a_bits / 8, rest = a->a_bits % 8;
	uint8_t	 mask;

	if (memcmp(a->a_addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a->a_addr[full] & mask) == (addr[full] & mask);
}

/* 1 if a TCP peer may connect: no list, or it falls in a range. */
int
allow_check(const struct server *srv, const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	struct in6_addr			 a6;
	const uint8_t			*addr;
	uint8_t				 v4[4];
	int				 i, family;

	if (srv->s_nallow == 0)
		return 1;
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		memcpy(v4, &sin->sin_addr, 4);
		addr = v4;
		family = AF_INET;
	} else if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		addr = sin6->sin6_addr.s6_addr;
		family = AF_INET6;
		/*
		 * A v4-mapped peer is judged by its IPv4 address.  The
		 * test reads a copy: musl's macro casts away const.
		 */
		a6 = sin6->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			addr += 12;
			family = AF_INET;
		}
	} else
		return 0;
	for (i = 0; i < srv->s_nallow; i++)
		if (srv->s_allow[i].a_family == family &&
		    allow_match(&srv->s_allow[i], addr))
			return 1;
	return 0;
}
