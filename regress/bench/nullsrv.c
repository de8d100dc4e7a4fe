/*
 * nullsrv: a 9P2000.L server that does no file system work, the
 * reference for bench.sh's depth-1 rows.
 *
 *	nullsrv [-m msize] [-P port]
 *
 * It listens on 127.0.0.1 (port 0 by default: the kernel picks one and
 * the first line on stdout says which), runs a thread per connection
 * with blocking reads and writes, and answers every T-message with the
 * smallest valid R-message of the matching type, with fixed contents.
 * What a request costs here is a round trip through loopback TCP and a
 * thread wake-up: the most any server can do on this machine.
 *
 * It reads the 7-byte header and only the few fixed-offset fields a
 * reply depends on (Tversion's msize, Twalk's nwname, Tread's offset
 * and count, Twrite's count), each after checking that the message is
 * long enough to hold it.  Fids are not tracked.  Reads see a file of
 * NULL_EOF bytes of zeros (the size of p9bench's bench.64m), every
 * listing is empty, every walk succeeds.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "p9.h"

#define NULL_EOF	(64ULL * 1024 * 1024)
#define NULL_MAXMSIZE	(16U * 1024 * 1024)
#define NULL_OUTSZ	512		/* the largest fixed reply: Rwalk */

struct nconn {
	int		 n_fd;
	uint32_t	 n_msize;	/* negotiated; n_in holds one message */
	uint8_t		*n_in;
	size_t		 n_inlen;
	uint8_t		 n_out[NULL_OUTSZ];
	size_t		 n_outlen;
	int		 n_bad;		/* a reply did not fit n_out */
};

static uint32_t		 max_msize = 1024 * 1024 + P9_IOHDRSZ;
static uint8_t		*zeros;		/* Rread payloads, max_msize long */

static void
put8(struct nconn *n, uint8_t v)
{
	if (n->n_outlen + 1 > sizeof(n->n_out)) {
		n->n_bad = 1;
		return;
	}
	n->n_out[n->n_outlen++] = v;
}

static void
put16(struct nconn *n, uint16_t v)
{
	put8(n, (uint8_t)v);
	put8(n, (uint8_t)(v >> 8));
}

static void
put32(struct nconn *n, uint32_t v)
{
	put16(n, (uint16_t)v);
	put16(n, (uint16_t)(v >> 16));
}

static void
put64(struct nconn *n, uint64_t v)
{
	put32(n, (uint32_t)v);
	put32(n, (uint32_t)(v >> 32));
}

