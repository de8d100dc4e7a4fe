/*
 * p9bench: a 9P2000.L load generator for comparing servers.
 *
 *	p9bench -a ADDR -w WORKLOAD [-n aname] [-c conns] [-q depth]
 *	    [-t seconds] [-p server_pid] [-m msize] [-d hostdir] [-N entries]
 *	    [-l label] [-U auto|remove]
 *	ADDR: unix:/path | tcp:HOST:PORT
 *
 * Workloads: getattr, walkclunk, randread4k, seqread1m, write4k,
 * write1m, create, readdir, idle (connect and attach, then report the
 * server's RSS growth), tcpstream (a plain loopback TCP stream through
 * this program alone, the ceiling for seqread1m; no server involved),
 * setup (only make the test files under -d hostdir, with -N entries).
 *
 * One thread drives every connection with poll(); each connection keeps
 * "depth" requests in flight, each in its own slot whose tag is its index.
 * A slot runs one operation at a time (walkclunk and create are several
 * requests in a row).  Latency is per request, from the write of the
 * T-message to the decode of its reply.  Every reply is checked: an
 * Rlerror or an unexpected reply aborts the run.
 *
 * -d hostdir: the export's path on this host, where the test files
 * (bench.64m, scratch/, dN/ with N entries for readdir) are made directly
 * when missing; without it they are made through 9P.  -U remove: remove
 * files with Twalk + Tremove, as Linux does when a server lacks
 * Tunlinkat, so every server sees the same requests; by default
 * Tunlinkat is used when the server has it.
 *
 * The result is one line of key=value pairs on stdout, for bench.sh.
 * reqs= counts the timed requests, rpcs= the set-up and clean-up ones
 * around them (Tversion, Tattach, the test files' fids): a count of
 * the server's system calls over the whole run is divided by their sum.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

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

#define BIGFILE		"bench.64m"
#define BIGSIZE		(64ULL * 1024 * 1024)
#define SCRATCH		"scratch"
#define ROOTFID		0U
#define FILEFID		1U
#define SCRFID		2U
#define SLOTFID(s)	(16U + 2U * (s))	/* and SLOTFID(s) + 1 */
#define ARENASZ		65536

enum workload {
	W_GETATTR, W_WALKCLUNK, W_RANDREAD4K, W_SEQREAD1M, W_WRITE4K,
	W_WRITE1M, W_CREATE, W_READDIR, W_IDLE, W_TCPSTREAM, W_SETUP
};

static const char *const wl_names[] = {
	"getattr", "walkclunk", "randread4k", "seqread1m", "write4k",
	"write1m", "create", "readdir", "idle", "tcpstream", "setup"
};

struct slot {
	int		 sl_busy;
	int		 sl_step;
	uint64_t	 sl_t0;		/* ns, when the request was sent */
	uint64_t	 sl_off;	/* readdir: next offset */
	char		 sl_name[64];	/* create: the file's name */
};

struct conn {
	int		 c_fd;
	int		 c_idx;
	uint32_t	 c_msize;
	uint8_t		*c_in;
	size_t		 c_inoff;	/* start of unparsed bytes */
	size_t		 c_inlen;	/* end of received bytes */
	size_t		 c_incap;
	uint8_t		*c_out;
	size_t		 c_outoff;
	size_t		 c_outlen;
	size_t		 c_outcap;
	uint64_t	 c_cursor;	/* sequential offset */
	uint64_t	 c_seq;		/* create: name counter */
	struct slot	*c_slots;
	char		 c_wname[64];	/* write workloads: the file */
};

static enum workload	 wl = W_GETATTR;
static const char	*addr;
static char		*aname = "";
static const char	*hostdir;
static const char	*label;
static int		 nconns = 1;
static int		 depth = 1;
static double		 runsecs = 3.0;
static long		 srvpid;
static uint32_t		 want_msize = 1024 * 1024 + P9_IOHDRSZ;
static long		 nentries = 100000;
static uint8_t		*wdata;		/* payload for writes */
static char		 arena[ARENASZ];
static uint64_t		 rng = 0x9e3779b97f4a7c15ULL;
static int		 stopping;
static int		 use_remove;	/* walk + Tremove, not Tunlinkat */

/* Results. */
static uint64_t		 nops;
static uint64_t		 nbytes;
static uint64_t		 nents;
static uint64_t		 nrpc;		/* set-up and clean-up requests */
static uint32_t		*lat;		/* ns per request */
static size_t		 nlat, lat_cap;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list	 ap;

	fflush(stdout);
	fprintf(stderr, "p9bench: %s: ", wl_names[wl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *
errname(uint32_t e)
{
	static const struct { uint32_t n; const char *s; } tab[] = {
		{ P9_L_EPERM, "EPERM" }, { P9_L_ENOENT, "ENOENT" },
		{ P9_L_EIO, "EIO" }, { P9_L_EBADF, "EBADF" },
		{ P9_L_EAGAIN, "EAGAIN" }, { P9_L_ENOMEM, "ENOMEM" },
		{ P9_L_EACCES, "EACCES" }, { P9_L_EEXIST, "EEXIST" },
		{ P9_L_ENOTDIR, "ENOTDIR" }, { P9_L_EISDIR, "EISDIR" },
		{ P9_L_EINVAL, "EINVAL" }, { P9_L_ENFILE, "ENFILE" },
		{ P9_L_EMFILE, "EMFILE" }, { P9_L_ENOSPC, "ENOSPC" },
		{ P9_L_EROFS, "EROFS" }, { P9_L_ERANGE, "ERANGE" },
		{ P9_L_ENAMETOOLONG, "ENAMETOOLONG" },
		{ P9_L_ENOSYS, "ENOSYS" }, { P9_L_ENOTEMPTY, "ENOTEMPTY" },
		{ P9_L_ELOOP, "ELOOP" }, { P9_L_EPROTO, "EPROTO" },
		{ P9_L_EOPNOTSUPP, "EOPNOTSUPP" }, { P9_L_ESTALE, "ESTALE" },
	};
	static char	 buf[32];
	size_t		 i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].n == e)
			return tab[i].s;
	snprintf(buf, sizeof(buf), "errno %u", e);
	return buf;
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
xrand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n)) == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

