/*
 * p9c: a scripted 9P2000.L client for the regress suite.
 *
 *	p9c [-v] [-m msize] [-t seconds] ADDR < script
 *	ADDR: unix:/path | tcp:HOST:PORT | tcp:[V6ADDR]:PORT
 *
 * The script has one command per line; each reply becomes one line on
 * stdout (a few commands add lines), so a shell test can compare the
 * whole output with what it expects.  Output never shows inode numbers
 * or times unless asked, so it is stable across runs and hosts.
 *
 * The client is also the suite's adversary: it can send any bytes
 * (raw, frame), so it must itself survive any reply.  Every reply is
 * framed against the negotiated msize and decoded by the same
 * bounds-checked codec as the daemon; every wait has a deadline.
 *
 * Commands (FID is a number or "nofid"; flags and masks are symbolic
 * names joined by '|', or numbers; a token in double quotes may hold
 * spaces, and \n \r \t \\ \" \xHH escapes work in every token):
 *	version [MSIZE [VERSION]]	auth AFID UNAME ANAME [N_UNAME]
 *	attach FID UNAME ANAME [N_UNAME [AFID]]
 *	walk FID NEWFID [NAME...]	lopen FID FLAGS
 *	lcreate FID NAME FLAGS MODE [GID]	mkdir DFID NAME MODE [GID]
 *	symlink DFID NAME TARGET [GID]	mknod DFID NAME MODE MAJOR MINOR [GID]
 *	link DFID FID NAME		rename FID DFID NAME
 *	renameat ODFID ONAME NDFID NNAME	unlinkat DFID NAME [FLAGS]
 *	remove FID  clunk FID  readlink FID  statfs FID  fsync FID [DATASYNC]
 *	flush OLDTAG|last		getattr FID [MASK]
 *	setattr FID mode=M uid=U gid=G size=S atime=SEC[.NSEC]|now
 *	    mtime=SEC[.NSEC]|now ctime valid=BITS
 *	read FID OFFSET COUNT		(prints the data, escaped)
 *	readn FID OFFSET COUNT		(prints the count only)
 *	write FID OFFSET TEXT...	readfile FID HOSTPATH [COUNT]
 *	writefile FID HOSTPATH [OFFSET]
 *	writefill FID OFFSET BYTES [BYTE]
 *				(BYTES copies of BYTE, default 0, in msize
 *				chunks; prints the total)
 *	readdir FID [COUNT] [sort]	(all entries, following the offsets;
 *					server order unless sorted by name)
 *	readdir1 FID OFFSET|next COUNT	(one Treaddir)
 *	xattrwalk FID NEWFID NAME	xattrcreate FID NAME SIZE [FLAGS]
 *	lock FID rd|wr|un START LEN [FLAGS [PROCID [CLIENTID]]]
 *	getlock FID rd|wr|un START LEN [PROCID [CLIENTID]]
 *	raw ITEM...			send bytes, wait for nothing
 *	frame TYPE ITEM...		size and a fresh tag added; await reply
 *	    ITEM: hex digits | u8:N u16:N u32:N u64:N | s:TEXT (a 9P
 *	    string) | t:TEXT (the bytes alone) | fill:N:HH
 *	recv [MS]  expect-close [MS]
 *	async COMMAND...  wait  pipeline N COMMAND...
 *	conn N  close [N]  sleep MS  echo TEXT  verbose on|off
 *	timeout MS  samefile FID FID
 *	within MS COMMAND...	(run COMMAND; if its replies took longer
 *				than MS, add a line "late: N ms")
 *	clock			("clock N": CLOCK_MONOTONIC in ms, the same
 *				clock in every process, for ordering)
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "p9.h"

#define P9C_MAXCONN	16
#define P9C_MAXTOK	1024
#define P9C_MAXDIRENT	4000000
#define P9C_NAMEMAX	65536
#define P9C_CLOSEWAIT	5000	/* ms expect-close waits by default */

struct p9c_frame {
	struct p9c_frame	*fr_next;
	uint8_t			*fr_buf;
	uint32_t		 fr_len;
};

/* What a request needs remembered to print its reply. */
struct p9c_req {
	struct p9c_req	*q_next;
	uint16_t	 q_tag;
	uint8_t		 q_ttype;
	int		 q_flags;
#define Q_QUIET		0x01	/* Rread: the count only */
#define Q_FLUSHED	0x02	/* an Rflush came, our reply did not */
#define Q_DIRNEXT	0x04	/* Rreaddir: remember the last offset */
	uint32_t	 q_fid;
	uint32_t	 q_newfid;
	uint16_t	 q_nwname;
	uint16_t	 q_oldtag;
	uint64_t	 q_mask;	/* Rgetattr fields to print */
};

/* Per fid: the last qid seen and the next readdir offset. */
struct p9c_fid {
	struct p9c_fid	*fi_next;
	uint32_t	 fi_fid;
	int		 fi_hasqid;
	struct p9_qid	 fi_qid;
	uint64_t	 fi_dirnext;
};

struct p9c_conn {
	int		 c_fd;
	uint32_t	 c_msize;	/* replies larger than this are bad */
	uint16_t	 c_nexttag;
	uint8_t		*c_in;
	size_t		 c_inlen;
	size_t		 c_incap;
	struct p9c_frame *c_stash;	/* arrived, nobody asked yet */
	struct p9c_req	*c_pend;	/* sent asynchronously, in order */
	struct p9c_fid	*c_fids;
	int		 c_saidclosed;	/* "closed" printed since it opened */
};

struct p9c_reply {
	struct p9_fcall	 r_f;
	struct p9c_frame *r_frame;
	char		*r_arena;
};

struct p9c_name {
	const char	*n_name;
	uint64_t	 n_val;
};

struct p9c_cmd {
	const char	*cm_name;
	int		 cm_min;	/* arguments after the name */
	int		 cm_max;
	int		 cm_async;	/* one message, may be sent async */
	void		(*cm_fn)(int, char **);
};

static const char	*p9c_addr;
static uint32_t		 p9c_defmsize = 8192;
static int		 p9c_timeout = 30000;
static int		 p9c_verbose;
static int		 p9c_async;
static int		 p9c_status;
static int		 p9c_lineno;
static struct p9c_conn	 p9c_conns[P9C_MAXCONN];
static struct p9c_conn	*p9c_cur = &p9c_conns[0];
static unsigned		 p9c_curidx;
static uint16_t		 p9c_lasttag = P9_NOTAG;
static size_t		 p9c_toklen[P9C_MAXTOK];

static const struct p9c_name p9c_oflags[] = {
	{ "RDONLY", P9_L_O_RDONLY }, { "WRONLY", P9_L_O_WRONLY },
	{ "RDWR", P9_L_O_RDWR }, { "NOACCESS", P9_L_O_NOACCESS },
	{ "CREAT", P9_L_O_CREAT }, { "EXCL", P9_L_O_EXCL },
	{ "NOCTTY", P9_L_O_NOCTTY }, { "TRUNC", P9_L_O_TRUNC },
	{ "APPEND", P9_L_O_APPEND }, { "NONBLOCK", P9_L_O_NONBLOCK },
	{ "DSYNC", P9_L_O_DSYNC }, { "FASYNC", P9_L_O_FASYNC },
	{ "DIRECT", P9_L_O_DIRECT }, { "LARGEFILE", P9_L_O_LARGEFILE },
	{ "DIRECTORY", P9_L_O_DIRECTORY }, { "NOFOLLOW", P9_L_O_NOFOLLOW },
	{ "NOATIME", P9_L_O_NOATIME }, { "CLOEXEC", P9_L_O_CLOEXEC },
	{ "SYNC", P9_L_O_SYNC }, { NULL, 0 }
};

static const struct p9c_name p9c_gamask[] = {
	{ "MODE", P9_GETATTR_MODE }, { "UID", P9_GETATTR_UID },
	{ "GID", P9_GETATTR_GID }, { "NLINK", P9_GETATTR_NLINK },
	{ "RDEV", P9_GETATTR_RDEV }, { "SIZE", P9_GETATTR_SIZE },
	{ "BLOCKS", P9_GETATTR_BLOCKS }, { "ATIME", P9_GETATTR_ATIME },
	{ "MTIME", P9_GETATTR_MTIME }, { "CTIME", P9_GETATTR_CTIME },
	{ "INO", P9_GETATTR_INO }, { "BTIME", P9_GETATTR_BTIME },
	{ "GEN", P9_GETATTR_GEN }, { "DATA_VERSION", P9_GETATTR_DATA_VERSION },
	{ "BASIC", P9_GETATTR_BASIC }, { "ALL", P9_GETATTR_ALL },
	{ NULL, 0 }
};

static const struct p9c_name p9c_modebits[] = {
	{ "IFSOCK", P9_L_S_IFSOCK }, { "IFLNK", P9_L_S_IFLNK },
	{ "IFREG", P9_L_S_IFREG }, { "IFBLK", P9_L_S_IFBLK },
	{ "IFDIR", P9_L_S_IFDIR }, { "IFCHR", P9_L_S_IFCHR },
	{ "IFIFO", P9_L_S_IFIFO }, { NULL, 0 }
};

static const struct p9c_name p9c_atflags[] = {
	{ "REMOVEDIR", P9_L_AT_REMOVEDIR }, { NULL, 0 }
};

static const struct p9c_name p9c_xflags[] = {
	{ "CREATE", P9_XATTR_CREATE }, { "REPLACE", P9_XATTR_REPLACE },
	{ NULL, 0 }
};

static const struct p9c_name p9c_lflags[] = {
	{ "BLOCK", P9_LOCK_FLAGS_BLOCK }, { "RECLAIM", P9_LOCK_FLAGS_RECLAIM },
	{ NULL, 0 }
};

static const struct p9c_name p9c_ltypes[] = {
	{ "rd", P9_LOCK_TYPE_RDLCK }, { "wr", P9_LOCK_TYPE_WRLCK },
	{ "un", P9_LOCK_TYPE_UNLCK }, { "RDLCK", P9_LOCK_TYPE_RDLCK },
	{ "WRLCK", P9_LOCK_TYPE_WRLCK }, { "UNLCK", P9_LOCK_TYPE_UNLCK },
	{ NULL, 0 }
};

/* Linux errno numbers, as on the wire. */
static const struct p9c_name p9c_errnos[] = {
	{ "EPERM", 1 }, { "ENOENT", 2 }, { "ESRCH", 3 }, { "EINTR", 4 },
	{ "EIO", 5 }, { "ENXIO", 6 }, { "E2BIG", 7 }, { "ENOEXEC", 8 },
	{ "EBADF", 9 }, { "ECHILD", 10 }, { "EAGAIN", 11 }, { "ENOMEM", 12 },
	{ "EACCES", 13 }, { "EFAULT", 14 }, { "ENOTBLK", 15 }, { "EBUSY", 16 },
	{ "EEXIST", 17 }, { "EXDEV", 18 }, { "ENODEV", 19 },
	{ "ENOTDIR", 20 }, { "EISDIR", 21 }, { "EINVAL", 22 },
	{ "ENFILE", 23 }, { "EMFILE", 24 }, { "ENOTTY", 25 },
	{ "ETXTBSY", 26 }, { "EFBIG", 27 }, { "ENOSPC", 28 },
	{ "ESPIPE", 29 }, { "EROFS", 30 }, { "EMLINK", 31 }, { "EPIPE", 32 },
	{ "EDOM", 33 }, { "ERANGE", 34 }, { "EDEADLK", 35 },
	{ "ENAMETOOLONG", 36 }, { "ENOLCK", 37 }, { "ENOSYS", 38 },
	{ "ENOTEMPTY", 39 }, { "ELOOP", 40 }, { "ENOMSG", 42 },
	{ "ENODATA", 61 }, { "ETIME", 62 }, { "ENOLINK", 67 },
	{ "EPROTO", 71 }, { "EBADMSG", 74 }, { "EOVERFLOW", 75 },
	{ "EILSEQ", 84 }, { "EUSERS", 87 }, { "ENOTSOCK", 88 },
	{ "EMSGSIZE", 90 }, { "EPROTONOSUPPORT", 93 },
	{ "EOPNOTSUPP", 95 }, { "EADDRINUSE", 98 }, { "ENETDOWN", 100 },
	{ "ECONNABORTED", 103 }, { "ECONNRESET", 104 }, { "ENOBUFS", 105 },
	{ "ENOTCONN", 107 }, { "ETIMEDOUT", 110 }, { "ECONNREFUSED", 111 },
	{ "EALREADY", 114 }, { "EINPROGRESS", 115 }, { "ESTALE", 116 },
	{ "EDQUOT", 122 }, { "ECANCELED", 125 }, { "EOWNERDEAD", 130 },
	{ NULL, 0 }
};