static void
putqid(struct nconn *n, uint8_t type, uint64_t path)
{
	put8(n, type);
	put32(n, 0);
	put64(n, path);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Start a reply; the size is patched in by reply_end. */
static void
reply_begin(struct nconn *n, uint8_t type, uint16_t tag)
{
	n->n_outlen = 0;
	n->n_bad = 0;
	put32(n, 0);
	put8(n, type);
	put16(n, tag);
}

static void
reply_lerror(struct nconn *n, uint16_t tag, uint32_t ecode)
{
	reply_begin(n, P9_RLERROR, tag);
	put32(n, ecode);
}

static int
writeall(int fd, struct iovec *iov, int iovcnt)
{
	ssize_t	 w;

	while (iovcnt > 0) {
		if ((w = writev(fd, iov, iovcnt)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (iovcnt > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * Answer one whole message m of size len (header included).  Returns -1
 * when the connection must close.
 */
static int
handle(struct nconn *n, const uint8_t *m, uint32_t len)
{
	struct iovec	 iov[2];
	const uint8_t	*b = m + P9_HDRSZ;
	uint64_t	 off;
	uint32_t	 blen = len - P9_HDRSZ, cnt, ms;
	uint16_t	 tag = get16(m + 5), nw, vlen, i;
	uint8_t		 type = m[4];
	int		 iovcnt = 1;

	switch (type) {
	case P9_TVERSION:
		/* msize[4] version[s] */
		if (blen < 6 || (vlen = get16(b + 4)) != blen - 6)
			return -1;
		ms = get32(b);
		if (ms > max_msize)
			ms = max_msize;
		if (ms < P9_MINMSIZE)
			return -1;
		n->n_msize = ms;
		reply_begin(n, P9_RVERSION, tag);
		put32(n, ms);
		if (vlen == strlen(P9_VERSION) &&
		    memcmp(b + 6, P9_VERSION, vlen) == 0) {
			put16(n, (uint16_t)strlen(P9_VERSION));
			for (i = 0; i < strlen(P9_VERSION); i++)
				put8(n, (uint8_t)P9_VERSION[i]);
		} else {
			put16(n, 7);
			for (i = 0; i < 7; i++)
				put8(n, (uint8_t)"unknown"[i]);
		}
		break;
	case P9_TATTACH:
		reply_begin(n, P9_RATTACH, tag);
		putqid(n, P9_QTDIR, 1);
		break;
	case P9_TWALK:
		/* fid[4] newfid[4] nwname[2] wname[s]... */
		if (blen < 10)
			return -1;
		if ((nw = get16(b + 8)) > P9_MAXWELEM) {
			reply_lerror(n, tag, P9_L_EINVAL);
			break;
		}
		reply_begin(n, P9_RWALK, tag);
		put16(n, nw);
		for (i = 0; i < nw; i++)
			putqid(n, P9_QTFILE, 2 + i);
		break;
	case P9_TGETATTR:
		reply_begin(n, P9_RGETATTR, tag);
		put64(n, P9_GETATTR_BASIC);
		putqid(n, P9_QTDIR, 1);
		put32(n, P9_L_S_IFDIR | 0755);
		put32(n, 0);			/* uid */
		put32(n, 0);			/* gid */
		put64(n, 2);			/* nlink */
		put64(n, 0);			/* rdev */
		put64(n, 4096);			/* size */
		put64(n, 4096);			/* blksize */
		put64(n, 8);			/* blocks */
		for (i = 0; i < 10; i++)	/* times, gen, data_version */
			put64(n, 0);
		break;
	case P9_TLOPEN:
		reply_begin(n, P9_RLOPEN, tag);
		putqid(n, P9_QTFILE, 2);
		put32(n, 0);			/* iounit: msize decides */
		break;
	case P9_TLCREATE:
		reply_begin(n, P9_RLCREATE, tag);
		putqid(n, P9_QTFILE, 3);
		put32(n, 0);
		break;
	case P9_TMKDIR:
		reply_begin(n, P9_RMKDIR, tag);
		putqid(n, P9_QTDIR, 4);
		break;
	case P9_TREAD:
		/* fid[4] offset[8] count[4] */
		if (blen != 16)
			return -1;
		off = get64(b + 4);
		cnt = get32(b + 12);
		if (cnt > n->n_msize - P9_HDRSZ - 4)
			cnt = n->n_msize - P9_HDRSZ - 4;
		if (off >= NULL_EOF)
			cnt = 0;
		else if (cnt > NULL_EOF - off)
			cnt = (uint32_t)(NULL_EOF - off);
		reply_begin(n, P9_RREAD, tag);
		put32(n, cnt);
		iov[1].iov_base = zeros;
		iov[1].iov_len = cnt;
		iovcnt = 2;
		break;
	case P9_TWRITE:
		/* fid[4] offset[8] count[4] data[count] */
		if (blen < 16 || get32(b + 12) != blen - 16)
			return -1;
		reply_begin(n, P9_RWRITE, tag);
		put32(n, get32(b + 12));
		break;
	case P9_TREADDIR:
		reply_begin(n, P9_RREADDIR, tag);
		put32(n, 0);
		break;
	case P9_TCLUNK:
		reply_begin(n, P9_RCLUNK, tag);
		break;
	case P9_TREMOVE:
		reply_begin(n, P9_RREMOVE, tag);
		break;
	case P9_TUNLINKAT:
		reply_begin(n, P9_RUNLINKAT, tag);
		break;
	case P9_TFSYNC:
		reply_begin(n, P9_RFSYNC, tag);
		break;
	case P9_TFLUSH:
		reply_begin(n, P9_RFLUSH, tag);
		break;
	default:
		/* An R-message from the client is a protocol error. */
		if (type % 2 != 0)
			return -1;
		reply_lerror(n, tag, P9_L_EOPNOTSUPP);
		break;
	}
	if (n->n_bad)
		return -1;
	cnt = (uint32_t)n->n_outlen;
	if (iovcnt > 1)
		cnt += (uint32_t)iov[1].iov_len;
	n->n_out[0] = (uint8_t)cnt;
	n->n_out[1] = (uint8_t)(cnt >> 8);
	n->n_out[2] = (uint8_t)(cnt >> 16);
	n->n_out[3] = (uint8_t)(cnt >> 24);
	iov[0].iov_base = n->n_out;
	iov[0].iov_len = n->n_outlen;
	return writeall(n->n_fd, iov, iovcnt);
}

/*
 * The connection's thread: read what the socket has, answer every whole
 * message in it, keep the partial one at the front of the buffer.
 */
static void *
conn_main(void *arg)
{
	struct nconn	*n = arg;
	size_t		 off;
	ssize_t		 r;
	uint32_t	 size;

	for (;;) {
		r = read(n->n_fd, n->n_in + n->n_inlen,
		    max_msize - n->n_inlen);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n->n_inlen += (size_t)r;
		for (off = 0; n->n_inlen - off >= P9_HDRSZ; off += size) {
			size = get32(n->n_in + off);
			/* A message larger than msize would not fit n_in. */
			if (size < P9_HDRSZ || size > n->n_msize)
				goto out;
			if (n->n_inlen - off < size)
				break;
			if (handle(n, n->n_in + off, size) == -1)
				goto out;
		}
		if (off > 0) {
			memmove(n->n_in, n->n_in + off, n->n_inlen - off);
			n->n_inlen -= off;
		}
	}
 out:
	close(n->n_fd);
	free(n->n_in);
	free(n);
	return NULL;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: nullsrv [-m msize] [-P port]\n");
	exit(2);
}

static long
numopt(const char *s, long lo, long hi)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	pthread_attr_t		 attr;
	pthread_t		 th;
	struct nconn		*n;
	int			 ch, lfd, fd, on = 1, port = 0;

	while ((ch = getopt(argc, argv, "m:P:")) != -1) {
		switch (ch) {
		case 'm':
			max_msize = (uint32_t)numopt(optarg, P9_MINMSIZE,
			    NULL_MAXMSIZE);
			break;
		case 'P':
			port = (int)numopt(optarg, 0, 65535);
			break;
		default:
			usage();
		}
	}
	if (argc != optind)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if ((zeros = calloc(1, max_msize)) == NULL) {
		perror("nullsrv: calloc");
		return 1;
	}

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 128) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) == -1) {
		perror("nullsrv: listen");
		return 1;
	}
	printf("nullsrv: listening on tcp:127.0.0.1:%u\n",
	    (unsigned)ntohs(sin.sin_port));
	fflush(stdout);

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			/* Out of descriptors or memory: wait it out. */
			if (errno != EINTR && errno != ECONNABORTED)
				sleep(1);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		if ((n = calloc(1, sizeof(*n))) == NULL ||
		    (n->n_in = malloc(max_msize)) == NULL) {
			free(n);
			close(fd);
			continue;
		}
		n->n_fd = fd;
		/* Until Tversion, a message may be as large as we allow. */
		n->n_msize = max_msize;
		if (pthread_create(&th, &attr, conn_main, n) != 0) {
			free(n->n_in);
			free(n);
			close(fd);
		}
	}
}