/* CPU seconds (user + system) of a process, from /proc/PID/stat. */
static double
proc_cpu(long pid)
{
	char	 path[64], buf[4096], *p;
	FILE	*f;
	unsigned long long ut, st;
	size_t	 n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		die("%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces: fields count from its ')'. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &ut, &st) != 2)
		die("%s: cannot parse", path);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* VmRSS of a process in KiB. */
static long
proc_rss(long pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kb = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0)
		die("%s: no VmRSS", path);
	return kb;
}

static int
dial(const char *a)
{
	struct sockaddr_un	 sun;
	struct addrinfo		 hints, *res;
	char			 host[256], *port;
	int			 fd, on = 1, e;

	if (strncmp(a, "unix:", 5) == 0) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(a + 5) >= sizeof(sun.sun_path))
			die("socket path too long: %s", a + 5);
		strcpy(sun.sun_path, a + 5);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			die("socket: %s", strerror(errno));
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			die("connect %s: %s", a, strerror(errno));
		return fd;
	}
	if (strncmp(a, "tcp:", 4) != 0 || strlen(a + 4) >= sizeof(host))
		die("bad address %s (unix:/path or tcp:HOST:PORT)", a);
	strcpy(host, a + 4);
	if ((port = strrchr(host, ':')) == NULL)
		die("bad address %s: no port", a);
	*port++ = '\0';
	if (host[0] == '[' && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		die("%s: %s", a, gai_strerror(e));
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket: %s", strerror(errno));
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		die("connect %s: %s", a, strerror(errno));
	freeaddrinfo(res);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
}

/*
 * Synchronous request and reply, for set-up and clean-up.  Returns the
 * Rlerror code (0 on success); any other failure aborts.
 */
static uint32_t
rpc(struct conn *c, struct p9_fcall *t, struct p9_fcall *r, uint8_t rtype)
{
	size_t	 len, got;
	ssize_t	 n;
	uint32_t size;
	uint8_t	 type;

	nrpc++;
	t->tag = type = t->type;
	if (t->type == P9_TVERSION)
		t->tag = P9_NOTAG;
	if ((len = p9_encode(c->c_out, c->c_outcap, t)) == 0)
		die("cannot encode %s", p9_typename(t->type));
	for (got = 0; got < len; got += (size_t)n)
		if ((n = write(c->c_fd, c->c_out + got, len - got)) <= 0)
			die("write: %s", n == 0 ? "EOF" : strerror(errno));
	for (got = 0;;) {
		if ((n = read(c->c_fd, c->c_in + got, c->c_incap - got)) <= 0)
			die("%s: read: %s", p9_typename(type),
			    n == 0 ? "server closed the connection" :
			    strerror(errno));
		got += (size_t)n;
		if (got < 4)
			continue;
		size = (uint32_t)c->c_in[0] | (uint32_t)c->c_in[1] << 8 |
		    (uint32_t)c->c_in[2] << 16 | (uint32_t)c->c_in[3] << 24;
		if (size > c->c_incap || size < P9_HDRSZ)
			die("%s: reply size %u", p9_typename(type), size);
		if (got > size)
			die("%s: unexpected extra bytes", p9_typename(type));
		if (got == size)
			break;
	}
	if (p9_decode(c->c_in, got, r, arena, sizeof(arena)) != 0)
		die("%s: malformed reply", p9_typename(type));
	if (r->tag != t->tag)
		die("%s: reply tag %u", p9_typename(type), r->tag);
	if (r->type == P9_RLERROR)
		return r->u.rlerror.ecode;
	if (r->type != rtype)
		die("%s: got %s", p9_typename(type), p9_typename(r->type));
	return 0;
}

static void
rpc_ok(struct conn *c, struct p9_fcall *t, struct p9_fcall *r, uint8_t rtype)
{
	uint32_t e;
	uint8_t	 type = t->type;

	if ((e = rpc(c, t, r, rtype)) != 0)
		die("%s: Rlerror %s", p9_typename(type), errname(e));
}

static uint32_t
walk1(struct conn *c, uint32_t fid, uint32_t newfid, char *name)
{
	struct p9_fcall	 t, r;
	uint32_t	 e;

	memset(&t, 0, sizeof(t));
	t.type = P9_TWALK;
	t.u.twalk.fid = fid;
	t.u.twalk.newfid = newfid;
	if (name != NULL) {
		t.u.twalk.nwname = 1;
		t.u.twalk.wname[0] = name;
	}
	if ((e = rpc(c, &t, &r, P9_RWALK)) == 0 && name != NULL &&
	    r.u.rwalk.nwqid != 1)
		return P9_L_ENOENT;
	return e;
}

static void
clunk(struct conn *c, uint32_t fid)
{
	struct p9_fcall	 t, r;

	memset(&t, 0, sizeof(t));
	t.type = P9_TCLUNK;
	t.u.tclunk.fid = fid;
	rpc_ok(c, &t, &r, P9_RCLUNK);
}

static void
lopen(struct conn *c, uint32_t fid, uint32_t flags)
{
	struct p9_fcall	 t, r;

	memset(&t, 0, sizeof(t));
	t.type = P9_TLOPEN;
	t.u.tlopen.fid = fid;
	t.u.tlopen.flags = flags;
	rpc_ok(c, &t, &r, P9_RLOPEN);
}