static void	p9c_run(int, char **);
static int	p9c_hexval(int);

static void __attribute__((format(printf, 1, 2)))
p9c_scripterr(const char *fmt, ...)
{
	va_list	 ap;

	fflush(stdout);
	fprintf(stderr, "p9c: line %d: ", p9c_lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	p9c_status = 2;
}

static void *
p9c_xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL) {
		fprintf(stderr, "p9c: out of memory\n");
		exit(1);
	}
	return p;
}

static int64_t
p9c_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
p9c_left(int64_t deadline)
{
	int64_t	 left;

	left = deadline - p9c_now();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static uint32_t
p9c_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Printing: bytes from the server are escaped, never trusted. */
static void
p9c_putesc(const uint8_t *p, size_t len, int inname)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\')
			fputs("\\\\", stdout);
		else if (p[i] == '\n')
			fputs("\\n", stdout);
		else if (p[i] == '\t')
			fputs("\\t", stdout);
		else if (p[i] == ' ' && !inname)
			putchar(' ');
		else if (p[i] > ' ' && p[i] < 0x7f)
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
}

static void
p9c_putstr(const char *s)
{
	if (s == NULL)
		s = "";
	p9c_putesc((const uint8_t *)s, strlen(s), 1);
}

static const char *
p9c_qtype(uint8_t t)
{
	static char	 buf[8];

	switch (t) {
	case P9_QTDIR:
		return "dir";
	case P9_QTSYMLINK:
		return "symlink";
	case P9_QTFILE:
		return "file";
	case P9_QTAUTH:
		return "auth";
	}
	snprintf(buf, sizeof(buf), "0x%02x", t);
	return buf;
}

static void
p9c_putqid(const struct p9_qid *q)
{
	fputs(p9c_qtype(q->type), stdout);
	if (p9c_verbose)
		printf("(0x%" PRIx64 ",%" PRIu32 ")", q->path, q->version);
}

static const char *
p9c_dtype(uint8_t t)
{
	static char	 buf[8];

	switch (t) {
	case P9_L_DT_FIFO:
		return "fifo";
	case P9_L_DT_CHR:
		return "chr";
	case P9_L_DT_DIR:
		return "dir";
	case P9_L_DT_BLK:
		return "blk";
	case P9_L_DT_REG:
		return "reg";
	case P9_L_DT_LNK:
		return "lnk";
	case P9_L_DT_SOCK:
		return "sock";
	case P9_L_DT_UNKNOWN:
		return "unknown";
	}
	snprintf(buf, sizeof(buf), "%u", t);
	return buf;
}

static void
p9c_puterrno(uint32_t e)
{
	const struct p9c_name	*n;

	for (n = p9c_errnos; n->n_name != NULL; n++)
		if (n->n_val == e) {
			fputs(n->n_name, stdout);
			return;
		}
	printf("%" PRIu32, e);
}

/* Argument parsing. */
static int
p9c_num(const char *s, uint64_t max, uint64_t *v)
{
	char			*end;
	unsigned long long	 n;

	if (s[0] == '\0' || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (*end != '\0' || errno != 0 || n > max)
		return -1;
	*v = n;
	return 0;
}

static int
p9c_argnum(const char *s, uint64_t max, uint64_t *v, const char *what)
{
	if (p9c_num(s, max, v) == -1) {
		p9c_scripterr("bad %s \"%s\"", what, s);
		return -1;
	}
	return 0;
}

static int
p9c_arg32(const char *s, uint32_t *v, const char *what)
{
	uint64_t	 n;

	if (p9c_argnum(s, UINT32_MAX, &n, what) == -1)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int
p9c_argfid(const char *s, uint32_t *fid)
{
	if (strcmp(s, "nofid") == 0 || strcmp(s, "NOFID") == 0) {
		*fid = P9_NOFID;
		return 0;
	}
	return p9c_arg32(s, fid, "fid");
}

/*
 * NAME|NAME|number, each name with or without the conventional prefix
 * (O_, S_, AT_, XATTR_, P9_LOCK_FLAGS_).
 */
static int
p9c_argflags(const char *s, const struct p9c_name *tab, const char *prefix,
    uint64_t max, uint64_t *v, const char *what)
{
	const struct p9c_name	*n;
	char			 buf[256], *p, *part;
	uint64_t		 acc = 0, x;
	size_t			 plen = strlen(prefix);

	if (strlen(s) >= sizeof(buf)) {
		p9c_scripterr("%s too long", what);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	p = buf;
	while ((part = strsep(&p, "|")) != NULL) {
		if (plen > 0 && strncmp(part, prefix, plen) == 0 &&
		    part[plen] != '\0')
			part += plen;
		for (n = tab; n->n_name != NULL; n++)
			if (strcmp(part, n->n_name) == 0)
				break;
		if (n->n_name != NULL)
			x = n->n_val;
		else if (p9c_num(part, max, &x) == -1) {
			p9c_scripterr("bad %s \"%s\"", what, part);
			return -1;
		}
		acc |= x;
	}
	if (acc > max) {
		p9c_scripterr("%s \"%s\" out of range", what, s);
		return -1;
	}
	*v = acc;
	return 0;
}

static int
p9c_argflags32(const char *s, const struct p9c_name *tab, const char *prefix,
    uint32_t *v, const char *what)
{
	uint64_t	 n;

	if (p9c_argflags(s, tab, prefix, UINT32_MAX, &n, what) == -1)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

/* Fid memory, per connection. */
static struct p9c_fid *
p9c_fidget(uint32_t fid, int create)
{
	struct p9c_fid	*fi;

	for (fi = p9c_cur->c_fids; fi != NULL; fi = fi->fi_next)
		if (fi->fi_fid == fid)
			return fi;
	if (!create)
		return NULL;
	fi = p9c_xmalloc(sizeof(*fi));
	memset(fi, 0, sizeof(*fi));
	fi->fi_fid = fid;
	fi->fi_next = p9c_cur->c_fids;
	p9c_cur->c_fids = fi;
	return fi;
}

static void
p9c_fidqid(uint32_t fid, const struct p9_qid *q)
{
	struct p9c_fid	*fi;

	fi = p9c_fidget(fid, 1);
	fi->fi_qid = *q;
	fi->fi_hasqid = 1;
}

static void
p9c_fidsfree(struct p9c_conn *c)
{
	struct p9c_fid	*fi;

	while ((fi = c->c_fids) != NULL) {
		c->c_fids = fi->fi_next;
		free(fi);
	}
}

/* Connections. */
static int
p9c_connect(const char *addr)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res, *ai;
	char			 host[256], *port;
	const char		*h;
	int			 fd = -1, e;
	size_t			 hl;

	if (strncmp(addr, "unix:", 5) == 0) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(addr + 5) >= sizeof(sun.sun_path)) {
			fprintf(stderr, "p9c: %s: path too long\n", addr);
			return -1;
		}
		memcpy(sun.sun_path, addr + 5, strlen(addr + 5) + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
			fprintf(stderr, "p9c: %s: %s\n", addr, strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		return fd;
	}
	if (strncmp(addr, "tcp:", 4) != 0) {
		fprintf(stderr, "p9c: %s: expected unix:/path or "
		    "tcp:HOST:PORT\n", addr);
		return -1;
	}
	h = addr + 4;
	if ((port = strrchr(h, ':')) == NULL || port == h) {
		fprintf(stderr, "p9c: %s: no port\n", addr);
		return -1;
	}
	hl = (size_t)(port - h);
	if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl >= sizeof(host)) {
		fprintf(stderr, "p9c: %s: host too long\n", addr);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	port++;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "p9c: %s: %s\n", addr, gai_strerror(e));
		return -1;
	}
	e = 0;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		fprintf(stderr, "p9c: %s: %s\n", addr, strerror(e));
	return fd;
}

static void
p9c_connclose(struct p9c_conn *c)
{
	struct p9c_frame	*fr;
	struct p9c_req		*q;

	if (c->c_fd != -1)
		close(c->c_fd);
	c->c_fd = -1;
	free(c->c_in);
	c->c_in = NULL;
	c->c_inlen = c->c_incap = 0;
	while ((fr = c->c_stash) != NULL) {
		c->c_stash = fr->fr_next;
		free(fr->fr_buf);
		free(fr);
	}
	while ((q = c->c_pend) != NULL) {
		c->c_pend = q->q_next;
		free(q);
	}
	p9c_fidsfree(c);
}

static int
p9c_connopen(struct p9c_conn *c)
{
	int	 fd, fl;

	p9c_connclose(c);
	if ((fd = p9c_connect(p9c_addr)) == -1)
		return -1;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	c->c_fd = fd;
	c->c_saidclosed = 0;
	c->c_msize = p9c_defmsize;
	c->c_nexttag = 1;
	return 0;
}

/* 0 sent, -1 the connection is gone, -2 timed out. */
static int
p9c_send(struct p9c_conn *c, const uint8_t *buf, size_t len)
{
	struct pollfd	 pfd;
	int64_t		 deadline;
	ssize_t		 n;

	if (c->c_fd == -1)
		return -1;
	deadline = p9c_now() + p9c_timeout;
	while (len > 0) {
		n = send(c->c_fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pfd.fd = c->c_fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, p9c_left(deadline)) == 0)
				return -2;
			continue;
		}
		p9c_connclose(c);
		return -1;
	}
	return 0;
}

/* 1 more bytes, 0 closed, -2 timed out. */
static int
p9c_fill(struct p9c_conn *c, int64_t deadline)
{
	struct pollfd	 pfd;
	uint8_t		*p;
	ssize_t		 n;
	size_t		 ncap;

	if (c->c_fd == -1)
		return 0;
	if (c->c_incap - c->c_inlen < 65536) {
		ncap = c->c_incap + 65536;
		if ((p = realloc(c->c_in, ncap)) == NULL) {
			fprintf(stderr, "p9c: out of memory\n");
			exit(1);
		}
		c->c_in = p;
		c->c_incap = ncap;
	}
	for (;;) {
		n = recv(c->c_fd, c->c_in + c->c_inlen,
		    c->c_incap - c->c_inlen, 0);
		if (n > 0) {
			c->c_inlen += (size_t)n;
			return 1;
		}
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		pfd.fd = c->c_fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, p9c_left(deadline)) == 0)
			return -2;
	}
	p9c_connclose(c);
	return 0;
}

/*
 * Next whole frame from the wire: 1 and *frp, 0 closed, -2 timed out,
 * -3 the server sent an impossible size (the connection is dropped).
 */