/* Tlcreate on fid, a directory fid that becomes the new open file. */
static uint32_t
lcreate(struct conn *c, uint32_t fid, char *name, uint32_t flags)
{
	struct p9_fcall	 t, r;

	memset(&t, 0, sizeof(t));
	t.type = P9_TLCREATE;
	t.u.tlcreate.fid = fid;
	t.u.tlcreate.name = name;
	t.u.tlcreate.flags = flags;
	t.u.tlcreate.mode = 0644;
	return rpc(c, &t, &r, P9_RLCREATE);
}

/*
 * Remove a name the way the Linux client does: Tunlinkat, or Twalk and
 * Tremove when the server lacks it (or -U remove asked for that).
 */
static void
remove_name(struct conn *c, uint32_t dfid, char *name)
{
	struct p9_fcall	 t, r;
	uint32_t	 e;

	if (!use_remove) {
		memset(&t, 0, sizeof(t));
		t.type = P9_TUNLINKAT;
		t.u.tunlinkat.dirfid = dfid;
		t.u.tunlinkat.name = name;
		if ((e = rpc(c, &t, &r, P9_RUNLINKAT)) == 0)
			return;
		if (e != P9_L_EOPNOTSUPP)
			die("Tunlinkat %s: Rlerror %s", name, errname(e));
		use_remove = 1;
	}
	if ((e = walk1(c, dfid, FILEFID + 100, name)) != 0)
		die("Twalk %s: Rlerror %s", name, errname(e));
	memset(&t, 0, sizeof(t));
	t.type = P9_TREMOVE;
	t.u.tremove.fid = FILEFID + 100;
	rpc_ok(c, &t, &r, P9_RREMOVE);
}

static void
mkdir1(struct conn *c, uint32_t dfid, char *name)
{
	struct p9_fcall	 t, r;
	uint32_t	 e;

	memset(&t, 0, sizeof(t));
	t.type = P9_TMKDIR;
	t.u.tmkdir.dfid = dfid;
	t.u.tmkdir.name = name;
	t.u.tmkdir.mode = 0755;
	if ((e = rpc(c, &t, &r, P9_RMKDIR)) != 0 && e != P9_L_EEXIST)
		die("Tmkdir %s: Rlerror %s", name, errname(e));
}

static void
writeall(struct conn *c, uint32_t fid, uint64_t off, const uint8_t *p,
    uint32_t n)
{
	struct p9_fcall	 t, r;

	memset(&t, 0, sizeof(t));
	t.type = P9_TWRITE;
	t.u.twrite.fid = fid;
	t.u.twrite.offset = off;
	t.u.twrite.count = n;
	t.u.twrite.data = p;
	rpc_ok(c, &t, &r, P9_RWRITE);
	if (r.u.rwrite.count != n)
		die("short write %u of %u", r.u.rwrite.count, n);
}

static struct conn *
conn_open(int idx, int nslots)
{
	struct conn	*c;
	struct p9_fcall	 t, r;

	c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->c_idx = idx;
	c->c_fd = dial(addr);
	c->c_incap = 8192;
	c->c_outcap = 8192;
	c->c_in = xmalloc(c->c_incap);
	c->c_out = xmalloc(c->c_outcap);

	memset(&t, 0, sizeof(t));
	t.type = P9_TVERSION;
	t.u.version.msize = want_msize;
	t.u.version.version = P9_VERSION;
	rpc_ok(c, &t, &r, P9_RVERSION);
	if (strcmp(r.u.version.version, P9_VERSION) != 0)
		die("server speaks %s", r.u.version.version);
	if (r.u.version.msize < P9_MINMSIZE || r.u.version.msize > want_msize)
		die("server msize %u", r.u.version.msize);
	c->c_msize = r.u.version.msize;

	memset(&t, 0, sizeof(t));
	t.type = P9_TATTACH;
	t.u.tattach.fid = ROOTFID;
	t.u.tattach.afid = P9_NOFID;
	t.u.tattach.uname = "root";
	t.u.tattach.aname = aname;
	t.u.tattach.n_uname = 0;
	rpc_ok(c, &t, &r, P9_RATTACH);

	if (nslots > 0) {
		/* Room for a reply per slot and then some; see conn_read. */
		free(c->c_in);
		free(c->c_out);
		c->c_incap = 2 * (size_t)c->c_msize + 65536;
		c->c_outcap = (size_t)nslots * c->c_msize + 65536;
		c->c_in = xmalloc(c->c_incap);
		c->c_out = xmalloc(c->c_outcap);
		c->c_slots = xmalloc((size_t)nslots * sizeof(struct slot));
		memset(c->c_slots, 0, (size_t)nslots * sizeof(struct slot));
	}
	return c;
}

/* Payload size of one read or write: the wish, clamped to msize. */
static uint32_t
iosize(const struct conn *c)
{
	uint32_t want;

	switch (wl) {
	case W_SEQREAD1M:
	case W_WRITE1M:
		want = 1024 * 1024;
		break;
	default:
		want = 4096;
		break;
	}
	if (want > c->c_msize - P9_IOHDRSZ)
		want = c->c_msize - P9_IOHDRSZ;
	return want;
}