static int
p9c_nextframe(struct p9c_conn *c, int64_t deadline, struct p9c_frame **frp)
{
	struct p9c_frame	*fr;
	uint32_t		 size, limit;
	int			 r;

	limit = c->c_msize < P9_MINMSIZE ? P9_MINMSIZE : c->c_msize;
	for (;;) {
		if (c->c_inlen >= 4) {
			size = p9c_le32(c->c_in);
			if (size < P9_HDRSZ || size > limit) {
				printf("error: reply frame of %" PRIu32
				    " bytes (msize %" PRIu32 ")\n", size, limit);
				p9c_connclose(c);
				return -3;
			}
			if (c->c_inlen >= size)
				break;
		}
		if ((r = p9c_fill(c, deadline)) != 1)
			return r;
	}
	fr = p9c_xmalloc(sizeof(*fr));
	fr->fr_next = NULL;
	fr->fr_len = size;
	fr->fr_buf = p9c_xmalloc(size);
	memcpy(fr->fr_buf, c->c_in, size);
	memmove(c->c_in, c->c_in + size, c->c_inlen - size);
	c->c_inlen -= size;
	*frp = fr;
	return 1;
}

static uint16_t
p9c_frametag(const struct p9c_frame *fr)
{
	return (uint16_t)(fr->fr_buf[5] | fr->fr_buf[6] << 8);
}

static void
p9c_framefree(struct p9c_frame *fr)
{
	if (fr != NULL) {
		free(fr->fr_buf);
		free(fr);
	}
}

static void
p9c_stash(struct p9c_conn *c, struct p9c_frame *fr)
{
	struct p9c_frame	**fp;

	for (fp = &c->c_stash; *fp != NULL; fp = &(*fp)->fr_next)
		;
	*fp = fr;
}

static struct p9c_frame *
p9c_unstash(struct p9c_conn *c, uint16_t tag)
{
	struct p9c_frame	**fp, *fr;

	for (fp = &c->c_stash; *fp != NULL; fp = &(*fp)->fr_next)
		if (p9c_frametag(*fp) == tag) {
			fr = *fp;
			*fp = fr->fr_next;
			fr->fr_next = NULL;
			return fr;
		}
	return NULL;
}

static struct p9c_req *
p9c_pendfind(struct p9c_conn *c, uint16_t tag)
{
	struct p9c_req	*q;

	for (q = c->c_pend; q != NULL; q = q->q_next)
		if (q->q_tag == tag)
			return q;
	return NULL;
}

/* Did an Rflush for a pending Tflush of oldtag arrive (stashed)? */
static int
p9c_flushseen(struct p9c_conn *c, uint16_t oldtag)
{
	struct p9c_frame	*fr;
	struct p9c_req		*q;

	for (fr = c->c_stash; fr != NULL; fr = fr->fr_next) {
		if (fr->fr_buf[4] != P9_RFLUSH)
			continue;
		q = p9c_pendfind(c, p9c_frametag(fr));
		if (q != NULL && q->q_ttype == P9_TFLUSH &&
		    q->q_oldtag == oldtag)
			return 1;
	}
	return 0;
}

/*
 * Wait for the reply to tag; other replies are kept for whoever asks.
 * 1 and *frp, 0 closed, -2 timed out, -3 bad frame, -4 flushed.
 */
static int
p9c_await(struct p9c_conn *c, uint16_t tag, struct p9c_frame **frp)
{
	struct p9c_frame	*fr;
	int64_t			 deadline;
	int			 r;

	if ((*frp = p9c_unstash(c, tag)) != NULL)
		return 1;
	if (p9c_flushseen(c, tag))
		return -4;
	deadline = p9c_now() + p9c_timeout;
	for (;;) {
		if ((r = p9c_nextframe(c, deadline, &fr)) != 1)
			return r;
		if (p9c_frametag(fr) == tag) {
			*frp = fr;
			return 1;
		}
		p9c_stash(c, fr);
		if (p9c_flushseen(c, tag))
			return -4;
	}
}

static uint16_t
p9c_newtag(struct p9c_conn *c)
{
	uint16_t	 t;

	do {
		t = c->c_nexttag++;
		if (c->c_nexttag == P9_NOTAG)
			c->c_nexttag = 0;
	} while (t == P9_NOTAG || p9c_pendfind(c, t) != NULL);
	return t;
}

static void
p9c_putfailure(int r)
{
	switch (r) {
	case 0:
	case -1:
		printf("closed\n");
		p9c_cur->c_saidclosed = 1;
		break;
	case -2:
		printf("timeout\n");
		break;
	case -3:
		break;		/* already said */
	case -4:
		printf("flushed\n");
		break;
	}
}

/* Decode a frame: 0 and r filled (owns fr), -1 after saying why. */
static int
p9c_decode(struct p9c_frame *fr, struct p9c_reply *r)
{
	size_t	 alen;
	int	 e;

	alen = (size_t)fr->fr_len + 64;
	r->r_arena = p9c_xmalloc(alen);
	r->r_frame = fr;
	e = p9_decode(fr->fr_buf, fr->fr_len, &r->r_f, r->r_arena, alen);
	if (e == 0)
		return 0;
	if (e == P9_EUNKNOWN)
		printf("error: reply of unknown type %u (%" PRIu32 " bytes)\n",
		    fr->fr_buf[4], fr->fr_len);
	else
		printf("error: malformed %s (%" PRIu32 " bytes)\n",
		    p9_typename(fr->fr_buf[4]), fr->fr_len);
	free(r->r_arena);
	p9c_framefree(fr);
	r->r_arena = NULL;
	r->r_frame = NULL;
	return -1;
}

static void
p9c_replyfree(struct p9c_reply *r)
{
	free(r->r_arena);
	p9c_framefree(r->r_frame);
	r->r_arena = NULL;
	r->r_frame = NULL;
}

static void
p9c_puttime(const char *name, uint64_t sec, uint64_t nsec)
{
	printf(" %s=%" PRIu64 ".%09" PRIu64, name, sec, nsec);
}

static void
p9c_putgetattr(const struct p9c_req *q, const struct p9_fcall *f)
{
	uint64_t	 m = q->q_mask, v = f->u.rgetattr.valid;

	fputs("Rgetattr", stdout);
	if (p9c_verbose)
		printf(" valid=0x%" PRIx64, v);
#define GA(bit, name, fmt, val) do {					\
	if (m & (bit)) {						\
		if (v & (bit))						\
			printf(" " name "=" fmt, (val));		\
		else							\
			printf(" " name "=-");				\
	}								\
} while (0)
	GA(P9_GETATTR_MODE, "mode", "0%" PRIo32, f->u.rgetattr.mode);
	GA(P9_GETATTR_UID, "uid", "%" PRIu32, f->u.rgetattr.uid);
	GA(P9_GETATTR_GID, "gid", "%" PRIu32, f->u.rgetattr.gid);
	GA(P9_GETATTR_NLINK, "nlink", "%" PRIu64, f->u.rgetattr.nlink);
	GA(P9_GETATTR_RDEV, "rdev", "%" PRIu64, f->u.rgetattr.rdev);
	GA(P9_GETATTR_SIZE, "size", "%" PRIu64, f->u.rgetattr.size);
	GA(P9_GETATTR_BLOCKS, "blocks", "%" PRIu64, f->u.rgetattr.blocks);
	GA(P9_GETATTR_INO, "ino", "0x%" PRIx64, f->u.rgetattr.qid.path);
	GA(P9_GETATTR_GEN, "gen", "%" PRIu64, f->u.rgetattr.gen);
	GA(P9_GETATTR_DATA_VERSION, "data_version", "%" PRIu64,
	    f->u.rgetattr.data_version);
#undef GA
#define GT(bit, name, s, ns) do {					\
	if (m & (bit)) {						\
		if (v & (bit))						\
			p9c_puttime(name, (s), (ns));			\
		else							\
			printf(" " name "=-");				\
	}								\
} while (0)
	GT(P9_GETATTR_ATIME, "atime", f->u.rgetattr.atime_sec,
	    f->u.rgetattr.atime_nsec);
	GT(P9_GETATTR_MTIME, "mtime", f->u.rgetattr.mtime_sec,
	    f->u.rgetattr.mtime_nsec);
	GT(P9_GETATTR_CTIME, "ctime", f->u.rgetattr.ctime_sec,
	    f->u.rgetattr.ctime_nsec);
	GT(P9_GETATTR_BTIME, "btime", f->u.rgetattr.btime_sec,
	    f->u.rgetattr.btime_nsec);
#undef GT
	if (p9c_verbose) {
		fputs(" qid=", stdout);
		p9c_putqid(&f->u.rgetattr.qid);
		printf(" blksize=%" PRIu64, f->u.rgetattr.blksize);
	}
	putchar('\n');
}

/*
 * Parse Rreaddir data; prints "Rreaddir N" and the entries.  Returns
 * the number of entries, -1 on a bad entry (said).  *lastoff gets the
 * last entry's offset.
 */
static long
p9c_putdirents(const uint8_t *data, uint32_t count, uint64_t *lastoff,
    int print)
{
	struct p9_rbuf	 rb;
	struct p9_qid	 qid;
	uint64_t	 off;
	uint8_t		 type;
	char		*name;
	long		 n = 0;

	name = p9c_xmalloc(P9C_NAMEMAX + 1);
	p9_rinit(&rb, data, count);
	while (p9_remain(&rb) > 0) {
		if (p9_dirent_get(&rb, &qid, &off, &type, name,
		    P9C_NAMEMAX + 1) == -1) {
			printf("error: malformed Rreaddir entry %ld\n", n);
			free(name);
			return -1;
		}
		*lastoff = off;
		n++;
	}
	if (print) {
		printf("Rreaddir %ld\n", n);
		p9_rinit(&rb, data, count);
		while (p9_remain(&rb) > 0) {
			(void)p9_dirent_get(&rb, &qid, &off, &type, name,
			    P9C_NAMEMAX + 1);
			p9c_putstr(name);
			printf(" %s", p9c_dtype(type));
			if (p9c_verbose)
				printf(" %" PRIu64, off);
			putchar('\n');
		}
	}
	free(name);
	return n;
}

static void
p9c_putreply(const struct p9c_req *q, const struct p9_fcall *f)
{
	struct p9c_fid	*fi;
	uint64_t	 lastoff;
	uint16_t	 i;

	if (q != NULL && f->type != P9_RLERROR && f->type != q->q_ttype + 1)
		fputs("unexpected ", stdout);
	switch (f->type) {
	case P9_RLERROR:
		fputs("Rlerror ", stdout);
		p9c_puterrno(f->u.rlerror.ecode);
		putchar('\n');
		break;
	case P9_RVERSION:
		printf("Rversion %" PRIu32 " ", f->u.version.msize);
		p9c_putstr(f->u.version.version);
		putchar('\n');
		break;
	case P9_RAUTH:
		fputs("Rauth ", stdout);
		p9c_putqid(&f->u.rauth.aqid);
		putchar('\n');
		break;
	case P9_RATTACH:
		fputs("Rattach ", stdout);
		p9c_putqid(&f->u.rattach.qid);
		putchar('\n');
		if (q != NULL && q->q_ttype == P9_TATTACH)
			p9c_fidqid(q->q_fid, &f->u.rattach.qid);
		break;
	case P9_RWALK:
		printf("Rwalk %u", f->u.rwalk.nwqid);
		for (i = 0; i < f->u.rwalk.nwqid; i++) {
			putchar(' ');
			p9c_putqid(&f->u.rwalk.wqid[i]);
		}
		putchar('\n');
		if (q == NULL || q->q_ttype != P9_TWALK)
			break;
		if (q->q_nwname > 0 && f->u.rwalk.nwqid == q->q_nwname)
			p9c_fidqid(q->q_newfid,
			    &f->u.rwalk.wqid[q->q_nwname - 1]);
		else if (q->q_nwname == 0 &&
		    (fi = p9c_fidget(q->q_fid, 0)) != NULL && fi->fi_hasqid)
			p9c_fidqid(q->q_newfid, &fi->fi_qid);
		break;
	case P9_RLOPEN:
	case P9_RLCREATE:
		printf("%s ", p9_typename(f->type));
		p9c_putqid(&f->u.rlopen.qid);
		printf(" %" PRIu32 "\n", f->u.rlopen.iounit);
		if (q != NULL && (q->q_ttype == P9_TLOPEN ||
		    q->q_ttype == P9_TLCREATE))
			p9c_fidqid(q->q_fid, &f->u.rlopen.qid);
		break;
	case P9_RSYMLINK:
	case P9_RMKNOD:
	case P9_RMKDIR:
		printf("%s ", p9_typename(f->type));
		p9c_putqid(&f->u.rqid.qid);
		putchar('\n');
		break;
	case P9_RREADLINK:
		fputs("Rreadlink ", stdout);
		p9c_putstr(f->u.rreadlink.target);
		putchar('\n');
		break;
	case P9_RGETATTR:
		if (q == NULL || q->q_ttype != P9_TGETATTR) {
			struct p9c_req	 dq;

			memset(&dq, 0, sizeof(dq));
			dq.q_mask = P9_GETATTR_MODE | P9_GETATTR_UID |
			    P9_GETATTR_GID | P9_GETATTR_NLINK |
			    P9_GETATTR_SIZE;
			p9c_putgetattr(&dq, f);
		} else {
			p9c_putgetattr(q, f);
			p9c_fidqid(q->q_fid, &f->u.rgetattr.qid);
		}
		break;
	case P9_RSTATFS:
		printf("Rstatfs type=0x%08" PRIx32 " namelen=%" PRIu32,
		    f->u.rstatfs.type, f->u.rstatfs.namelen);
		if (p9c_verbose)
			printf(" bsize=%" PRIu32 " blocks=%" PRIu64
			    " bfree=%" PRIu64 " bavail=%" PRIu64
			    " files=%" PRIu64 " ffree=%" PRIu64
			    " fsid=0x%" PRIx64, f->u.rstatfs.bsize,
			    f->u.rstatfs.blocks, f->u.rstatfs.bfree,
			    f->u.rstatfs.bavail, f->u.rstatfs.files,
			    f->u.rstatfs.ffree, f->u.rstatfs.fsid);
		putchar('\n');
		break;
	case P9_RXATTRWALK:
		printf("Rxattrwalk %" PRIu64 "\n", f->u.rxattrwalk.size);
		break;
	case P9_RREAD:
		printf("Rread %" PRIu32, f->u.rread.count);
		if (f->u.rread.count > 0 && (q == NULL ||
		    !(q->q_flags & Q_QUIET))) {
			putchar(' ');
			p9c_putesc(f->u.rread.data, f->u.rread.count, 0);
		}
		putchar('\n');
		break;
	case P9_RWRITE:
		printf("Rwrite %" PRIu32 "\n", f->u.rwrite.count);
		break;
	case P9_RREADDIR:
		lastoff = 0;
		if (p9c_putdirents(f->u.rreaddir.data, f->u.rreaddir.count,
		    &lastoff, 1) > 0 && q != NULL && (q->q_flags & Q_DIRNEXT))
			p9c_fidget(q->q_fid, 1)->fi_dirnext = lastoff;
		break;
	case P9_RLOCK:
		switch (f->u.rlock.status) {
		case P9_LOCK_SUCCESS:
			printf("Rlock ok\n");
			break;
		case P9_LOCK_BLOCKED:
			printf("Rlock blocked\n");
			break;
		case P9_LOCK_ERROR:
			printf("Rlock error\n");
			break;
		case P9_LOCK_GRACE:
			printf("Rlock grace\n");
			break;
		default:
			printf("Rlock %u\n", f->u.rlock.status);
		}
		break;
	case P9_RGETLOCK:
		fputs("Rgetlock ", stdout);
		switch (f->u.getlock.type) {
		case P9_LOCK_TYPE_RDLCK:
			fputs("rd", stdout);
			break;
		case P9_LOCK_TYPE_WRLCK:
			fputs("wr", stdout);
			break;
		case P9_LOCK_TYPE_UNLCK:
			fputs("un", stdout);
			break;
		default:
			printf("%u", f->u.getlock.type);
		}
		printf(" %" PRIu64 " %" PRIu64, f->u.getlock.start,
		    f->u.getlock.length);
		if (p9c_verbose) {
			printf(" pid=%" PRIu32 " cid=", f->u.getlock.proc_id);
			p9c_putstr(f->u.getlock.client_id);
		}
		putchar('\n');
		break;
	case P9_RFLUSH:
	case P9_RRENAME:
	case P9_RSETATTR:
	case P9_RXATTRCREATE:
	case P9_RFSYNC:
	case P9_RLINK:
	case P9_RRENAMEAT:
	case P9_RUNLINKAT:
	case P9_RCLUNK:
	case P9_RREMOVE:
		printf("%s\n", p9_typename(f->type));
		break;
	default:
		printf("%s\n", p9_typename(f->type));
		break;
	}
}

/*
 * After an Rflush: if the flushed request's reply did not come first,
 * the server promises it never will.
 */
static void
p9c_noteflush(struct p9c_conn *c, uint16_t oldtag)
{
	struct p9c_req	*q;
	struct p9c_frame *fr;

	if ((q = p9c_pendfind(c, oldtag)) == NULL)
		return;
	for (fr = c->c_stash; fr != NULL; fr = fr->fr_next)
		if (p9c_frametag(fr) == oldtag)
			return;
	q->q_flags |= Q_FLUSHED;
}

/* Encode t (tag filled in here) and send it; 0 or a failure code. */
static int
p9c_sendmsg(struct p9_fcall *t, size_t extra)
{
	uint8_t	*buf;
	size_t	 cap, len;
	int	 r;

	if (p9c_cur->c_fd == -1)
		return -1;
	if (t->type != P9_TVERSION)
		t->tag = p9c_newtag(p9c_cur);
	p9c_lasttag = t->tag;
	cap = 17 * (size_t)(UINT16_MAX + 2) + 128 + extra;
	buf = p9c_xmalloc(cap);
	if ((len = p9_encode(buf, cap, t)) == 0) {
		free(buf);
		p9c_scripterr("cannot encode %s", p9_typename(t->type));
		return -5;
	}
	r = p9c_send(p9c_cur, buf, len);
	free(buf);
	return r;
}

/*
 * One request and its reply, synchronously.  0 and *r decoded, or -1
 * after the failure was printed.
 */
static int
p9c_rpc(struct p9_fcall *t, size_t extra, struct p9c_reply *r)
{
	struct p9c_frame	*fr;
	int			 e;

	memset(r, 0, sizeof(*r));
	if ((e = p9c_sendmsg(t, extra)) != 0) {
		if (e != -5)
			p9c_putfailure(e);
		return -1;
	}
	if ((e = p9c_await(p9c_cur, t->tag, &fr)) != 1) {
		p9c_putfailure(e);
		return -1;
	}
	return p9c_decode(fr, r);
}

/* A one-message command: now, or later if under async/pipeline. */
static void
p9c_simple(struct p9_fcall *t, struct p9c_req *qp, size_t extra)
{
	struct p9c_reply	 r;
	struct p9c_req		*q, **qq;
	int			 e;

	qp->q_ttype = t->type;
	if (p9c_async) {
		if ((e = p9c_sendmsg(t, extra)) != 0) {
			if (e != -5)
				p9c_putfailure(e);
			return;
		}
		q = p9c_xmalloc(sizeof(*q));
		*q = *qp;
		q->q_tag = t->tag;
		q->q_next = NULL;
		for (qq = &p9c_cur->c_pend; *qq != NULL; qq = &(*qq)->q_next)
			;
		*qq = q;
		return;
	}
	if (p9c_rpc(t, extra, &r) == -1)
		return;
	qp->q_tag = t->tag;
	p9c_putreply(qp, &r.r_f);
	if (r.r_f.type == P9_RFLUSH && t->type == P9_TFLUSH)
		p9c_noteflush(p9c_cur, t->u.tflush.oldtag);
	if (r.r_f.type == P9_RVERSION)
		p9c_fidsfree(p9c_cur);
	p9c_replyfree(&r);
}

static void
p9c_init(struct p9_fcall *t, struct p9c_req *q, uint8_t type)
{
	memset(t, 0, sizeof(*t));
	memset(q, 0, sizeof(*q));
	t->type = type;
}

/* Commands. */
static void
cmd_version(int argc, char **argv)
{
	struct p9c_reply	 r;
	struct p9_fcall		 t;
	struct p9c_req		 q;
	uint32_t		 msize = p9c_defmsize;

	p9c_init(&t, &q, P9_TVERSION);
	if (argc > 1 && p9c_arg32(argv[1], &msize, "msize") == -1)
		return;
	t.tag = P9_NOTAG;
	t.u.version.msize = msize;
	t.u.version.version = argc > 2 ? argv[2] : P9_VERSION;
	/* Until the answer, the server may use anything we offered. */
	if (msize > p9c_cur->c_msize)
		p9c_cur->c_msize = msize;
	if (p9c_rpc(&t, 0, &r) == -1)
		return;
	q.q_ttype = P9_TVERSION;
	p9c_putreply(&q, &r.r_f);
	if (r.r_f.type == P9_RVERSION) {
		p9c_cur->c_msize = r.r_f.u.version.msize < msize ?
		    r.r_f.u.version.msize : msize;
		p9c_fidsfree(p9c_cur);
	}
	p9c_replyfree(&r);
}

static void
cmd_attach(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	int		 isauth = strcmp(argv[0], "auth") == 0;
	uint32_t	 fid, afid = P9_NOFID, nun = (uint32_t)geteuid();

	p9c_init(&t, &q, isauth ? P9_TAUTH : P9_TATTACH);
	if (p9c_argfid(argv[1], &fid) == -1)
		return;
	if (argc > 4 && strcmp(argv[4], "none") != 0 &&
	    p9c_arg32(argv[4], &nun, "n_uname") == -1)
		return;
	if (argc > 4 && strcmp(argv[4], "none") == 0)
		nun = P9_NONUNAME;
	if (argc > 5 && (isauth || p9c_argfid(argv[5], &afid) == -1)) {
		if (isauth)
			p9c_scripterr("auth takes no AFID after N_UNAME");
		return;
	}
	q.q_fid = fid;
	if (isauth) {
		t.u.tauth.afid = fid;
		t.u.tauth.uname = argv[2];
		t.u.tauth.aname = argv[3];
		t.u.tauth.n_uname = nun;
	} else {
		t.u.tattach.fid = fid;
		t.u.tattach.afid = afid;
		t.u.tattach.uname = argv[2];
		t.u.tattach.aname = argv[3];
		t.u.tattach.n_uname = nun;
	}
	p9c_simple(&t, &q, 0);
}

static void
cmd_walk(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	int		 i;

	p9c_init(&t, &q, P9_TWALK);
	if (argc - 3 > P9_MAXWELEM) {
		p9c_scripterr("walk takes at most %d names (use frame)",
		    P9_MAXWELEM);
		return;
	}
	if (p9c_argfid(argv[1], &t.u.twalk.fid) == -1 ||
	    p9c_argfid(argv[2], &t.u.twalk.newfid) == -1)
		return;
	t.u.twalk.nwname = (uint16_t)(argc - 3);
	for (i = 3; i < argc; i++)
		t.u.twalk.wname[i - 3] = argv[i];
	q.q_fid = t.u.twalk.fid;
	q.q_newfid = t.u.twalk.newfid;
	q.q_nwname = t.u.twalk.nwname;
	p9c_simple(&t, &q, 0);
}