/* Host-side set-up, the quick way: the harness knows the export path. */
static void
setup_host(void)
{
	char		 path[PATH_MAX], name[64];
	struct stat	 st;
	uint8_t		*buf;
	size_t		 i, j;
	int		 fd, dfd;
	long		 n;

	snprintf(path, sizeof(path), "%s/%s", hostdir, SCRATCH);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", hostdir, BIGFILE);
	if (stat(path, &st) == -1 || (uint64_t)st.st_size != BIGSIZE) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
			die("%s: %s", path, strerror(errno));
		buf = xmalloc(1 << 20);
		for (i = 0; i < BIGSIZE >> 20; i++) {
			for (j = 0; j < (1 << 20) / 8; j++)
				((uint64_t *)(void *)buf)[j] = xrand();
			if (write(fd, buf, 1 << 20) != 1 << 20)
				die("write %s: %s", path, strerror(errno));
		}
		free(buf);
		close(fd);
	}
	if (wl != W_READDIR)
		return;
	/* A marker beside the directory: it is complete, skip the work. */
	snprintf(path, sizeof(path), "%s/.d%ld.done", hostdir, nentries);
	if (access(path, F_OK) == 0)
		return;
	snprintf(path, sizeof(path), "%s/d%ld", hostdir, nentries);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		die("mkdir %s: %s", path, strerror(errno));
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
		die("%s: %s", path, strerror(errno));
	for (n = 0; n < nentries; n++) {
		snprintf(name, sizeof(name), "entry-%07ld", n);
		if ((fd = openat(dfd, name, O_WRONLY | O_CREAT, 0644)) == -1)
			die("%s/%s: %s", path, name, strerror(errno));
		close(fd);
	}
	close(dfd);
	snprintf(path, sizeof(path), "%s/.d%ld.done", hostdir, nentries);
	if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) == -1)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

/* Set-up through 9P when the harness gave no host path. */
static void
setup_9p(struct conn *c)
{
	char		 name[64];
	uint8_t		*buf;
	uint32_t	 e, chunk;
	uint64_t	 off;
	long		 n;

	mkdir1(c, ROOTFID, SCRATCH);
	if ((e = walk1(c, ROOTFID, FILEFID, BIGFILE)) == 0)
		clunk(c, FILEFID);
	else if (e == P9_L_ENOENT) {
		walk1(c, ROOTFID, FILEFID, NULL);
		if ((e = lcreate(c, FILEFID, BIGFILE, P9_L_O_RDWR)) != 0)
			die("Tlcreate %s: Rlerror %s", BIGFILE, errname(e));
		chunk = c->c_msize - P9_IOHDRSZ;
		if (chunk > 65536)
			chunk = 65536;
		buf = xmalloc(chunk);
		for (off = 0; off < BIGSIZE; off += chunk) {
			memset(buf, (int)(off >> 16), chunk);
			writeall(c, FILEFID, off, buf, chunk);
		}
		free(buf);
		clunk(c, FILEFID);
	} else
		die("Twalk %s: Rlerror %s", BIGFILE, errname(e));
	if (wl != W_READDIR)
		return;
	snprintf(name, sizeof(name), "d%ld", nentries);
	mkdir1(c, ROOTFID, name);
	if (walk1(c, ROOTFID, SCRFID, name) != 0)
		die("Twalk %s failed", name);
	for (n = 0; n < nentries; n++) {
		snprintf(name, sizeof(name), "entry-%07ld", n);
		walk1(c, SCRFID, FILEFID, NULL);
		e = lcreate(c, FILEFID, name, P9_L_O_WRONLY);
		if (e == P9_L_EEXIST)
			continue;
		if (e != 0)
			die("Tlcreate %s: Rlerror %s", name, errname(e));
		clunk(c, FILEFID);
	}
	clunk(c, SCRFID);
}

/* Per-connection fids for the run. */
static void
conn_prepare(struct conn *c)
{
	struct p9_fcall	 t, r;
	uint32_t	 e;

	switch (wl) {
	case W_RANDREAD4K:
	case W_SEQREAD1M:
		if ((e = walk1(c, ROOTFID, FILEFID, BIGFILE)) != 0)
			die("Twalk %s: Rlerror %s", BIGFILE, errname(e));
		lopen(c, FILEFID, P9_L_O_RDONLY);
		c->c_cursor = (uint64_t)c->c_idx * (BIGSIZE / 8) % BIGSIZE;
		break;
	case W_WRITE4K:
	case W_WRITE1M:
		if ((e = walk1(c, ROOTFID, FILEFID, SCRATCH)) != 0)
			die("Twalk %s: Rlerror %s", SCRATCH, errname(e));
		snprintf(c->c_wname, sizeof(c->c_wname), "w.%ld.%d",
		    (long)getpid(), c->c_idx);
		if ((e = lcreate(c, FILEFID, c->c_wname, P9_L_O_RDWR)) != 0)
			die("Tlcreate %s: Rlerror %s", c->c_wname, errname(e));
		break;
	case W_CREATE:
		if ((e = walk1(c, ROOTFID, SCRFID, SCRATCH)) != 0)
			die("Twalk %s: Rlerror %s", SCRATCH, errname(e));
		if (!use_remove) {
			/* Does the server have Tunlinkat?  ENOENT: yes. */
			memset(&t, 0, sizeof(t));
			t.type = P9_TUNLINKAT;
			t.u.tunlinkat.dirfid = SCRFID;
			t.u.tunlinkat.name = "no-such-name";
			e = rpc(c, &t, &r, P9_RUNLINKAT);
			if (e == P9_L_EOPNOTSUPP)
				use_remove = 1;
			else if (e != P9_L_ENOENT)
				die("Tunlinkat probe: %s", errname(e));
		}
		break;
	default:
		break;
	}
}

static void
conn_finish(struct conn *c)
{
	switch (wl) {
	case W_RANDREAD4K:
	case W_SEQREAD1M:
		clunk(c, FILEFID);
		break;
	case W_WRITE4K:
	case W_WRITE1M:
		clunk(c, FILEFID);
		if (walk1(c, ROOTFID, SCRFID, SCRATCH) != 0)
			die("Twalk %s failed", SCRATCH);
		remove_name(c, SCRFID, c->c_wname);
		clunk(c, SCRFID);
		break;
	case W_CREATE:
		clunk(c, SCRFID);
		break;
	default:
		break;
	}
}

static void
queue(struct conn *c, struct p9_fcall *t, int s)
{
	size_t	 len;

	if (c->c_outoff > 0 && c->c_outoff == c->c_outlen)
		c->c_outoff = c->c_outlen = 0;
	if (c->c_outcap - c->c_outlen < c->c_msize) {
		memmove(c->c_out, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff);
		c->c_outlen -= c->c_outoff;
		c->c_outoff = 0;
	}
	t->tag = (uint16_t)s;
	if ((len = p9_encode(c->c_out + c->c_outlen,
	    c->c_outcap - c->c_outlen, t)) == 0)
		die("cannot encode %s", p9_typename(t->type));
	c->c_outlen += len;
	c->c_slots[s].sl_busy = 1;
	c->c_slots[s].sl_t0 = now_ns();
}

/* Send the request for the slot's current step. */
static void
send_step(struct conn *c, int s)
{
	struct slot	*sl = &c->c_slots[s];
	struct p9_fcall	 t;
	uint32_t	 fid = SLOTFID(s), n;

	memset(&t, 0, sizeof(t));
	switch (wl) {
	case W_GETATTR:
		t.type = P9_TGETATTR;
		t.u.tgetattr.fid = ROOTFID;
		t.u.tgetattr.request_mask = P9_GETATTR_BASIC;
		break;
	case W_WALKCLUNK:
		if (sl->sl_step == 0) {
			t.type = P9_TWALK;
			t.u.twalk.fid = ROOTFID;
			t.u.twalk.newfid = fid;
			t.u.twalk.nwname = 1;
			t.u.twalk.wname[0] = BIGFILE;
		} else {
			t.type = P9_TCLUNK;
			t.u.tclunk.fid = fid;
		}
		break;
	case W_RANDREAD4K:
		t.type = P9_TREAD;
		t.u.tread.fid = FILEFID;
		t.u.tread.offset = (xrand() % (BIGSIZE / 4096)) * 4096;
		t.u.tread.count = iosize(c);
		break;
	case W_SEQREAD1M:
		n = iosize(c);
		if (c->c_cursor + n > BIGSIZE)
			c->c_cursor = 0;
		t.type = P9_TREAD;
		t.u.tread.fid = FILEFID;
		t.u.tread.offset = c->c_cursor;
		t.u.tread.count = n;
		c->c_cursor += n;
		break;
	case W_WRITE4K:
	case W_WRITE1M:
		n = iosize(c);
		t.type = P9_TWRITE;
		t.u.twrite.fid = FILEFID;
		if (wl == W_WRITE4K)
			t.u.twrite.offset =
			    (xrand() % (16 * 1024 * 1024 / 4096)) * 4096;
		else {
			if (c->c_cursor + n > BIGSIZE)
				c->c_cursor = 0;
			t.u.twrite.offset = c->c_cursor;
			c->c_cursor += n;
		}
		t.u.twrite.count = n;
		t.u.twrite.data = wdata;
		break;
	case W_CREATE:
		switch (sl->sl_step) {
		case 0:
			snprintf(sl->sl_name, sizeof(sl->sl_name),
			    "c.%ld.%d.%" PRIu64, (long)getpid(), c->c_idx,
			    c->c_seq++);
			t.type = P9_TWALK;
			t.u.twalk.fid = SCRFID;
			t.u.twalk.newfid = fid;
			break;
		case 1:
			t.type = P9_TLCREATE;
			t.u.tlcreate.fid = fid;
			t.u.tlcreate.name = sl->sl_name;
			t.u.tlcreate.flags = P9_L_O_WRONLY;
			t.u.tlcreate.mode = 0644;
			break;
		case 2:
			t.type = P9_TWRITE;
			t.u.twrite.fid = fid;
			t.u.twrite.count = 4096;
			t.u.twrite.data = wdata;
			break;
		case 3:
			t.type = P9_TCLUNK;
			t.u.tclunk.fid = fid;
			break;
		case 4:
			if (use_remove) {
				t.type = P9_TWALK;
				t.u.twalk.fid = SCRFID;
				t.u.twalk.newfid = fid + 1;
				t.u.twalk.nwname = 1;
				t.u.twalk.wname[0] = sl->sl_name;
			} else {
				t.type = P9_TUNLINKAT;
				t.u.tunlinkat.dirfid = SCRFID;
				t.u.tunlinkat.name = sl->sl_name;
			}
			break;
		default:
			t.type = P9_TREMOVE;
			t.u.tremove.fid = fid + 1;
			break;
		}
		break;
	case W_READDIR:
		switch (sl->sl_step) {
		case 0:
			snprintf(sl->sl_name, sizeof(sl->sl_name), "d%ld",
			    nentries);
			t.type = P9_TWALK;
			t.u.twalk.fid = ROOTFID;
			t.u.twalk.newfid = fid;
			t.u.twalk.nwname = 1;
			t.u.twalk.wname[0] = sl->sl_name;
			break;
		case 1:
			t.type = P9_TLOPEN;
			t.u.tlopen.fid = fid;
			t.u.tlopen.flags = P9_L_O_RDONLY;
			sl->sl_off = 0;
			break;
		case 2:
			t.type = P9_TREADDIR;
			t.u.treaddir.fid = fid;
			t.u.treaddir.offset = sl->sl_off;
			t.u.treaddir.count = c->c_msize - P9_READDIRHDRSZ;
			break;
		default:
			t.type = P9_TCLUNK;
			t.u.tclunk.fid = fid;
			break;
		}
		break;
	default:
		die("no requests for this workload");
	}
	queue(c, &t, s);
}

static void
print_label(void)
{
	if (label != NULL)
		printf("label=%s ", label);
}