static void
cmd_lopen(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	(void)argc;
	p9c_init(&t, &q, P9_TLOPEN);
	if (p9c_argfid(argv[1], &t.u.tlopen.fid) == -1 ||
	    p9c_argflags32(argv[2], p9c_oflags, "O_", &t.u.tlopen.flags,
	    "open flags") == -1)
		return;
	q.q_fid = t.u.tlopen.fid;
	p9c_simple(&t, &q, 0);
}

static int
p9c_arggid(int argc, char **argv, int i, uint32_t *gid)
{
	*gid = (uint32_t)getegid();
	if (argc > i)
		return p9c_arg32(argv[i], gid, "gid");
	return 0;
}

static int
p9c_argmode(const char *s, uint32_t *mode)
{
	return p9c_argflags32(s, p9c_modebits, "S_", mode, "mode");
}

static void
cmd_lcreate(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TLCREATE);
	if (p9c_argfid(argv[1], &t.u.tlcreate.fid) == -1 ||
	    p9c_argflags32(argv[3], p9c_oflags, "O_", &t.u.tlcreate.flags,
	    "open flags") == -1 ||
	    p9c_argmode(argv[4], &t.u.tlcreate.mode) == -1 ||
	    p9c_arggid(argc, argv, 5, &t.u.tlcreate.gid) == -1)
		return;
	t.u.tlcreate.name = argv[2];
	q.q_fid = t.u.tlcreate.fid;
	p9c_simple(&t, &q, 0);
}

static void
cmd_mkdir(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TMKDIR);
	if (p9c_argfid(argv[1], &t.u.tmkdir.dfid) == -1 ||
	    p9c_argmode(argv[3], &t.u.tmkdir.mode) == -1 ||
	    p9c_arggid(argc, argv, 4, &t.u.tmkdir.gid) == -1)
		return;
	t.u.tmkdir.name = argv[2];
	p9c_simple(&t, &q, 0);
}

static void
cmd_symlink(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TSYMLINK);
	if (p9c_argfid(argv[1], &t.u.tsymlink.dfid) == -1 ||
	    p9c_arggid(argc, argv, 4, &t.u.tsymlink.gid) == -1)
		return;
	t.u.tsymlink.name = argv[2];
	t.u.tsymlink.symtgt = argv[3];
	p9c_simple(&t, &q, 0);
}

static void
cmd_mknod(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TMKNOD);
	if (p9c_argfid(argv[1], &t.u.tmknod.dfid) == -1 ||
	    p9c_argmode(argv[3], &t.u.tmknod.mode) == -1 ||
	    p9c_arg32(argv[4], &t.u.tmknod.major, "major") == -1 ||
	    p9c_arg32(argv[5], &t.u.tmknod.minor, "minor") == -1 ||
	    p9c_arggid(argc, argv, 6, &t.u.tmknod.gid) == -1)
		return;
	t.u.tmknod.name = argv[2];
	p9c_simple(&t, &q, 0);
}

static void
cmd_link(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	(void)argc;
	p9c_init(&t, &q, P9_TLINK);
	if (p9c_argfid(argv[1], &t.u.tlink.dfid) == -1 ||
	    p9c_argfid(argv[2], &t.u.tlink.fid) == -1)
		return;
	t.u.tlink.name = argv[3];
	p9c_simple(&t, &q, 0);
}

static void
cmd_rename(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	(void)argc;
	p9c_init(&t, &q, P9_TRENAME);
	if (p9c_argfid(argv[1], &t.u.trename.fid) == -1 ||
	    p9c_argfid(argv[2], &t.u.trename.dfid) == -1)
		return;
	t.u.trename.name = argv[3];
	p9c_simple(&t, &q, 0);
}

static void
cmd_renameat(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	(void)argc;
	p9c_init(&t, &q, P9_TRENAMEAT);
	if (p9c_argfid(argv[1], &t.u.trenameat.olddirfid) == -1 ||
	    p9c_argfid(argv[3], &t.u.trenameat.newdirfid) == -1)
		return;
	t.u.trenameat.oldname = argv[2];
	t.u.trenameat.newname = argv[4];
	p9c_simple(&t, &q, 0);
}

static void
cmd_unlinkat(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TUNLINKAT);
	if (p9c_argfid(argv[1], &t.u.tunlinkat.dirfid) == -1)
		return;
	if (argc > 3 && p9c_argflags32(argv[3], p9c_atflags, "AT_",
	    &t.u.tunlinkat.flags, "unlinkat flags") == -1)
		return;
	t.u.tunlinkat.name = argv[2];
	p9c_simple(&t, &q, 0);
}

/* remove, clunk, readlink, statfs: fid[4] only. */
static void
cmd_fidonly(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	uint8_t		 type;

	(void)argc;
	if (strcmp(argv[0], "remove") == 0)
		type = P9_TREMOVE;
	else if (strcmp(argv[0], "clunk") == 0)
		type = P9_TCLUNK;
	else if (strcmp(argv[0], "readlink") == 0)
		type = P9_TREADLINK;
	else
		type = P9_TSTATFS;
	p9c_init(&t, &q, type);
	if (p9c_argfid(argv[1], &q.q_fid) == -1)
		return;
	switch (type) {
	case P9_TREMOVE:
		t.u.tremove.fid = q.q_fid;
		break;
	case P9_TCLUNK:
		t.u.tclunk.fid = q.q_fid;
		break;
	case P9_TREADLINK:
		t.u.treadlink.fid = q.q_fid;
		break;
	default:
		t.u.tstatfs.fid = q.q_fid;
		break;
	}
	p9c_simple(&t, &q, 0);
}

static void
cmd_fsync(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TFSYNC);
	if (p9c_argfid(argv[1], &t.u.tfsync.fid) == -1 ||
	    (argc > 2 && p9c_arg32(argv[2], &t.u.tfsync.datasync,
	    "datasync") == -1))
		return;
	p9c_simple(&t, &q, 0);
}

static void
cmd_flush(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	uint64_t	 v;

	(void)argc;
	p9c_init(&t, &q, P9_TFLUSH);
	if (strcmp(argv[1], "last") == 0)
		v = p9c_lasttag;
	else if (p9c_argnum(argv[1], UINT16_MAX, &v, "tag") == -1)
		return;
	t.u.tflush.oldtag = (uint16_t)v;
	q.q_oldtag = (uint16_t)v;
	p9c_simple(&t, &q, 0);
}

static void
cmd_getattr(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TGETATTR);
	if (p9c_argfid(argv[1], &t.u.tgetattr.fid) == -1)
		return;
	if (argc > 2) {
		if (p9c_argflags(argv[2], p9c_gamask, "P9_GETATTR_",
		    UINT64_MAX, &t.u.tgetattr.request_mask,
		    "getattr mask") == -1)
			return;
		q.q_mask = t.u.tgetattr.request_mask;
	} else {
		t.u.tgetattr.request_mask = P9_GETATTR_BASIC;
		q.q_mask = P9_GETATTR_MODE | P9_GETATTR_UID |
		    P9_GETATTR_GID | P9_GETATTR_NLINK | P9_GETATTR_SIZE;
	}
	q.q_fid = t.u.tgetattr.fid;
	p9c_simple(&t, &q, 0);
}

/* Decimal only: a time like 010 must not read as octal. */
static int
p9c_dec(const char *s, uint64_t *v)
{
	uint64_t	 n = 0, d;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (uint64_t)(*s - '0');
		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*v = n;
	return 0;
}

/* SEC[.NSEC] or now: returns 1 for a set time, 0 for now, -1 bad. */
static int
p9c_argtime(const char *s, uint64_t *sec, uint64_t *nsec)
{
	char		 buf[64], *dot;
	size_t		 nd;

	if (strcmp(s, "now") == 0)
		return 0;
	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	*nsec = 0;
	if ((dot = strchr(buf, '.')) != NULL) {
		*dot++ = '\0';
		nd = strlen(dot);
		if (nd == 0 || nd > 9 || p9c_dec(dot, nsec) == -1)
			return -1;
		for (; nd < 9; nd++)
			*nsec *= 10;
	}
	if (p9c_dec(buf, sec) == -1)
		return -1;
	return 1;
}

static void
cmd_setattr(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	char		*val;
	uint64_t	 v;
	int		 i, setvalid = 0, k;
	uint32_t	 valid = 0, forced = 0;

	p9c_init(&t, &q, P9_TSETATTR);
	if (p9c_argfid(argv[1], &t.u.tsetattr.fid) == -1)
		return;
	for (i = 2; i < argc; i++) {
		if ((val = strchr(argv[i], '=')) != NULL)
			*val++ = '\0';
		if (strcmp(argv[i], "ctime") == 0 && (val == NULL ||
		    strcmp(val, "now") == 0)) {
			valid |= P9_SETATTR_CTIME;
			continue;
		}
		if (val == NULL) {
			p9c_scripterr("setattr: expected FIELD=VALUE, got "
			    "\"%s\"", argv[i]);
			return;
		}
		if (strcmp(argv[i], "mode") == 0) {
			if (p9c_argmode(val, &t.u.tsetattr.mode) == -1)
				return;
			valid |= P9_SETATTR_MODE;
		} else if (strcmp(argv[i], "uid") == 0) {
			if (p9c_arg32(val, &t.u.tsetattr.uid, "uid") == -1)
				return;
			valid |= P9_SETATTR_UID;
		} else if (strcmp(argv[i], "gid") == 0) {
			if (p9c_arg32(val, &t.u.tsetattr.gid, "gid") == -1)
				return;
			valid |= P9_SETATTR_GID;
		} else if (strcmp(argv[i], "size") == 0) {
			if (p9c_argnum(val, UINT64_MAX, &t.u.tsetattr.size,
			    "size") == -1)
				return;
			valid |= P9_SETATTR_SIZE;
		} else if (strcmp(argv[i], "atime") == 0) {
			if ((k = p9c_argtime(val, &t.u.tsetattr.atime_sec,
			    &t.u.tsetattr.atime_nsec)) == -1) {
				p9c_scripterr("bad atime \"%s\"", val);
				return;
			}
			valid |= P9_SETATTR_ATIME |
			    (k ? P9_SETATTR_ATIME_SET : 0);
		} else if (strcmp(argv[i], "mtime") == 0) {
			if ((k = p9c_argtime(val, &t.u.tsetattr.mtime_sec,
			    &t.u.tsetattr.mtime_nsec)) == -1) {
				p9c_scripterr("bad mtime \"%s\"", val);
				return;
			}
			valid |= P9_SETATTR_MTIME |
			    (k ? P9_SETATTR_MTIME_SET : 0);
		} else if (strcmp(argv[i], "valid") == 0) {
			if (p9c_argnum(val, UINT32_MAX, &v, "valid") == -1)
				return;
			forced = (uint32_t)v;
			setvalid = 1;
		} else {
			p9c_scripterr("setattr: unknown field \"%s\"",
			    argv[i]);
			return;
		}
	}
	t.u.tsetattr.valid = setvalid ? forced : valid;
	p9c_simple(&t, &q, 0);
}

static void
cmd_read(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	(void)argc;
	p9c_init(&t, &q, P9_TREAD);
	if (p9c_argfid(argv[1], &t.u.tread.fid) == -1 ||
	    p9c_argnum(argv[2], UINT64_MAX, &t.u.tread.offset,
	    "offset") == -1 ||
	    p9c_arg32(argv[3], &t.u.tread.count, "count") == -1)
		return;
	if (strcmp(argv[0], "readn") == 0)
		q.q_flags |= Q_QUIET;
	p9c_simple(&t, &q, 0);
}

static void
cmd_write(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	char		*text;
	size_t		 len = 0, off = 0;
	int		 i;

	p9c_init(&t, &q, P9_TWRITE);
	if (p9c_argfid(argv[1], &t.u.twrite.fid) == -1 ||
	    p9c_argnum(argv[2], UINT64_MAX, &t.u.twrite.offset,
	    "offset") == -1)
		return;
	for (i = 3; i < argc; i++)
		len += p9c_toklen[i] + 1;
	text = p9c_xmalloc(len + 1);
	for (i = 3; i < argc; i++) {
		if (i > 3)
			text[off++] = ' ';
		memcpy(text + off, argv[i], p9c_toklen[i]);
		off += p9c_toklen[i];
	}
	if (off > UINT32_MAX) {
		free(text);
		p9c_scripterr("write: text too long");
		return;
	}
	t.u.twrite.count = (uint32_t)off;
	t.u.twrite.data = (const uint8_t *)text;
	p9c_simple(&t, &q, off);
	free(text);
}

static uint32_t
p9c_iosize(void)
{
	uint32_t	 m = p9c_cur->c_msize;

	return m > P9_IOHDRSZ ? m - P9_IOHDRSZ : 1;
}