static void
record(uint64_t ns)
{
	if (nlat == lat_cap) {
		lat_cap = lat_cap ? 2 * lat_cap : 1 << 20;
		if ((lat = realloc(lat, lat_cap * sizeof(*lat))) == NULL)
			die("out of memory");
	}
	lat[nlat++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static const uint8_t expect[] = {
	[P9_TGETATTR] = P9_RGETATTR, [P9_TWALK] = P9_RWALK,
	[P9_TCLUNK] = P9_RCLUNK, [P9_TREAD] = P9_RREAD,
	[P9_TWRITE] = P9_RWRITE, [P9_TLCREATE] = P9_RLCREATE,
	[P9_TUNLINKAT] = P9_RUNLINKAT, [P9_TLOPEN] = P9_RLOPEN,
	[P9_TREADDIR] = P9_RREADDIR, [P9_TREMOVE] = P9_RREMOVE,
};

/*
 * One reply for slot s: check it, advance the slot's operation and
 * return 1 if the operation is complete.
 */
static int
reply(struct conn *c, int s, const struct p9_fcall *r, uint8_t ttype)
{
	struct slot	*sl = &c->c_slots[s];
	struct p9_rbuf	 rb;
	struct p9_qid	 qid;
	uint64_t	 off;
	uint8_t		 dt;
	char		 name[512];
	uint32_t	 n;

	if (r->type == P9_RLERROR)
		die("%s: Rlerror %s", p9_typename(ttype),
		    errname(r->u.rlerror.ecode));
	if (r->type != expect[ttype])
		die("%s: got %s", p9_typename(ttype), p9_typename(r->type));
	switch (wl) {
	case W_GETATTR:
		return 1;
	case W_WALKCLUNK:
		if (sl->sl_step == 0 && r->u.rwalk.nwqid != 1)
			die("Twalk: %u qids", r->u.rwalk.nwqid);
		return ++sl->sl_step == 2;
	case W_RANDREAD4K:
	case W_SEQREAD1M:
		if (r->u.rread.count != iosize(c))
			die("Tread: %u bytes, asked %u", r->u.rread.count,
			    iosize(c));
		nbytes += r->u.rread.count;
		return 1;
	case W_WRITE4K:
	case W_WRITE1M:
		if (r->u.rwrite.count != iosize(c))
			die("Twrite: %u bytes, sent %u", r->u.rwrite.count,
			    iosize(c));
		nbytes += r->u.rwrite.count;
		return 1;
	case W_CREATE:
		if (sl->sl_step == 2) {
			if (r->u.rwrite.count != 4096)
				die("Twrite: %u bytes", r->u.rwrite.count);
			nbytes += 4096;
		}
		if (sl->sl_step == 4 && use_remove && r->u.rwalk.nwqid != 1)
			die("Twalk: %u qids", r->u.rwalk.nwqid);
		return ++sl->sl_step == (use_remove ? 6 : 5);
	case W_READDIR:
		if (sl->sl_step == 0 && r->u.rwalk.nwqid != 1)
			die("Twalk d%ld: %u qids", nentries, r->u.rwalk.nwqid);
		if (sl->sl_step != 2)
			return ++sl->sl_step == 4;
		if (r->u.rreaddir.count == 0) {
			sl->sl_step = 3;
			return 0;
		}
		p9_rinit(&rb, r->u.rreaddir.data, r->u.rreaddir.count);
		n = 0;
		off = sl->sl_off;
		while (p9_remain(&rb) > 0) {
			if (p9_dirent_get(&rb, &qid, &off, &dt, name,
			    sizeof(name)) == -1)
				die("Rreaddir: bad entry");
			n++;
		}
		if (off == sl->sl_off)
			die("Rreaddir: offset did not advance");
		sl->sl_off = off;
		nents += n;
		nbytes += r->u.rreaddir.count;
		return 0;
	default:
		return 1;
	}
}

static void
conn_flush(struct conn *c)
{
	ssize_t	 n;

	while (c->c_outoff < c->c_outlen) {
		n = write(c->c_fd, c->c_out + c->c_outoff,
		    c->c_outlen - c->c_outoff);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			die("write: %s", n == 0 ? "EOF" : strerror(errno));
		c->c_outoff += (size_t)n;
	}
	c->c_outoff = c->c_outlen = 0;
}

/* The type of the T-message in flight on a slot, kept in its step. */
static uint8_t
slot_ttype(const struct conn *c, int s)
{
	int	 st = c->c_slots[s].sl_step;

	switch (wl) {
	case W_GETATTR:
		return P9_TGETATTR;
	case W_WALKCLUNK:
		return st == 0 ? P9_TWALK : P9_TCLUNK;
	case W_RANDREAD4K:
	case W_SEQREAD1M:
		return P9_TREAD;
	case W_WRITE4K:
	case W_WRITE1M:
		return P9_TWRITE;
	case W_CREATE: {
		static const uint8_t seq[] = { P9_TWALK, P9_TLCREATE,
		    P9_TWRITE, P9_TCLUNK, P9_TUNLINKAT, P9_TREMOVE };
		return st == 4 && use_remove ? P9_TWALK : seq[st];
	}
	case W_READDIR: {
		static const uint8_t seq[] = { P9_TWALK, P9_TLOPEN,
		    P9_TREADDIR, P9_TCLUNK };
		return seq[st];
	}
	default:
		return 0;
	}
}

/* Read what is there and handle every complete reply; returns done. */
static void
conn_read(struct conn *c, int *inflight)
{
	struct p9_fcall	 r;
	ssize_t		 n;
	size_t		 avail;
	uint32_t	 size;
	uint64_t	 t;
	uint8_t		*p, ttype;
	int		 s;

	/* A whole reply always fits behind c_inoff; see conn_open. */
	if (c->c_incap - c->c_inoff < (size_t)c->c_msize + 65536) {
		memmove(c->c_in, c->c_in + c->c_inoff,
		    c->c_inlen - c->c_inoff);
		c->c_inlen -= c->c_inoff;
		c->c_inoff = 0;
	}
	n = read(c->c_fd, c->c_in + c->c_inlen, c->c_incap - c->c_inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		die("read: %s", n == 0 ? "server closed the connection" :
		    strerror(errno));
	c->c_inlen += (size_t)n;
	t = now_ns();
	for (;;) {
		avail = c->c_inlen - c->c_inoff;
		if (avail < 4)
			break;
		p = c->c_in + c->c_inoff;
		size = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		if (size < P9_HDRSZ || size > c->c_msize)
			die("reply size %u (msize %u)", size, c->c_msize);
		if (avail < size)
			break;
		if (p9_decode(p, size, &r, arena, sizeof(arena)) != 0)
			die("malformed %s reply", p9_typename(p[4]));
		c->c_inoff += size;
		s = r.tag;
		if (s >= depth || !c->c_slots[s].sl_busy)
			die("%s with unexpected tag %u", p9_typename(r.type),
			    r.tag);
		c->c_slots[s].sl_busy = 0;
		(*inflight)--;
		record(t - c->c_slots[s].sl_t0);
		ttype = slot_ttype(c, s);
		if (reply(c, s, &r, ttype)) {
			nops++;
			c->c_slots[s].sl_step = 0;
			if (stopping)
				continue;
		}
		send_step(c, s);
		(*inflight)++;
	}
	if (c->c_inoff == c->c_inlen)
		c->c_inoff = c->c_inlen = 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double p)
{
	size_t	 i;

	if (nlat == 0)
		return 0;
	i = (size_t)(p * (double)(nlat - 1));
	return lat[i] / 1000.0;
}

static void
run_load(void)
{
	struct conn	**cs;
	struct pollfd	 *pfd;
	struct rusage	  ru0, ru1;
	double		  cpu0 = 0, cpu1 = 0, secs, ccpu;
	uint64_t	  t0, t1, end;
	int		  i, s, inflight = 0, fl;

	if (hostdir != NULL)
		setup_host();
	cs = xmalloc((size_t)nconns * sizeof(*cs));
	pfd = xmalloc((size_t)nconns * sizeof(*pfd));
	for (i = 0; i < nconns; i++) {
		cs[i] = conn_open(i, depth);
		if (i == 0 && hostdir == NULL)
			setup_9p(cs[i]);
		conn_prepare(cs[i]);
		fl = fcntl(cs[i]->c_fd, F_GETFL);
		fcntl(cs[i]->c_fd, F_SETFL, fl | O_NONBLOCK);
		pfd[i].fd = cs[i]->c_fd;
	}
	wdata = xmalloc(1024 * 1024);
	for (i = 0; i < 1024 * 1024 / 8; i++)
		((uint64_t *)(void *)wdata)[i] = xrand();

	if (srvpid > 0)
		cpu0 = proc_cpu(srvpid);
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_ns();
	end = t0 + (uint64_t)(runsecs * 1e9);
	for (i = 0; i < nconns; i++) {
		for (s = 0; s < depth; s++) {
			send_step(cs[i], s);
			inflight++;
		}
		conn_flush(cs[i]);
	}
	while (inflight > 0) {
		if (!stopping && now_ns() >= end)
			stopping = 1;
		for (i = 0; i < nconns; i++) {
			pfd[i].events = POLLIN;
			if (cs[i]->c_outoff < cs[i]->c_outlen)
				pfd[i].events |= POLLOUT;
		}
		if (poll(pfd, (nfds_t)nconns, 1000) == -1) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (i = 0; i < nconns; i++) {
			if (pfd[i].revents & (POLLERR | POLLNVAL))
				die("connection %d: socket error", i);
			if (pfd[i].revents & (POLLIN | POLLHUP))
				conn_read(cs[i], &inflight);
			if (cs[i]->c_outoff < cs[i]->c_outlen)
				conn_flush(cs[i]);
		}
		if (stopping && now_ns() > end + 60000000000ULL)
			die("%d requests unanswered 60 s after the end",
			    inflight);
	}
	t1 = now_ns();
	getrusage(RUSAGE_SELF, &ru1);
	if (srvpid > 0)
		cpu1 = proc_cpu(srvpid);
	for (i = 0; i < nconns; i++) {
		fl = fcntl(cs[i]->c_fd, F_GETFL);
		fcntl(cs[i]->c_fd, F_SETFL, fl & ~O_NONBLOCK);
		conn_finish(cs[i]);
		close(cs[i]->c_fd);
	}

	secs = (double)(t1 - t0) / 1e9;
	ccpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
	    ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
	    ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	qsort(lat, nlat, sizeof(*lat), cmp_u32);
	if (nops == 0)
		die("no operation completed");
	print_label();
	printf("workload=%s conns=%d qd=%d ops=%" PRIu64 " secs=%.2f "
	    "ops_s=%.0f mb_s=%.1f p50_us=%.1f p99_us=%.1f reqs=%zu "
	    "rpcs=%" PRIu64 " cpu_s_per_op=%.9f srv_cpu_s=%.2f cli_cpu_s=%.2f",
	    wl_names[wl], nconns, depth, nops, secs, (double)nops / secs,
	    (double)nbytes / secs / (1024 * 1024), pct(0.50), pct(0.99),
	    nlat, nrpc, srvpid > 0 ? (cpu1 - cpu0) / (double)nops : 0.0,
	    cpu1 - cpu0, ccpu);
	if (wl == W_CREATE)
		printf(" unlink=%s", use_remove ? "walk+remove" : "unlinkat");
	if (wl == W_READDIR)
		printf(" entries=%ld entries_s=%.0f ms_per_listing=%.2f",
		    (long)(nents / nops), (double)nents / secs,
		    secs * 1000.0 * depth / (double)nops);
	if (wl == W_SEQREAD1M || wl == W_WRITE1M || wl == W_RANDREAD4K ||
	    wl == W_WRITE4K)
		printf(" iosize=%u msize=%u", iosize(cs[0]), cs[0]->c_msize);
	printf("\n");
}

/* N connections, each attached, then idle: the server's RSS growth. */
static void
run_idle(void)
{
	struct conn	**cs;
	long		  rss0, rss1;
	int		  i;

	if (srvpid <= 0)
		die("needs -p server_pid");
	rss0 = proc_rss(srvpid);
	cs = xmalloc((size_t)nconns * sizeof(*cs));
	for (i = 0; i < nconns; i++)
		cs[i] = conn_open(i, 0);
	/* Let the server settle (lazy allocations, worker wake-ups). */
	usleep((useconds_t)(runsecs * 1e6));
	rss1 = proc_rss(srvpid);
	print_label();
	printf("workload=idle conns=%d rss_before_kb=%ld "
	    "rss_after_kb=%ld rss_delta_mb=%.1f kb_per_conn=%.1f\n",
	    nconns, rss0, rss1, (double)(rss1 - rss0) / 1024.0,
	    (double)(rss1 - rss0) / nconns);
	for (i = 0; i < nconns; i++)
		close(cs[i]->c_fd);
}

/*
 * The loopback ceiling: a child writes 1 MiB chunks into a TCP socket on
 * 127.0.0.1 as fast as it can, this process reads them with 1 MiB reads.
 * Same direction and chunk size as seqread1m's data; no file system and
 * no 9P.
 */
static void
run_tcpstream(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	uint8_t			*buf;
	uint64_t		 t0, t1, end, got = 0;
	ssize_t			 n;
	pid_t			 pid;
	int			 lfd, fd, st;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 1) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) == -1)
		die("listen: %s", strerror(errno));
	buf = xmalloc(1 << 20);
	memset(buf, 0x5a, 1 << 20);
	if ((pid = fork()) == -1)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			_exit(1);
		signal(SIGPIPE, SIG_IGN);
		for (;;) {
			size_t off;

			for (off = 0; off < 1 << 20; off += (size_t)n)
				if ((n = write(fd, buf + off,
				    (1 << 20) - off)) <= 0)
					_exit(0);
		}
	}
	close(lfd);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect: %s", strerror(errno));
	t0 = now_ns();
	end = t0 + (uint64_t)(runsecs * 1e9);
	while (now_ns() < end) {
		if ((n = read(fd, buf, 1 << 20)) <= 0)
			die("read: %s", n == 0 ? "EOF" : strerror(errno));
		got += (uint64_t)n;
	}
	t1 = now_ns();
	close(fd);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	print_label();
	printf("workload=tcpstream conns=1 qd=1 ops=%" PRIu64
	    " secs=%.2f ops_s=%.0f mb_s=%.1f\n",
	    got >> 20, (double)(t1 - t0) / 1e9,
	    (double)(got >> 20) / ((double)(t1 - t0) / 1e9),
	    (double)got / ((double)(t1 - t0) / 1e9) / (1024 * 1024));
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: p9bench -a unix:/path|tcp:HOST:PORT "
	    "-w workload [-n aname] [-c conns]\n"
	    "\t[-q depth] [-t seconds] [-p server_pid] [-m msize] "
	    "[-d hostdir] [-N entries] [-l label]\n"
	    "\t[-U auto|remove]\n"
	    "workloads: getattr walkclunk randread4k seqread1m write4k "
	    "write1m create\n\t   readdir idle tcpstream setup\n");
	exit(2);
}