static void
cmd_readfile(int argc, char **argv)
{
	struct p9c_reply r;
	struct p9_fcall	 t;
	uint64_t	 total = 0;
	uint32_t	 count = p9c_iosize(), n;
	int		 fd;

	p9c_init(&t, &(struct p9c_req){ 0 }, P9_TREAD);
	if (p9c_argfid(argv[1], &t.u.tread.fid) == -1 ||
	    (argc > 3 && p9c_arg32(argv[3], &count, "count") == -1))
		return;
	if ((fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		p9c_scripterr("%s: %s", argv[2], strerror(errno));
		return;
	}
	for (;;) {
		t.u.tread.offset = total;
		t.u.tread.count = count;
		if (p9c_rpc(&t, 0, &r) == -1)
			break;
		if (r.r_f.type != P9_RREAD) {
			p9c_putreply(&(struct p9c_req){ .q_ttype = P9_TREAD },
			    &r.r_f);
			p9c_replyfree(&r);
			break;
		}
		n = r.r_f.u.rread.count;
		if (n > count) {
			printf("error: Rread of %" PRIu32 " for count %" PRIu32
			    "\n", n, count);
			p9c_replyfree(&r);
			break;
		}
		if (n > 0 && write(fd, r.r_f.u.rread.data, n) != (ssize_t)n) {
			p9c_scripterr("%s: %s", argv[2], strerror(errno));
			p9c_replyfree(&r);
			break;
		}
		p9c_replyfree(&r);
		total += n;
		if (n == 0) {
			printf("Rread %" PRIu64 "\n", total);
			break;
		}
	}
	close(fd);
}

static void
cmd_writefile(int argc, char **argv)
{
	struct p9c_reply r;
	struct p9_fcall	 t;
	uint8_t		*buf;
	uint64_t	 off = 0, total = 0;
	uint32_t	 chunk = p9c_iosize(), n;
	ssize_t		 got;
	size_t		 have = 0, pos = 0;
	int		 fd, done = 0;

	p9c_init(&t, &(struct p9c_req){ 0 }, P9_TWRITE);
	if (p9c_argfid(argv[1], &t.u.twrite.fid) == -1 ||
	    (argc > 3 && p9c_argnum(argv[3], UINT64_MAX, &off,
	    "offset") == -1))
		return;
	if ((fd = open(argv[2], O_RDONLY | O_CLOEXEC)) == -1) {
		p9c_scripterr("%s: %s", argv[2], strerror(errno));
		return;
	}
	buf = p9c_xmalloc(chunk);
	while (!done) {
		if (pos == have) {
			if ((got = read(fd, buf, chunk)) == -1) {
				p9c_scripterr("%s: %s", argv[2],
				    strerror(errno));
				break;
			}
			if (got == 0) {
				printf("Rwrite %" PRIu64 "\n", total);
				break;
			}
			have = (size_t)got;
			pos = 0;
		}
		t.u.twrite.offset = off + total;
		t.u.twrite.count = (uint32_t)(have - pos);
		t.u.twrite.data = buf + pos;
		if (p9c_rpc(&t, chunk, &r) == -1)
			break;
		if (r.r_f.type != P9_RWRITE) {
			p9c_putreply(&(struct p9c_req){ .q_ttype = P9_TWRITE },
			    &r.r_f);
			done = 1;
		} else if ((n = r.r_f.u.rwrite.count) == 0 ||
		    n > have - pos) {
			printf("error: Rwrite of %" PRIu32 " for count %zu\n",
			    n, have - pos);
			done = 1;
		} else {
			pos += n;
			total += n;
		}
		p9c_replyfree(&r);
	}
	free(buf);
	close(fd);
}

/*
 * Many bytes without a host file to read them from: the stall test
 * writes a GiB this way.  One request at a time, each msize-sized.
 */
static void
cmd_writefill(int argc, char **argv)
{
	struct p9c_reply r;
	struct p9_fcall	 t;
	uint8_t		*buf;
	uint64_t	 off, bytes, total = 0, b = 0;
	uint32_t	 chunk = p9c_iosize(), n;

	p9c_init(&t, &(struct p9c_req){ 0 }, P9_TWRITE);
	if (p9c_argfid(argv[1], &t.u.twrite.fid) == -1 ||
	    p9c_argnum(argv[2], UINT64_MAX, &off, "offset") == -1 ||
	    p9c_argnum(argv[3], UINT64_MAX - off, &bytes, "bytes") == -1 ||
	    (argc > 4 && p9c_argnum(argv[4], 255, &b, "fill byte") == -1))
		return;
	buf = p9c_xmalloc(chunk);
	memset(buf, (int)b, chunk);
	while (total < bytes) {
		t.u.twrite.offset = off + total;
		t.u.twrite.count = bytes - total < chunk ?
		    (uint32_t)(bytes - total) : chunk;
		t.u.twrite.data = buf;
		if (p9c_rpc(&t, chunk, &r) == -1)
			break;
		if (r.r_f.type != P9_RWRITE) {
			p9c_putreply(&(struct p9c_req){ .q_ttype = P9_TWRITE },
			    &r.r_f);
			p9c_replyfree(&r);
			break;
		}
		n = r.r_f.u.rwrite.count;
		p9c_replyfree(&r);
		if (n == 0 || n > t.u.twrite.count) {
			printf("error: Rwrite of %" PRIu32 " for count %"
			    PRIu32 "\n", n, t.u.twrite.count);
			break;
		}
		total += n;
	}
	if (total == bytes)
		printf("Rwrite %" PRIu64 "\n", total);
	free(buf);
}

struct p9c_dirent {
	char		*de_name;
	uint8_t		 de_type;
};

static int
p9c_direntcmp(const void *a, const void *b)
{
	const struct p9c_dirent	*da = a, *db = b;

	return strcmp(da->de_name, db->de_name);
}

static void
cmd_readdir(int argc, char **argv)
{
	struct p9c_reply	 r;
	struct p9_fcall		 t;
	struct p9_rbuf		 rb;
	struct p9_qid		 qid;
	struct p9c_dirent	*ents = NULL, *ne;
	size_t			 nent = 0, cap = 0, i;
	uint64_t		 off;
	uint8_t			 type;
	char			*name;
	uint32_t		 count;
	int			 ok = 0, sorted = 0;

	count = p9c_cur->c_msize > P9_READDIRHDRSZ ?
	    p9c_cur->c_msize - P9_READDIRHDRSZ : 1;
	p9c_init(&t, &(struct p9c_req){ 0 }, P9_TREADDIR);
	if (argc > 2 && strcmp(argv[argc - 1], "sort") == 0) {
		sorted = 1;
		argc--;
	}
	if (p9c_argfid(argv[1], &t.u.treaddir.fid) == -1 ||
	    (argc > 2 && p9c_arg32(argv[2], &count, "count") == -1))
		return;
	name = p9c_xmalloc(P9C_NAMEMAX + 1);
	t.u.treaddir.count = count;
	for (;;) {
		if (p9c_rpc(&t, 0, &r) == -1)
			break;
		if (r.r_f.type != P9_RREADDIR) {
			p9c_putreply(&(struct p9c_req){ .q_ttype = P9_TREADDIR },
			    &r.r_f);
			p9c_replyfree(&r);
			break;
		}
		if (r.r_f.u.rreaddir.count > count) {
			printf("error: Rreaddir of %" PRIu32 " for count %"
			    PRIu32 "\n", r.r_f.u.rreaddir.count, count);
			p9c_replyfree(&r);
			break;
		}
		if (r.r_f.u.rreaddir.count == 0) {
			p9c_replyfree(&r);
			ok = 1;
			break;
		}
		p9_rinit(&rb, r.r_f.u.rreaddir.data, r.r_f.u.rreaddir.count);
		while (p9_remain(&rb) > 0) {
			if (p9_dirent_get(&rb, &qid, &off, &type, name,
			    P9C_NAMEMAX + 1) == -1) {
				printf("error: malformed Rreaddir entry\n");
				break;
			}
			if (nent == cap) {
				cap = cap == 0 ? 256 : cap * 2;
				if ((ne = realloc(ents, cap *
				    sizeof(*ents))) == NULL) {
					fprintf(stderr, "p9c: out of memory\n");
					exit(1);
				}
				ents = ne;
			}
			ents[nent].de_name = strdup(name);
			ents[nent].de_type = type;
			if (ents[nent].de_name == NULL) {
				fprintf(stderr, "p9c: out of memory\n");
				exit(1);
			}
			nent++;
			t.u.treaddir.offset = off;
		}
		p9c_replyfree(&r);
		if (rb.rb_err)
			break;
		if (nent > P9C_MAXDIRENT) {
			printf("error: more than %d entries\n", P9C_MAXDIRENT);
			break;
		}
	}
	if (ok) {
		if (sorted && nent > 1)
			qsort(ents, nent, sizeof(*ents), p9c_direntcmp);
		printf("Rreaddir %zu\n", nent);
		for (i = 0; i < nent; i++) {
			p9c_putstr(ents[i].de_name);
			printf(" %s\n", p9c_dtype(ents[i].de_type));
		}
	}
	for (i = 0; i < nent; i++)
		free(ents[i].de_name);
	free(ents);
	free(name);
}

static void
cmd_readdir1(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	struct p9c_fid	*fi;

	(void)argc;
	p9c_init(&t, &q, P9_TREADDIR);
	if (p9c_argfid(argv[1], &t.u.treaddir.fid) == -1 ||
	    p9c_arg32(argv[3], &t.u.treaddir.count, "count") == -1)
		return;
	if (strcmp(argv[2], "next") == 0) {
		fi = p9c_fidget(t.u.treaddir.fid, 0);
		t.u.treaddir.offset = fi != NULL ? fi->fi_dirnext : 0;
	} else if (p9c_argnum(argv[2], UINT64_MAX, &t.u.treaddir.offset,
	    "offset") == -1)
		return;
	q.q_fid = t.u.treaddir.fid;
	q.q_flags = Q_DIRNEXT;
	p9c_simple(&t, &q, 0);
}

static void
cmd_xattrwalk(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	(void)argc;
	p9c_init(&t, &q, P9_TXATTRWALK);
	if (p9c_argfid(argv[1], &t.u.txattrwalk.fid) == -1 ||
	    p9c_argfid(argv[2], &t.u.txattrwalk.newfid) == -1)
		return;
	t.u.txattrwalk.name = argv[3];
	p9c_simple(&t, &q, 0);
}

static void
cmd_xattrcreate(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;

	p9c_init(&t, &q, P9_TXATTRCREATE);
	if (p9c_argfid(argv[1], &t.u.txattrcreate.fid) == -1 ||
	    p9c_argnum(argv[3], UINT64_MAX, &t.u.txattrcreate.attr_size,
	    "size") == -1 ||
	    (argc > 4 && p9c_argflags32(argv[4], p9c_xflags, "XATTR_",
	    &t.u.txattrcreate.flags, "xattr flags") == -1))
		return;
	t.u.txattrcreate.name = argv[2];
	p9c_simple(&t, &q, 0);
}

static void
cmd_lock(int argc, char **argv)
{
	struct p9_fcall	 t;
	struct p9c_req	 q;
	uint64_t	 type;
	int		 isget = strcmp(argv[0], "getlock") == 0;
	int		 pi = isget ? 5 : 6;
	uint32_t	 flags = 0, pid = 1000 + p9c_curidx;

	p9c_init(&t, &q, isget ? P9_TGETLOCK : P9_TLOCK);
	if (isget && argc > 7) {
		p9c_scripterr("getlock takes no FLAGS");
		return;
	}
	if (p9c_argflags(argv[2], p9c_ltypes, "F_", UINT8_MAX, &type,
	    "lock type") == -1)
		return;
	if (!isget && argc > 5 && p9c_argflags32(argv[5], p9c_lflags,
	    "P9_LOCK_FLAGS_", &flags, "lock flags") == -1)
		return;
	if (argc > pi && p9c_arg32(argv[pi], &pid, "proc_id") == -1)
		return;
	if (isget) {
		if (p9c_argfid(argv[1], &t.u.getlock.fid) == -1 ||
		    p9c_argnum(argv[3], UINT64_MAX, &t.u.getlock.start,
		    "start") == -1 ||
		    p9c_argnum(argv[4], UINT64_MAX, &t.u.getlock.length,
		    "length") == -1)
			return;
		t.u.getlock.type = (uint8_t)type;
		t.u.getlock.proc_id = pid;
		t.u.getlock.client_id = argc > pi + 1 ? argv[pi + 1] : "p9c";
	} else {
		if (p9c_argfid(argv[1], &t.u.tlock.fid) == -1 ||
		    p9c_argnum(argv[3], UINT64_MAX, &t.u.tlock.start,
		    "start") == -1 ||
		    p9c_argnum(argv[4], UINT64_MAX, &t.u.tlock.length,
		    "length") == -1)
			return;
		t.u.tlock.type = (uint8_t)type;
		t.u.tlock.flags = flags;
		t.u.tlock.proc_id = pid;
		t.u.tlock.client_id = argc > pi + 1 ? argv[pi + 1] : "p9c";
	}
	p9c_simple(&t, &q, 0);
}

/*
 * Build bytes from items: hex digits, u8:N u16:N u32:N u64:N, s:TEXT
 * (len[2] then TEXT), t:TEXT (TEXT alone), fill:N:HH.  Returns the
 * length or -1.
 */
static long
p9c_items(int argc, char **argv, int first, uint8_t **bufp)
{
	uint8_t		*buf = NULL, *nb;
	size_t		 len = 0, cap = 0, need, i, tl;
	uint64_t	 v = 0, cnt = 0;
	int		 a, width, e;
	char		*s, *colon;

	for (a = first; a < argc; a++) {
		s = argv[a];
		tl = p9c_toklen[a];
		width = 0;
		if (strncmp(s, "u8:", 3) == 0)
			width = 1;
		else if (strncmp(s, "u16:", 4) == 0)
			width = 2;
		else if (strncmp(s, "u32:", 4) == 0)
			width = 4;
		else if (strncmp(s, "u64:", 4) == 0)
			width = 8;
		if (width > 0)
			need = (size_t)width;
		else if (strncmp(s, "s:", 2) == 0)
			need = 2 + tl - 2;
		else if (strncmp(s, "t:", 2) == 0)
			need = tl - 2;
		else if (strncmp(s, "fill:", 5) == 0) {
			/* fill:N:HH, N a number, HH one byte in hex */
			if ((colon = strchr(s + 5, ':')) == NULL ||
			    strlen(colon + 1) != 2 ||
			    p9c_hexval(colon[1]) == -1 ||
			    p9c_hexval(colon[2]) == -1)
				goto bad;
			v = (uint64_t)(p9c_hexval(colon[1]) << 4 |
			    p9c_hexval(colon[2]));
			*colon = '\0';
			e = p9c_num(s + 5, 1 << 26, &cnt);
			*colon = ':';
			if (e == -1)
				goto bad;
			need = (size_t)cnt;
		} else {
			if (tl == 0 || tl % 2 != 0)
				goto bad;
			for (i = 0; i < tl; i++)
				if (strchr("0123456789abcdefABCDEF",
				    s[i]) == NULL || s[i] == '\0')
					goto bad;
			need = tl / 2;
		}
		if (cap - len < need) {
			cap = len + need + 256;
			if ((nb = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "p9c: out of memory\n");
				exit(1);
			}
			buf = nb;
		}
		if (width > 0) {
			if (p9c_num(s + (width == 1 ? 3 : 4),
			    width == 8 ? UINT64_MAX :
			    ((uint64_t)1 << (8 * width)) - 1, &v) == -1)
				goto bad;
			for (i = 0; i < (size_t)width; i++)
				buf[len++] = (uint8_t)(v >> (8 * i));
		} else if (strncmp(s, "s:", 2) == 0) {
			if (tl - 2 > UINT16_MAX)
				goto bad;
			buf[len++] = (uint8_t)((tl - 2) & 0xff);
			buf[len++] = (uint8_t)((tl - 2) >> 8);
			memcpy(buf + len, s + 2, tl - 2);
			len += tl - 2;
		} else if (strncmp(s, "t:", 2) == 0) {
			memcpy(buf + len, s + 2, tl - 2);
			len += tl - 2;
		} else if (strncmp(s, "fill:", 5) == 0) {
			memset(buf + len, (int)v, (size_t)cnt);
			len += (size_t)cnt;
		} else {
			for (i = 0; i < tl; i += 2) {
				char	 hx[3] = { s[i], s[i + 1], 0 };

				buf[len++] = (uint8_t)strtoul(hx, NULL, 16);
			}
		}
		if (len > LONG_MAX / 2)
			goto bad;
	}
	*bufp = buf;
	return (long)len;
bad:
	free(buf);
	p9c_scripterr("bad byte item \"%s\"", argv[a]);
	return -1;
}

static void
cmd_raw(int argc, char **argv)
{
	uint8_t	*buf;
	long	 len;
	int	 r;

	if ((len = p9c_items(argc, argv, 1, &buf)) == -1)
		return;
	if ((r = p9c_send(p9c_cur, buf, (size_t)len)) != 0)
		p9c_putfailure(r);
	free(buf);
}

static void
cmd_frame(int argc, char **argv)
{
	struct p9c_reply	 r;
	struct p9c_frame	*fr;
	uint8_t			*body, *buf;
	uint64_t		 type;
	uint16_t		 tag;
	long			 len;
	int			 e, i;

	if (p9c_num(argv[1], 255, &type) == -1) {
		for (i = 0; i < 256; i++)
			if (strcmp(p9_typename((uint8_t)i), argv[1]) == 0)
				break;
		if (i == 256) {
			p9c_scripterr("bad message type \"%s\"", argv[1]);
			return;
		}
		type = (uint64_t)i;
	}
	if ((len = p9c_items(argc, argv, 2, &body)) == -1)
		return;
	if ((size_t)len > UINT32_MAX - P9_HDRSZ) {
		free(body);
		p9c_scripterr("frame too long");
		return;
	}
	tag = type == P9_TVERSION ? P9_NOTAG : p9c_newtag(p9c_cur);
	p9c_lasttag = tag;
	buf = p9c_xmalloc((size_t)len + P9_HDRSZ);
	buf[0] = (uint8_t)((len + P9_HDRSZ) & 0xff);
	buf[1] = (uint8_t)(((len + P9_HDRSZ) >> 8) & 0xff);
	buf[2] = (uint8_t)(((len + P9_HDRSZ) >> 16) & 0xff);
	buf[3] = (uint8_t)(((uint64_t)(len + P9_HDRSZ) >> 24) & 0xff);
	buf[4] = (uint8_t)type;
	buf[5] = (uint8_t)(tag & 0xff);
	buf[6] = (uint8_t)(tag >> 8);
	if (len > 0)
		memcpy(buf + P9_HDRSZ, body, (size_t)len);
	free(body);
	e = p9c_send(p9c_cur, buf, (size_t)len + P9_HDRSZ);
	free(buf);
	if (e != 0) {
		p9c_putfailure(e);
		return;
	}
	if ((e = p9c_await(p9c_cur, tag, &fr)) != 1) {
		p9c_putfailure(e);
		return;
	}
	if (p9c_decode(fr, &r) == -1)
		return;
	p9c_putreply(NULL, &r.r_f);
	p9c_replyfree(&r);
}

static void
cmd_recv(int argc, char **argv)
{
	struct p9c_reply	 r;
	struct p9c_frame	*fr;
	struct p9c_req		*q, **qq;
	uint64_t		 ms = (uint64_t)p9c_timeout;
	int			 e;

	if (argc > 1 && p9c_argnum(argv[1], INT_MAX, &ms, "ms") == -1)
		return;
	if ((fr = p9c_cur->c_stash) != NULL) {
		p9c_cur->c_stash = fr->fr_next;
		fr->fr_next = NULL;
	} else if ((e = p9c_nextframe(p9c_cur, p9c_now() + (int64_t)ms,
	    &fr)) != 1) {
		p9c_putfailure(e);
		return;
	}
	q = NULL;
	for (qq = &p9c_cur->c_pend; *qq != NULL; qq = &(*qq)->q_next)
		if ((*qq)->q_tag == p9c_frametag(fr)) {
			q = *qq;
			*qq = q->q_next;
			break;
		}
	if (p9c_decode(fr, &r) == 0) {
		p9c_putreply(q, &r.r_f);
		p9c_replyfree(&r);
	}
	free(q);
}

static void
cmd_expectclose(int argc, char **argv)
{
	uint64_t	 ms = P9C_CLOSEWAIT;
	int64_t		 deadline;
	int		 r;

	if (argc > 1 && p9c_argnum(argv[1], INT_MAX, &ms, "ms") == -1)
		return;
	/*
	 * A send the server cut short by closing (it refused the frame
	 * before the client finished writing it) said "closed" already:
	 * that is the answer expected here, once.
	 */
	if (p9c_cur->c_fd == -1 && p9c_cur->c_saidclosed)
		return;
	deadline = p9c_now() + (int64_t)ms;
	for (;;) {
		/* Whatever the server says first does not matter. */
		p9c_cur->c_inlen = 0;
		if ((r = p9c_fill(p9c_cur, deadline)) == 0) {
			printf("closed\n");
			return;
		}
		if (r == -2) {
			printf("open\n");
			return;
		}
	}
}

static void
cmd_async(int argc, char **argv)
{
	if (p9c_async) {
		p9c_scripterr("async cannot nest");
		return;
	}
	p9c_async = 1;
	p9c_run(argc - 1, argv + 1);
	p9c_async = 0;
}

static void
cmd_wait(int argc, char **argv)
{
	struct p9c_reply	 r;
	struct p9c_frame	*fr;
	struct p9c_req		*q;
	int			 e;

	(void)argc;
	(void)argv;
	while ((q = p9c_cur->c_pend) != NULL) {
		if ((fr = p9c_unstash(p9c_cur, q->q_tag)) != NULL)
			e = 1;
		else if (q->q_flags & Q_FLUSHED)
			e = -4;
		else
			e = p9c_await(p9c_cur, q->q_tag, &fr);
		if (e == 1 && p9c_decode(fr, &r) == 0) {
			p9c_putreply(q, &r.r_f);
			if (r.r_f.type == P9_RFLUSH &&
			    q->q_ttype == P9_TFLUSH)
				p9c_noteflush(p9c_cur, q->q_oldtag);
			p9c_replyfree(&r);
		} else if (e != 1)
			p9c_putfailure(e);
		if (p9c_cur->c_pend == q) {
			p9c_cur->c_pend = q->q_next;
			free(q);
		}
		if (e == 0 || e == -3)
			break;	/* the connection is gone */
	}
}

static void
cmd_pipeline(int argc, char **argv)
{
	uint64_t	 n, i;

	if (p9c_async) {
		p9c_scripterr("pipeline cannot nest");
		return;
	}
	if (p9c_argnum(argv[1], 4096, &n, "count") == -1)
		return;
	p9c_async = 1;
	for (i = 0; i < n && p9c_status == 0; i++)
		p9c_run(argc - 2, argv + 2);
	p9c_async = 0;
	cmd_wait(0, NULL);
}

static void
cmd_conn(int argc, char **argv)
{
	uint64_t	 n;

	(void)argc;
	if (p9c_argnum(argv[1], P9C_MAXCONN - 1, &n, "connection") == -1)
		return;
	p9c_curidx = (unsigned)n;
	p9c_cur = &p9c_conns[n];
	if (p9c_cur->c_fd == -1 && p9c_connopen(p9c_cur) == -1)
		printf("closed\n");
}

static void
cmd_close(int argc, char **argv)
{
	uint64_t	 n = p9c_curidx;

	if (argc > 1 && p9c_argnum(argv[1], P9C_MAXCONN - 1, &n,
	    "connection") == -1)
		return;
	p9c_connclose(&p9c_conns[n]);
}

static void
cmd_sleep(int argc, char **argv)
{
	struct timespec	 ts;
	uint64_t	 ms;

	(void)argc;
	if (p9c_argnum(argv[1], 600000, &ms, "ms") == -1)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
cmd_verbose(int argc, char **argv)
{
	(void)argc;
	p9c_verbose = strcmp(argv[1], "on") == 0;
}

static void
cmd_timeout(int argc, char **argv)
{
	uint64_t	 ms;

	(void)argc;
	if (p9c_argnum(argv[1], INT_MAX, &ms, "ms") == 0)
		p9c_timeout = (int)ms;
}

static void
cmd_samefile(int argc, char **argv)
{
	struct p9c_fid	*a, *b;
	uint32_t	 fa, fb;

	(void)argc;
	if (p9c_argfid(argv[1], &fa) == -1 || p9c_argfid(argv[2], &fb) == -1)
		return;
	a = p9c_fidget(fa, 0);
	b = p9c_fidget(fb, 0);
	if (a == NULL || b == NULL || !a->fi_hasqid || !b->fi_hasqid)
		printf("unknown\n");
	else if (a->fi_qid.path == b->fi_qid.path &&
	    a->fi_qid.type == b->fi_qid.type)
		printf("same\n");
	else
		printf("different\n");
}

/* A command with a deadline that fails loudly but does not abort. */
static void
cmd_within(int argc, char **argv)
{
	uint64_t	 ms;
	int64_t		 start, took;

	if (p9c_argnum(argv[1], INT_MAX, &ms, "ms") == -1)
		return;
	start = p9c_now();
	p9c_run(argc - 2, argv + 2);
	took = p9c_now() - start;
	if (took > (int64_t)ms)
		printf("late: %" PRId64 " ms\n", took);
}

static void
cmd_clock(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("clock %" PRId64 "\n", p9c_now());
}

static const struct p9c_cmd p9c_cmds[] = {
	{ "version", 0, 2, 0, cmd_version },
	{ "auth", 3, 4, 1, cmd_attach },
	{ "attach", 3, 5, 1, cmd_attach },
	{ "walk", 2, 2 + P9_MAXWELEM + 1, 1, cmd_walk },
	{ "lopen", 2, 2, 1, cmd_lopen },
	{ "lcreate", 4, 5, 1, cmd_lcreate },
	{ "mkdir", 3, 4, 1, cmd_mkdir },
	{ "symlink", 3, 4, 1, cmd_symlink },
	{ "mknod", 5, 6, 1, cmd_mknod },
	{ "link", 3, 3, 1, cmd_link },
	{ "rename", 3, 3, 1, cmd_rename },
	{ "renameat", 4, 4, 1, cmd_renameat },
	{ "unlinkat", 2, 3, 1, cmd_unlinkat },
	{ "remove", 1, 1, 1, cmd_fidonly },
	{ "clunk", 1, 1, 1, cmd_fidonly },
	{ "readlink", 1, 1, 1, cmd_fidonly },
	{ "statfs", 1, 1, 1, cmd_fidonly },
	{ "fsync", 1, 2, 1, cmd_fsync },
	{ "flush", 1, 1, 1, cmd_flush },
	{ "getattr", 1, 2, 1, cmd_getattr },
	{ "setattr", 1, 16, 1, cmd_setattr },
	{ "read", 3, 3, 1, cmd_read },
	{ "readn", 3, 3, 1, cmd_read },
	{ "write", 2, P9C_MAXTOK, 1, cmd_write },
	{ "readfile", 2, 3, 0, cmd_readfile },
	{ "writefile", 2, 3, 0, cmd_writefile },
	{ "writefill", 3, 4, 0, cmd_writefill },
	{ "readdir", 1, 3, 0, cmd_readdir },
	{ "readdir1", 3, 3, 1, cmd_readdir1 },
	{ "xattrwalk", 3, 3, 1, cmd_xattrwalk },
	{ "xattrcreate", 3, 4, 1, cmd_xattrcreate },
	{ "lock", 4, 7, 1, cmd_lock },
	{ "getlock", 4, 6, 1, cmd_lock },
	{ "raw", 0, P9C_MAXTOK, 0, cmd_raw },
	{ "frame", 1, P9C_MAXTOK, 0, cmd_frame },
	{ "recv", 0, 1, 0, cmd_recv },
	{ "expect-close", 0, 1, 0, cmd_expectclose },
	{ "async", 1, P9C_MAXTOK, 0, cmd_async },
	{ "wait", 0, 0, 0, cmd_wait },
	{ "pipeline", 2, P9C_MAXTOK, 0, cmd_pipeline },
	{ "conn", 1, 1, 0, cmd_conn },
	{ "close", 0, 1, 0, cmd_close },
	{ "sleep", 1, 1, 0, cmd_sleep },
	{ "verbose", 1, 1, 0, cmd_verbose },
	{ "timeout", 1, 1, 0, cmd_timeout },
	{ "samefile", 2, 2, 0, cmd_samefile },
	{ "within", 2, P9C_MAXTOK, 0, cmd_within },
	{ "clock", 0, 0, 0, cmd_clock },
	{ NULL, 0, 0, 0, NULL }
};

static void
p9c_run(int argc, char **argv)
{
	const struct p9c_cmd	*cm;

	if (argc == 0) {
		p9c_scripterr("missing command");
		return;
	}
	for (cm = p9c_cmds; cm->cm_name != NULL; cm++)
		if (strcmp(cm->cm_name, argv[0]) == 0)
			break;
	if (cm->cm_name == NULL) {
		p9c_scripterr("unknown command \"%s\"", argv[0]);
		return;
	}
	if (argc - 1 < cm->cm_min || argc - 1 > cm->cm_max) {
		p9c_scripterr("%s: wrong number of arguments", argv[0]);
		return;
	}
	if (p9c_async && !cm->cm_async) {
		p9c_scripterr("%s cannot be sent asynchronously", argv[0]);
		return;
	}
	cm->cm_fn(argc, argv);
	fflush(stdout);
}

static int
p9c_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Split a line in place into tokens: blanks separate, double quotes
 * group, backslash escapes work everywhere.  Token lengths go to
 * p9c_toklen, since \x00 may appear inside one.
 */
static int
p9c_split(char *line, char **argv)
{
	char	*r = line, *w, *start;
	int	 argc = 0, inq, h, l;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0' || *r == '\n' || *r == '\r')
			break;
		if (argc == P9C_MAXTOK) {
			p9c_scripterr("too many tokens");
			return -1;
		}
		start = w = r;
		inq = 0;
		while (*r != '\0' && *r != '\n' && *r != '\r' &&
		    (inq || (*r != ' ' && *r != '\t'))) {
			if (*r == '"') {
				inq = !inq;
				r++;
				continue;
			}
			if (*r != '\\') {
				*w++ = *r++;
				continue;
			}
			r++;
			switch (*r) {
			case 'n':
				*w++ = '\n';
				break;
			case 't':
				*w++ = '\t';
				break;
			case 'r':
				*w++ = '\r';
				break;
			case 'x':
				if ((h = p9c_hexval(r[1])) == -1 ||
				    (l = p9c_hexval(r[2])) == -1) {
					p9c_scripterr("bad \\x escape");
					return -1;
				}
				*w++ = (char)(h << 4 | l);
				r += 2;
				break;
			case '\0':
			case '\n':
				p9c_scripterr("backslash at end of line");
				return -1;
			default:
				*w++ = *r;
				break;
			}
			r++;
		}
		if (inq) {
			p9c_scripterr("unterminated quote");
			return -1;
		}
		p9c_toklen[argc] = (size_t)(w - start);
		argv[argc++] = start;
		if (*r != '\0' && *r != '\n' && *r != '\r')
			r++;
		*w = '\0';
	}
	return argc;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: p9c [-v] [-m msize] [-t seconds] "
	    "unix:/path|tcp:host:port < script\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	static char	*args[P9C_MAXTOK];
	char		*line = NULL, *p;
	size_t		 cap = 0;
	uint64_t	 v;
	int		 ch, n, i;

	while ((ch = getopt(argc, argv, "m:t:v")) != -1) {
		switch (ch) {
		case 'm':
			if (p9c_num(optarg, UINT32_MAX, &v) == -1)
				usage();
			p9c_defmsize = (uint32_t)v;
			break;
		case 't':
			if (p9c_num(optarg, INT_MAX / 1000, &v) == -1)
				usage();
			p9c_timeout = (int)v * 1000;
			break;
		case 'v':
			p9c_verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	p9c_addr = argv[0];
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < P9C_MAXCONN; i++)
		p9c_conns[i].c_fd = -1;
	if (p9c_connopen(&p9c_conns[0]) == -1)
		return 1;
	while (getline(&line, &cap, stdin) != -1) {
		p9c_lineno++;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		if (strncmp(p, "echo", 4) == 0 && (p[4] == ' ' ||
		    p[4] == '\t' || p[4] == '\n' || p[4] == '\0')) {
			p += 4;
			if (*p == ' ' || *p == '\t')
				p++;
			p[strcspn(p, "\n")] = '\0';
			printf("%s\n", p);
			continue;
		}
		if ((n = p9c_split(p, args)) <= 0)
			continue;
		p9c_run(n, args);
	}
	free(line);
	for (i = 0; i < P9C_MAXCONN; i++)
		p9c_connclose(&p9c_conns[i]);
	return p9c_status;
}