static long
numopt(const char *s, long lo, long hi)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "p9bench: bad number %s (%ld..%ld)\n", s,
		    lo, hi);
		usage();
	}
	return v;
}

int
main(int argc, char *argv[])
{
	struct rlimit	 rl;
	size_t		 i;
	int		 ch, found = 0;

	while ((ch = getopt(argc, argv, "a:c:d:l:m:n:N:p:q:t:U:w:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'c':
			nconns = (int)numopt(optarg, 1, 100000);
			break;
		case 'd':
			hostdir = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'm':
			want_msize = (uint32_t)numopt(optarg, P9_MINMSIZE,
			    64 * 1024 * 1024);
			break;
		case 'n':
			aname = optarg;
			break;
		case 'N':
			nentries = numopt(optarg, 1, 10000000);
			break;
		case 'p':
			srvpid = numopt(optarg, 1, LONG_MAX);
			break;
		case 'q':
			depth = (int)numopt(optarg, 1, 1024);
			break;
		case 't':
			runsecs = strtod(optarg, NULL);
			if (runsecs <= 0 || runsecs > 3600)
				usage();
			break;
		case 'U':
			if (strcmp(optarg, "remove") == 0)
				use_remove = 1;
			else if (strcmp(optarg, "auto") != 0)
				usage();
			break;
		case 'w':
			for (i = 0; i < sizeof(wl_names) / sizeof(wl_names[0]);
			    i++)
				if (strcmp(optarg, wl_names[i]) == 0) {
					wl = (enum workload)i;
					found = 1;
				}
			if (!found)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc != optind || !found || (addr == NULL && wl != W_TCPSTREAM &&
	    wl != W_SETUP))
		usage();
	signal(SIGPIPE, SIG_IGN);
	/* Many connections need many descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	rng ^= (uint64_t)getpid() << 32;
	setvbuf(stdout, NULL, _IOLBF, 0);
	switch (wl) {
	case W_IDLE:
		run_idle();
		break;
	case W_TCPSTREAM:
		run_tcpstream();
		break;
	case W_SETUP:
		if (hostdir == NULL)
			usage();
		/* The files of every workload, readdir's N entries too. */
		wl = W_READDIR;
		setup_host();
		break;
	default:
		run_load();
		break;
	}
	return 0;
}
