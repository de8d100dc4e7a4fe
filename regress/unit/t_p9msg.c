/*
 * Unit tests for the 9P2000.L codec (src/p9msg.c).
 *
 * Every message type is filled with known values by sample(), which runs
 * in two modes: it either stores the values into an fcall or checks that
 * a decoded fcall holds exactly those values.  Wire layouts are checked
 * against hand-built frames so that the codec's table cannot agree with
 * itself and still be wrong.  Frames are copied into exactly-sized heap
 * buffers so that ASan sees any read past the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "p9.h"

#define NVARIANT	4
#define FRAMEMAX	(1 << 18)

/* Every type the codec must handle; Tlerror is never sent. */
static const uint8_t alltypes[] = {
	P9_RLERROR,
	P9_TSTATFS, P9_RSTATFS, P9_TLOPEN, P9_RLOPEN, P9_TLCREATE,
	P9_RLCREATE, P9_TSYMLINK, P9_RSYMLINK, P9_TMKNOD, P9_RMKNOD,
	P9_TRENAME, P9_RRENAME, P9_TREADLINK, P9_RREADLINK, P9_TGETATTR,
	P9_RGETATTR, P9_TSETATTR, P9_RSETATTR, P9_TXATTRWALK, P9_RXATTRWALK,
	P9_TXATTRCREATE, P9_RXATTRCREATE, P9_TREADDIR, P9_RREADDIR,
	P9_TFSYNC, P9_RFSYNC, P9_TLOCK, P9_RLOCK, P9_TGETLOCK, P9_RGETLOCK,
	P9_TLINK, P9_RLINK, P9_TMKDIR, P9_RMKDIR, P9_TRENAMEAT,
	P9_RRENAMEAT, P9_TUNLINKAT, P9_RUNLINKAT, P9_TVERSION, P9_RVERSION,
	P9_TAUTH, P9_RAUTH, P9_TATTACH, P9_RATTACH, P9_TFLUSH, P9_RFLUSH,
	P9_TWALK, P9_RWALK, P9_TREAD, P9_RREAD, P9_TWRITE, P9_RWRITE,
	P9_TCLUNK, P9_RCLUNK, P9_TREMOVE, P9_RREMOVE
};
#define NTYPES	(sizeof(alltypes) / sizeof(alltypes[0]))

static uint8_t	 framebuf[FRAMEMAX];
static char	 arenabuf[FRAMEMAX];
static uint8_t	 databuf[8192];
static char	 longstr[1001];
static char	 namebufs[P9_MAXWELEM][32];

/*
 * Fill mode stores each value; check mode compares.  One description of
 * every message then serves both the encoder's input and the decoder's
 * expected output.
 */
struct vis {
	int		 v_check;
	int		 v_variant;
	const char	*v_type;
};

static void
vis8(struct vis *c, uint8_t *p, uint8_t val)
{
	if (!c->v_check)
		*p = val;
	else
		ATF_CHECK_MSG(*p == val, "%s/%d: u8 %u, want %u",
		    c->v_type, c->v_variant, *p, val);
}

static void
vis16(struct vis *c, uint16_t *p, uint16_t val)
{
	if (!c->v_check)
		*p = val;
	else
		ATF_CHECK_MSG(*p == val, "%s/%d: u16 %u, want %u",
		    c->v_type, c->v_variant, *p, val);
}

static void
vis32(struct vis *c, uint32_t *p, uint32_t val)
{
	if (!c->v_check)
		*p = val;
	else
		ATF_CHECK_MSG(*p == val, "%s/%d: u32 %#x, want %#x",
		    c->v_type, c->v_variant, *p, val);
}

static void
vis64(struct vis *c, uint64_t *p, uint64_t val)
{
	if (!c->v_check)
		*p = val;
	else
		ATF_CHECK_MSG(*p == val, "%s/%d: u64 %#llx, want %#llx",
		    c->v_type, c->v_variant, (unsigned long long)*p,
		    (unsigned long long)val);
}

static void
visstr(struct vis *c, char **p, char *val)
{
	if (!c->v_check) {
		*p = val;
		return;
	}
	ATF_CHECK_MSG(*p != NULL, "%s/%d: NULL string", c->v_type,
	    c->v_variant);
	if (*p != NULL)
		ATF_CHECK_MSG(strcmp(*p, val) == 0, "%s/%d: string \"%.40s\", "
		    "want \"%.40s\"", c->v_type, c->v_variant, *p, val);
}

static void
visdata(struct vis *c, uint32_t *countp, const uint8_t **datap,
    uint32_t count)
{
	if (!c->v_check) {
		*countp = count;
		*datap = databuf;
		return;
	}
	ATF_CHECK_MSG(*countp == count, "%s/%d: count %u, want %u",
	    c->v_type, c->v_variant, *countp, count);
	ATF_CHECK_MSG(*datap != NULL, "%s/%d: NULL data", c->v_type,
	    c->v_variant);
	if (*countp == count && *datap != NULL)
		ATF_CHECK_MSG(memcmp(*datap, databuf, count) == 0,
		    "%s/%d: data differs", c->v_type, c->v_variant);
}

/* Typical, all-ones, zero, and high-bit-only values. */
static uint8_t
n8(struct vis *c, uint8_t typ)
{
	static const uint8_t	 v[] = { 0, UINT8_MAX, 0, 0x80 };

	return c->v_variant == 0 ? typ : v[c->v_variant];
}

static uint16_t
n16(struct vis *c, uint16_t typ)
{
	static const uint16_t	 v[] = { 0, UINT16_MAX, 0, 0x8001 };

	return c->v_variant == 0 ? typ : v[c->v_variant];
}

static uint32_t
n32(struct vis *c, uint32_t typ)
{
	static const uint32_t	 v[] = { 0, UINT32_MAX, 0, 0x80000001U };

	return c->v_variant == 0 ? typ : v[c->v_variant];
}

static uint64_t
n64(struct vis *c, uint64_t typ)
{
	static const uint64_t	 v[] = { 0, UINT64_MAX, 0,
	    0x8000000000000001ULL };

	return c->v_variant == 0 ? typ : v[c->v_variant];
}

static char *
str(struct vis *c, char *typ)
{
	switch (c->v_variant) {
	case 1:
		return longstr;
	case 2:
		return "";
	case 3:
		return "\xc3\xa9t\xc3\xa9 \x7f\x01";
	default:
		return typ;
	}
}

static void
visqid(struct vis *c, struct p9_qid *q, uint64_t path)
{
	vis8(c, &q->type, n8(c, P9_QTDIR | P9_QTSYMLINK));
	vis32(c, &q->version, n32(c, 0x01020304U + (uint32_t)path));
	vis64(c, &q->path, n64(c, path));
}

/* How many walk elements and data bytes each variant uses. */
static uint16_t
nelem(struct vis *c)
{
	static const uint16_t	 v[] = { 3, P9_MAXWELEM, 0, 1 };

	return v[c->v_variant];
}

static uint32_t
ndata(struct vis *c)
{
	static const uint32_t	 v[] = { 100, sizeof(databuf), 0, 1 };

	return v[c->v_variant];
}

static void
sample(struct vis *c, struct p9_fcall *f, uint8_t type)
{
	uint16_t	 i, n;

	c->v_type = p9_typename(type);
	vis8(c, &f->type, type);
	vis16(c, &f->tag, n16(c, 0x1234));
	switch (type) {
	case P9_RLERROR:
		vis32(c, &f->u.rlerror.ecode, n32(c, P9_L_ENOENT));
		break;
	case P9_TVERSION:
	case P9_RVERSION:
		vis32(c, &f->u.version.msize, n32(c, 524312));
		visstr(c, &f->u.version.version, str(c, P9_VERSION));
		break;
	case P9_TAUTH:
		vis32(c, &f->u.tauth.afid, n32(c, 11));
		visstr(c, &f->u.tauth.uname, str(c, "alice"));
		visstr(c, &f->u.tauth.aname, str(c, "/export"));
		vis32(c, &f->u.tauth.n_uname, n32(c, 1000));
		break;
	case P9_RAUTH:
		visqid(c, &f->u.rauth.aqid, 21);
		break;
	case P9_TATTACH:
		vis32(c, &f->u.tattach.fid, n32(c, 31));
		vis32(c, &f->u.tattach.afid, n32(c, P9_NOFID));
		visstr(c, &f->u.tattach.uname, str(c, "bob"));
		visstr(c, &f->u.tattach.aname, str(c, "home"));
		vis32(c, &f->u.tattach.n_uname, n32(c, 1001));
		break;
	case P9_RATTACH:
		visqid(c, &f->u.rattach.qid, 41);
		break;
	case P9_TFLUSH:
		vis16(c, &f->u.tflush.oldtag, n16(c, 0x4321));
		break;
	case P9_TWALK:
		vis32(c, &f->u.twalk.fid, n32(c, 51));
		vis32(c, &f->u.twalk.newfid, n32(c, 52));
		n = nelem(c);
		vis16(c, &f->u.twalk.nwname, n);
		for (i = 0; i < n; i++)
			visstr(c, &f->u.twalk.wname[i], c->v_variant == 1 &&
			    i == n - 1 ? longstr : namebufs[i]);
		break;
	case P9_RWALK:
		n = nelem(c);
		vis16(c, &f->u.rwalk.nwqid, n);
		for (i = 0; i < n; i++)
			visqid(c, &f->u.rwalk.wqid[i], 61 + i);
		break;
	case P9_TREAD:
		vis32(c, &f->u.tread.fid, n32(c, 71));
		vis64(c, &f->u.tread.offset, n64(c, 0x0102030405060708ULL));
		vis32(c, &f->u.tread.count, n32(c, 8192));
		break;
	case P9_RREAD:
		visdata(c, &f->u.rread.count, &f->u.rread.data, ndata(c));
		break;
	case P9_TWRITE:
		vis32(c, &f->u.twrite.fid, n32(c, 81));
		vis64(c, &f->u.twrite.offset, n64(c, 0x1112131415161718ULL));
		visdata(c, &f->u.twrite.count, &f->u.twrite.data, ndata(c));
		break;
	case P9_RWRITE:
		vis32(c, &f->u.rwrite.count, n32(c, 4096));
		break;
	case P9_TCLUNK:
		vis32(c, &f->u.tclunk.fid, n32(c, 91));
		break;
	case P9_TREMOVE:
		vis32(c, &f->u.tremove.fid, n32(c, 92));
		break;
	case P9_TSTATFS:
		vis32(c, &f->u.tstatfs.fid, n32(c, 93));
		break;
	case P9_RSTATFS:
		vis32(c, &f->u.rstatfs.type, n32(c, P9_V9FS_MAGIC));
		vis32(c, &f->u.rstatfs.bsize, n32(c, 4096));
		vis64(c, &f->u.rstatfs.blocks, n64(c, 1000001));
		vis64(c, &f->u.rstatfs.bfree, n64(c, 1000002));
		vis64(c, &f->u.rstatfs.bavail, n64(c, 1000003));
		vis64(c, &f->u.rstatfs.files, n64(c, 1000004));
		vis64(c, &f->u.rstatfs.ffree, n64(c, 1000005));
		vis64(c, &f->u.rstatfs.fsid, n64(c, 1000006));
		vis32(c, &f->u.rstatfs.namelen, n32(c, 255));
		break;
	case P9_TLOPEN:
		vis32(c, &f->u.tlopen.fid, n32(c, 101));
		vis32(c, &f->u.tlopen.flags, n32(c, P9_L_O_RDWR |
		    P9_L_O_NOFOLLOW));
		break;
	case P9_RLOPEN:
	case P9_RLCREATE:
		visqid(c, &f->u.rlopen.qid, 111);
		vis32(c, &f->u.rlopen.iounit, n32(c, 65536));
		break;
	case P9_TLCREATE:
		vis32(c, &f->u.tlcreate.fid, n32(c, 121));
		visstr(c, &f->u.tlcreate.name, str(c, "new.txt"));
		vis32(c, &f->u.tlcreate.flags, n32(c, P9_L_O_CREAT));
		vis32(c, &f->u.tlcreate.mode, n32(c, 0644));
		vis32(c, &f->u.tlcreate.gid, n32(c, 100));
		break;
	case P9_TSYMLINK:
		vis32(c, &f->u.tsymlink.dfid, n32(c, 131));
		visstr(c, &f->u.tsymlink.name, str(c, "link"));
		visstr(c, &f->u.tsymlink.symtgt, str(c, "../target"));
		vis32(c, &f->u.tsymlink.gid, n32(c, 101));
		break;
	case P9_TMKNOD:
		vis32(c, &f->u.tmknod.dfid, n32(c, 141));
		visstr(c, &f->u.tmknod.name, str(c, "fifo"));
		vis32(c, &f->u.tmknod.mode, n32(c, P9_L_S_IFIFO | 0600));
		vis32(c, &f->u.tmknod.major, n32(c, 8));
		vis32(c, &f->u.tmknod.minor, n32(c, 1));
		vis32(c, &f->u.tmknod.gid, n32(c, 102));
		break;
	case P9_RSYMLINK:
	case P9_RMKNOD:
	case P9_RMKDIR:
		visqid(c, &f->u.rqid.qid, 151);
		break;
	case P9_TRENAME:
		vis32(c, &f->u.trename.fid, n32(c, 161));
		vis32(c, &f->u.trename.dfid, n32(c, 162));
		visstr(c, &f->u.trename.name, str(c, "renamed"));
		break;
	case P9_TREADLINK:
		vis32(c, &f->u.treadlink.fid, n32(c, 171));
		break;
	case P9_RREADLINK:
		visstr(c, &f->u.rreadlink.target, str(c, "/some/where"));
		break;
	case P9_TGETATTR:
		vis32(c, &f->u.tgetattr.fid, n32(c, 181));
		vis64(c, &f->u.tgetattr.request_mask, n64(c, P9_GETATTR_ALL));
		break;
	case P9_RGETATTR:
		vis64(c, &f->u.rgetattr.valid, n64(c, P9_GETATTR_BASIC));
		visqid(c, &f->u.rgetattr.qid, 191);
		vis32(c, &f->u.rgetattr.mode, n32(c, P9_L_S_IFREG | 0644));
		vis32(c, &f->u.rgetattr.uid, n32(c, 1000));
		vis32(c, &f->u.rgetattr.gid, n32(c, 1001));
		vis64(c, &f->u.rgetattr.nlink, n64(c, 2));
		vis64(c, &f->u.rgetattr.rdev, n64(c, 3));
		vis64(c, &f->u.rgetattr.size, n64(c, 4));
		vis64(c, &f->u.rgetattr.blksize, n64(c, 5));
		vis64(c, &f->u.rgetattr.blocks, n64(c, 6));
		vis64(c, &f->u.rgetattr.atime_sec, n64(c, 7));
		vis64(c, &f->u.rgetattr.atime_nsec, n64(c, 8));
		vis64(c, &f->u.rgetattr.mtime_sec, n64(c, 9));
		vis64(c, &f->u.rgetattr.mtime_nsec, n64(c, 10));
		vis64(c, &f->u.rgetattr.ctime_sec, n64(c, 11));
		vis64(c, &f->u.rgetattr.ctime_nsec, n64(c, 12));
		vis64(c, &f->u.rgetattr.btime_sec, n64(c, 13));
		vis64(c, &f->u.rgetattr.btime_nsec, n64(c, 14));
		vis64(c, &f->u.rgetattr.gen, n64(c, 15));
		vis64(c, &f->u.rgetattr.data_version, n64(c, 16));
		break;
	case P9_TSETATTR:
		vis32(c, &f->u.tsetattr.fid, n32(c, 201));
		vis32(c, &f->u.tsetattr.valid, n32(c, P9_SETATTR_MODE |
		    P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET));
		vis32(c, &f->u.tsetattr.mode, n32(c, 0755));
		vis32(c, &f->u.tsetattr.uid, n32(c, 1002));
		vis32(c, &f->u.tsetattr.gid, n32(c, 1003));
		vis64(c, &f->u.tsetattr.size, n64(c, 202));
		vis64(c, &f->u.tsetattr.atime_sec, n64(c, 203));
		vis64(c, &f->u.tsetattr.atime_nsec, n64(c, 204));
		vis64(c, &f->u.tsetattr.mtime_sec, n64(c, 205));
		vis64(c, &f->u.tsetattr.mtime_nsec, n64(c, 206));
		break;
	case P9_TXATTRWALK:
		vis32(c, &f->u.txattrwalk.fid, n32(c, 211));
		vis32(c, &f->u.txattrwalk.newfid, n32(c, 212));
		visstr(c, &f->u.txattrwalk.name, str(c, "user.mime"));
		break;
	case P9_RXATTRWALK:
		vis64(c, &f->u.rxattrwalk.size, n64(c, 213));
		break;
	case P9_TXATTRCREATE:
		vis32(c, &f->u.txattrcreate.fid, n32(c, 221));
		visstr(c, &f->u.txattrcreate.name, str(c, "user.tag"));
		vis64(c, &f->u.txattrcreate.attr_size, n64(c, 222));
		vis32(c, &f->u.txattrcreate.flags, n32(c, P9_XATTR_CREATE));
		break;
	case P9_TREADDIR:
		vis32(c, &f->u.treaddir.fid, n32(c, 231));
		vis64(c, &f->u.treaddir.offset, n64(c, 232));
		vis32(c, &f->u.treaddir.count, n32(c, 233));
		break;
	case P9_RREADDIR:
		visdata(c, &f->u.rreaddir.count, &f->u.rreaddir.data,
		    ndata(c));
		break;
	case P9_TFSYNC:
		vis32(c, &f->u.tfsync.fid, n32(c, 241));
		vis32(c, &f->u.tfsync.datasync, n32(c, 1));
		break;
	case P9_TLOCK:
		vis32(c, &f->u.tlock.fid, n32(c, 251));
		vis8(c, &f->u.tlock.type, n8(c, P9_LOCK_TYPE_WRLCK));
		vis32(c, &f->u.tlock.flags, n32(c, P9_LOCK_FLAGS_BLOCK));
		vis64(c, &f->u.tlock.start, n64(c, 252));
		vis64(c, &f->u.tlock.length, n64(c, 253));
		vis32(c, &f->u.tlock.proc_id, n32(c, 254));
		visstr(c, &f->u.tlock.client_id, str(c, "client-a"));
		break;
	case P9_RLOCK:
		vis8(c, &f->u.rlock.status, n8(c, P9_LOCK_BLOCKED));
		break;
	case P9_TGETLOCK:
		vis32(c, &f->u.getlock.fid, n32(c, 261));
		/* FALLTHROUGH */
	case P9_RGETLOCK:
		vis8(c, &f->u.getlock.type, n8(c, P9_LOCK_TYPE_RDLCK + 1));
		vis64(c, &f->u.getlock.start, n64(c, 262));
		vis64(c, &f->u.getlock.length, n64(c, 263));
		vis32(c, &f->u.getlock.proc_id, n32(c, 264));
		visstr(c, &f->u.getlock.client_id, str(c, "client-b"));
		break;
	case P9_TLINK:
		vis32(c, &f->u.tlink.dfid, n32(c, 271));
		vis32(c, &f->u.tlink.fid, n32(c, 272));
		visstr(c, &f->u.tlink.name, str(c, "hard"));
		break;
	case P9_TMKDIR:
		vis32(c, &f->u.tmkdir.dfid, n32(c, 281));
		visstr(c, &f->u.tmkdir.name, str(c, "subdir"));
		vis32(c, &f->u.tmkdir.mode, n32(c, 0750));
		vis32(c, &f->u.tmkdir.gid, n32(c, 282));
		break;
	case P9_TRENAMEAT:
		vis32(c, &f->u.trenameat.olddirfid, n32(c, 291));
		visstr(c, &f->u.trenameat.oldname, str(c, "old"));
		vis32(c, &f->u.trenameat.newdirfid, n32(c, 292));
		visstr(c, &f->u.trenameat.newname, str(c, "new"));
		break;
	case P9_TUNLINKAT:
		vis32(c, &f->u.tunlinkat.dirfid, n32(c, 301));
		visstr(c, &f->u.tunlinkat.name, str(c, "gone"));
		vis32(c, &f->u.tunlinkat.flags, n32(c, P9_L_AT_REMOVEDIR));
		break;
	case P9_RRENAME:
	case P9_RSETATTR:
	case P9_RXATTRCREATE:
	case P9_RFSYNC:
	case P9_RLINK:
	case P9_RRENAMEAT:
	case P9_RUNLINKAT:
	case P9_RFLUSH:
	case P9_RCLUNK:
	case P9_RREMOVE:
		break;
	default:
		atf_tc_fail("sample: no sample for type %u", type);
	}
}

static void
init_data(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(databuf); i++)
		databuf[i] = (uint8_t)(i * 7 + 3);
	/* Every byte value but NUL, so strings exercise the high bit. */
	for (i = 0; i < sizeof(longstr) - 1; i++)
		longstr[i] = (char)(1 + i % 255);
	longstr[sizeof(longstr) - 1] = '\0';
	for (i = 0; i < P9_MAXWELEM; i++)
		snprintf(namebufs[i], sizeof(namebufs[i]), "elem%zu", i);
}

static void
fill(struct p9_fcall *f, uint8_t type, int variant)
{
	struct vis	 c = { 0, variant, NULL };

	memset(f, 0, sizeof(*f));
	sample(&c, f, type);
}

static void
check(struct p9_fcall *f, uint8_t type, int variant)
{
	struct vis	 c = { 1, variant, NULL };

	sample(&c, f, type);
}

/* Encode a sample into framebuf; fails the test if it does not encode. */
static size_t
encode_sample(uint8_t type, int variant)
{
	struct p9_fcall	 f;
	size_t		 len;

	fill(&f, type, variant);
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_MSG(len >= P9_HDRSZ, "encode %s/%d failed",
	    p9_typename(type), variant);
	return len;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
setle32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static void
setle16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

/*
 * Decode len bytes of src from an exactly-sized heap copy with an arena
 * of exactly arenalen bytes, so ASan catches any overrun.  The copies
 * live until the next call, so decoded strings and data stay readable.
 */
static uint8_t	*exact_frame;
static char	*exact_arena;

static int
decode_exact(const uint8_t *src, size_t len, size_t arenalen,
    struct p9_fcall *f)
{
	free(exact_frame);
	free(exact_arena);
	exact_frame = malloc(len);
	exact_arena = malloc(arenalen);
	ATF_REQUIRE(len == 0 || exact_frame != NULL);
	ATF_REQUIRE(arenalen == 0 || exact_arena != NULL);
	if (len > 0)
		memcpy(exact_frame, src, len);
	return p9_decode(exact_frame, len, f, exact_arena, arenalen);
}

ATF_TC_WITHOUT_HEAD(roundtrip_all);
ATF_TC_BODY(roundtrip_all, tc)
{
	struct p9_fcall	 f;
	size_t		 i, len;
	int		 v, rv;

	init_data();
	for (i = 0; i < NTYPES; i++) {
		for (v = 0; v < NVARIANT; v++) {
			len = encode_sample(alltypes[i], v);
			ATF_CHECK_EQ(le32(framebuf), len);
			ATF_CHECK_EQ(framebuf[4], alltypes[i]);
			memset(&f, 0xa5, sizeof(f));
			rv = p9_decode(framebuf, len, &f, arenabuf, len);
			ATF_REQUIRE_MSG(rv == 0, "decode %s/%d: %d",
			    p9_typename(alltypes[i]), v, rv);
			check(&f, alltypes[i], v);
		}
	}
}

/* The arena claim: an arena exactly as large as the frame is enough. */
ATF_TC_WITHOUT_HEAD(roundtrip_exact_buffers);
ATF_TC_BODY(roundtrip_exact_buffers, tc)
{
	struct p9_fcall	 f;
	size_t		 i, len;
	int		 v, rv;

	init_data();
	for (i = 0; i < NTYPES; i++) {
		for (v = 0; v < NVARIANT; v++) {
			len = encode_sample(alltypes[i], v);
			rv = decode_exact(framebuf, len, len, &f);
			ATF_REQUIRE_MSG(rv == 0, "decode %s/%d: %d",
			    p9_typename(alltypes[i]), v, rv);
			check(&f, alltypes[i], v);
		}
	}
}

/* The decoder zeroes the fcall: leftovers from a previous message go. */
ATF_TC_WITHOUT_HEAD(decode_zeroes);
ATF_TC_BODY(decode_zeroes, tc)
{
	struct p9_fcall	 f, zero;
	size_t		 len;

	init_data();
	len = encode_sample(P9_RCLUNK, 0);
	memset(&f, 0xa5, sizeof(f));
	ATF_REQUIRE_EQ(p9_decode(framebuf, len, &f, arenabuf, len), 0);
	memset(&zero, 0, sizeof(zero));
	ATF_CHECK(memcmp(&f.u, &zero.u, sizeof(f.u)) == 0);

	/* Rgetlock has no fid on the wire; it must come back 0. */
	len = encode_sample(P9_RGETLOCK, 0);
	memset(&f, 0xa5, sizeof(f));
	ATF_REQUIRE_EQ(p9_decode(framebuf, len, &f, arenabuf, len), 0);
	ATF_CHECK_EQ(f.u.getlock.fid, 0);
	check(&f, P9_RGETLOCK, 0);
}

/* Sixteen names of maximal variety, and 64-bit extremes, survive. */
ATF_TC_WITHOUT_HEAD(roundtrip_walk16);
ATF_TC_BODY(roundtrip_walk16, tc)
{
	struct p9_fcall	 f, g;
	static char	 names[P9_MAXWELEM][8];
	size_t		 len;
	int		 i;

	memset(&f, 0, sizeof(f));
	f.type = P9_TWALK;
	f.tag = 7;
	f.u.twalk.fid = 1;
	f.u.twalk.newfid = 2;
	f.u.twalk.nwname = P9_MAXWELEM;
	for (i = 0; i < P9_MAXWELEM; i++) {
		snprintf(names[i], sizeof(names[i]), "%c%d", 'a' + i, i);
		f.u.twalk.wname[i] = names[i];
	}
	f.u.twalk.wname[5] = "";
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE(len > 0);
	ATF_REQUIRE_EQ(p9_decode(framebuf, len, &g, arenabuf, len), 0);
	ATF_REQUIRE_EQ(g.u.twalk.nwname, P9_MAXWELEM);
	for (i = 0; i < P9_MAXWELEM; i++)
		ATF_CHECK_STREQ(g.u.twalk.wname[i], f.u.twalk.wname[i]);
	/* Each decoded string lives in the arena, not in the frame. */
	for (i = 0; i < P9_MAXWELEM; i++)
		ATF_CHECK(g.u.twalk.wname[i] >= arenabuf &&
		    g.u.twalk.wname[i] < arenabuf + len);

	memset(&f, 0, sizeof(f));
	f.type = P9_RWALK;
	f.u.rwalk.nwqid = P9_MAXWELEM;
	for (i = 0; i < P9_MAXWELEM; i++) {
		f.u.rwalk.wqid[i].type = (uint8_t)(0x80 >> (i % 8));
		f.u.rwalk.wqid[i].version = UINT32_MAX - (uint32_t)i;
		f.u.rwalk.wqid[i].path = UINT64_MAX - (uint64_t)i;
	}
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_EQ(len, P9_HDRSZ + 2 + P9_MAXWELEM * P9_QIDSZ);
	ATF_REQUIRE_EQ(p9_decode(framebuf, len, &g, arenabuf, len), 0);
	ATF_REQUIRE_EQ(g.u.rwalk.nwqid, P9_MAXWELEM);
	for (i = 0; i < P9_MAXWELEM; i++) {
		ATF_CHECK_EQ(g.u.rwalk.wqid[i].type, f.u.rwalk.wqid[i].type);
		ATF_CHECK_EQ(g.u.rwalk.wqid[i].version,
		    f.u.rwalk.wqid[i].version);
		ATF_CHECK_EQ(g.u.rwalk.wqid[i].path, f.u.rwalk.wqid[i].path);
	}
}

/* The longest string the wire can carry, and one byte more. */
ATF_TC_WITHOUT_HEAD(string_limits);
ATF_TC_BODY(string_limits, tc)
{
	struct p9_fcall	 f, g;
	char		*s;
	size_t		 len;

	s = malloc(UINT16_MAX + 2);
	ATF_REQUIRE(s != NULL);
	memset(s, 'x', UINT16_MAX + 1);
	s[UINT16_MAX] = '\0';
	memset(&f, 0, sizeof(f));
	f.type = P9_RREADLINK;
	f.u.rreadlink.target = s;
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_EQ(len, P9_HDRSZ + 2 + UINT16_MAX);
	ATF_REQUIRE_EQ(decode_exact(framebuf, len, len, &g), 0);

	s[UINT16_MAX] = 'x';
	s[UINT16_MAX + 1] = '\0';
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f), 0);

	/* A NULL string goes out as "". */
	f.u.rreadlink.target = NULL;
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_EQ(len, P9_HDRSZ + 2);
	ATF_REQUIRE_EQ(p9_decode(framebuf, len, &g, arenabuf, len), 0);
	ATF_CHECK_STREQ(g.u.rreadlink.target, "");
	free(s);
}

/*
 * Every prefix of every valid frame is rejected, with the size field
 * patched to the prefix length and left alone.
 */
ATF_TC_WITHOUT_HEAD(truncation_all);
ATF_TC_BODY(truncation_all, tc)
{
	static uint8_t	 copy[FRAMEMAX];
	struct p9_fcall	 f;
	size_t		 i, len, k;
	int		 v, patch, rv;

	init_data();
	for (i = 0; i < NTYPES; i++) {
		for (v = 0; v < NVARIANT; v++) {
			len = encode_sample(alltypes[i], v);
			for (k = len; k-- > 0;) {
				for (patch = 0; patch < 2; patch++) {
					memcpy(copy, framebuf, k);
					if (patch && k >= 4)
						setle32(copy, (uint32_t)k);
					rv = decode_exact(copy, k, k, &f);
					ATF_REQUIRE_MSG(rv == P9_EMALFORMED,
					    "%s/%d truncated to %zu (patch %d)"
					    ": %d", p9_typename(alltypes[i]),
					    v, k, patch, rv);
				}
			}
		}
	}
}

/* A byte after the last field is an error, for every type. */
ATF_TC_WITHOUT_HEAD(trailing_all);
ATF_TC_BODY(trailing_all, tc)
{
	struct p9_fcall	 f;
	size_t		 i, len;
	int		 v, rv;

	init_data();
	for (i = 0; i < NTYPES; i++) {
		for (v = 0; v < NVARIANT; v++) {
			len = encode_sample(alltypes[i], v);
			framebuf[len] = 0;
			setle32(framebuf, (uint32_t)(len + 1));
			rv = decode_exact(framebuf, len + 1, len + 1, &f);
			ATF_CHECK_MSG(rv == P9_EMALFORMED,
			    "%s/%d with a trailing byte: %d",
			    p9_typename(alltypes[i]), v, rv);
			/* Unpatched: size says len, buffer has len + 1. */
			setle32(framebuf, (uint32_t)len);
			rv = decode_exact(framebuf, len + 1, len + 1, &f);
			ATF_CHECK_EQ(rv, P9_EMALFORMED);
			/* And the untouched frame still decodes. */
			ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), 0);
		}
	}
}

ATF_TC_WITHOUT_HEAD(size_mismatch);
ATF_TC_BODY(size_mismatch, tc)
{
	static const uint32_t	 bad[] = { 0, 6, 7, UINT32_MAX };
	struct p9_fcall		 f;
	size_t			 len, i;

	init_data();
	len = encode_sample(P9_TATTACH, 0);
	ATF_REQUIRE_EQ(decode_exact(framebuf, len, len, &f), 0);
	setle32(framebuf, (uint32_t)len + 1);
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	setle32(framebuf, (uint32_t)len - 1);
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setle32(framebuf, bad[i]);
		ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f),
		    P9_EMALFORMED);
	}

	/* Shorter than a header even when the size field agrees. */
	for (len = 0; len < P9_HDRSZ; len++) {
		memset(framebuf, 0, sizeof(framebuf));
		if (len >= 4)
			setle32(framebuf, (uint32_t)len);
		framebuf[4] = P9_RCLUNK;
		ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f),
		    P9_EMALFORMED);
	}
	/* A NULL frame of length 0 is just short. */
	ATF_CHECK_EQ(p9_decode(NULL, 0, &f, NULL, 0), P9_EMALFORMED);
}

ATF_TC_WITHOUT_HEAD(unknown_types);
ATF_TC_BODY(unknown_types, tc)
{
	struct p9_fcall	 f;
	uint8_t		 frame[P9_HDRSZ + 4];
	unsigned int	 t;
	size_t		 i;
	int		 known, rv;

	for (t = 0; t < 256; t++) {
		known = 0;
		for (i = 0; i < NTYPES; i++)
			if (alltypes[i] == t)
				known = 1;
		setle32(frame, P9_HDRSZ);
		frame[4] = (uint8_t)t;
		setle16(frame + 5, 0xbeef);
		rv = decode_exact(frame, P9_HDRSZ, P9_HDRSZ, &f);
		if (known) {
			ATF_CHECK_MSG(rv != P9_EUNKNOWN, "type %u unknown", t);
			continue;
		}
		ATF_CHECK_MSG(rv == P9_EUNKNOWN, "type %u: %d", t, rv);
		/* The caller needs the tag to answer with Rlerror. */
		ATF_CHECK_EQ(f.type, t);
		ATF_CHECK_EQ(f.tag, 0xbeef);
		ATF_CHECK_STREQ(p9_typename((uint8_t)t),
		    t == P9_TLERROR ? "Tlerror" : "unknown");
	}

	/* 9P2000 Topen/Tstat/Terror, with a body the decoder ignores. */
	setle32(frame, sizeof(frame));
	memset(frame + P9_HDRSZ, 0xff, 4);
	frame[4] = 112;
	ATF_CHECK_EQ(decode_exact(frame, sizeof(frame), sizeof(frame), &f),
	    P9_EUNKNOWN);
	frame[4] = 124;
	ATF_CHECK_EQ(decode_exact(frame, sizeof(frame), sizeof(frame), &f),
	    P9_EUNKNOWN);
	frame[4] = 106;
	ATF_CHECK_EQ(decode_exact(frame, sizeof(frame), sizeof(frame), &f),
	    P9_EUNKNOWN);
	/* But a bad size is malformed whatever the type. */
	setle32(frame, sizeof(frame) + 1);
	ATF_CHECK_EQ(decode_exact(frame, sizeof(frame), sizeof(frame), &f),
	    P9_EMALFORMED);
}

/* Build a walk by hand: size, Twalk, tag, fid, newfid, n names "a". */
static size_t
build_walk(uint8_t *buf, uint16_t n)
{
	struct p9_wbuf	 wb;
	uint16_t	 i;

	p9_winit(&wb, buf, FRAMEMAX);
	p9_put32(&wb, 0);
	p9_put8(&wb, P9_TWALK);
	p9_put16(&wb, 1);
	p9_put32(&wb, 10);
	p9_put32(&wb, 11);
	p9_put16(&wb, n);
	for (i = 0; i < n; i++)
		p9_putstr(&wb, "a");
	p9_poke32(&wb, 0, (uint32_t)wb.wb_len);
	ATF_REQUIRE(!wb.wb_err);
	return wb.wb_len;
}

static size_t
build_rwalk(uint8_t *buf, uint16_t n)
{
	struct p9_wbuf	 wb;
	struct p9_qid	 q = { P9_QTDIR, 1, 2 };
	uint16_t	 i;

	p9_winit(&wb, buf, FRAMEMAX);
	p9_put32(&wb, 0);
	p9_put8(&wb, P9_RWALK);
	p9_put16(&wb, 1);
	p9_put16(&wb, n);
	for (i = 0; i < n; i++)
		p9_putqid(&wb, &q);
	p9_poke32(&wb, 0, (uint32_t)wb.wb_len);
	ATF_REQUIRE(!wb.wb_err);
	return wb.wb_len;
}

ATF_TC_WITHOUT_HEAD(walk_limits);
ATF_TC_BODY(walk_limits, tc)
{
	struct p9_fcall	 f;
	size_t		 len;

	len = build_walk(framebuf, 16);
	ATF_REQUIRE_EQ(decode_exact(framebuf, len, len, &f), 0);
	ATF_CHECK_EQ(f.u.twalk.nwname, 16);
	ATF_CHECK_STREQ(f.u.twalk.wname[15], "a");
	len = build_walk(framebuf, 17);
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	len = build_walk(framebuf, UINT16_MAX);
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);

	len = build_rwalk(framebuf, 16);
	ATF_REQUIRE_EQ(decode_exact(framebuf, len, len, &f), 0);
	ATF_CHECK_EQ(f.u.rwalk.nwqid, 16);
	len = build_rwalk(framebuf, 17);
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);

	/* nwname says 2, one name present. */
	len = build_walk(framebuf, 1);
	setle16(framebuf + 15, 2);
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);

	/* The encoder refuses too. */
	memset(&f, 0, sizeof(f));
	f.type = P9_TWALK;
	f.u.twalk.nwname = 17;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f), 0);
	f.type = P9_RWALK;
	f.u.rwalk.nwqid = 17;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f), 0);
	f.u.rwalk.nwqid = 16;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f),
	    P9_HDRSZ + 2 + 16 * P9_QIDSZ);
}

/* Tversion carries one string right after msize: easy to corrupt. */
ATF_TC_WITHOUT_HEAD(bad_strings);
ATF_TC_BODY(bad_strings, tc)
{
	struct p9_fcall	 f;
	size_t		 len, off;

	init_data();
	len = encode_sample(P9_TVERSION, 0);
	off = P9_HDRSZ + 4;
	ATF_REQUIRE_EQ(framebuf[off], strlen(P9_VERSION));
	ATF_REQUIRE_EQ(decode_exact(framebuf, len, len, &f), 0);
	ATF_CHECK_STREQ(f.u.version.version, P9_VERSION);

	/* Length one past the end of the frame, and far past. */
	setle16(framebuf + off, (uint16_t)(strlen(P9_VERSION) + 1));
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	setle16(framebuf + off, UINT16_MAX);
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	/* One short leaves a trailing byte. */
	setle16(framebuf + off, (uint16_t)(strlen(P9_VERSION) - 1));
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	setle16(framebuf + off, (uint16_t)strlen(P9_VERSION));

	/* NUL at the start, middle and end of the string. */
	framebuf[off + 2] = '\0';
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	framebuf[off + 2] = '9';
	framebuf[off + 5] = '\0';
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	framebuf[off + 5] = '0';
	framebuf[len - 1] = '\0';
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);
	framebuf[len - 1] = 'L';
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), 0);

	/* A NUL in a walk name, the last of three. */
	len = encode_sample(P9_TWALK, 0);
	framebuf[len - 1] = '\0';
	ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), P9_EMALFORMED);

	/* An arena too small for the strings is refused, not overrun. */
	len = encode_sample(P9_TATTACH, 0);
	ATF_CHECK_EQ(decode_exact(framebuf, len, 5, &f), P9_EMALFORMED);
	ATF_CHECK_EQ(decode_exact(framebuf, len, 0, &f), P9_EMALFORMED);
	ATF_CHECK_EQ(decode_exact(framebuf, len,
	    strlen("bob") + 1 + strlen("home") + 1, &f), 0);
	ATF_CHECK_EQ(decode_exact(framebuf, len,
	    strlen("bob") + 1 + strlen("home"), &f), P9_EMALFORMED);
}

/* Twrite, Rread and Rreaddir: count must equal the bytes present. */
ATF_TC_WITHOUT_HEAD(data_counts);
ATF_TC_BODY(data_counts, tc)
{
	static const uint8_t	 types[] = { P9_TWRITE, P9_RREAD,
	    P9_RREADDIR };
	struct p9_fcall		 f;
	size_t			 i, len, off;
	uint32_t		 count;

	init_data();
	for (i = 0; i < sizeof(types); i++) {
		len = encode_sample(types[i], 0);
		off = types[i] == P9_TWRITE ? P9_HDRSZ + 12 : P9_HDRSZ;
		count = le32(framebuf + off);
		ATF_REQUIRE_EQ(count, 100);
		ATF_REQUIRE_EQ(len, off + 4 + count);
		ATF_REQUIRE_EQ(p9_decode(framebuf, len, &f, arenabuf, len),
		    0);
		/* The data points into the frame, just after count. */
		if (types[i] == P9_TWRITE)
			ATF_CHECK(f.u.twrite.data == framebuf + off + 4);
		else
			ATF_CHECK(f.u.rread.data == framebuf + off + 4);

		setle32(framebuf + off, count + 1);
		ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f),
		    P9_EMALFORMED);
		setle32(framebuf + off, count - 1);
		ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f),
		    P9_EMALFORMED);
		setle32(framebuf + off, 0);
		ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f),
		    P9_EMALFORMED);
		setle32(framebuf + off, UINT32_MAX);
		ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f),
		    P9_EMALFORMED);
		setle32(framebuf + off, count);
		ATF_CHECK_EQ(decode_exact(framebuf, len, len, &f), 0);
	}

	/* Count without data cannot be encoded. */
	memset(&f, 0, sizeof(f));
	f.type = P9_TWRITE;
	f.u.twrite.count = 1;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f), 0);
	f.u.twrite.count = 0;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f),
	    P9_HDRSZ + 16);
}

/* Every capacity short of the frame fails; the exact one works. */
ATF_TC_WITHOUT_HEAD(encode_small_buffer);
ATF_TC_BODY(encode_small_buffer, tc)
{
	struct p9_fcall	 f;
	uint8_t		*buf;
	size_t		 i, len, cap;
	int		 v;

	init_data();
	for (i = 0; i < NTYPES; i++) {
		for (v = 0; v < NVARIANT; v++) {
			len = encode_sample(alltypes[i], v);
			fill(&f, alltypes[i], v);
			for (cap = 0; cap <= len; cap++) {
				buf = malloc(cap > 0 ? cap : 1);
				ATF_REQUIRE(buf != NULL);
				ATF_REQUIRE_EQ_MSG(p9_encode(buf, cap, &f),
				    cap == len ? len : 0, "%s/%d cap %zu",
				    p9_typename(alltypes[i]), v, cap);
				if (cap == len)
					ATF_CHECK(memcmp(buf, framebuf,
					    len) == 0);
				free(buf);
			}
		}
	}
	fill(&f, P9_RCLUNK, 0);
	ATF_CHECK_EQ(p9_encode(NULL, 0, &f), 0);
}

ATF_TC_WITHOUT_HEAD(encode_invalid);
ATF_TC_BODY(encode_invalid, tc)
{
	struct p9_fcall	 f;

	memset(&f, 0, sizeof(f));
	f.type = 112;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f), 0);
	f.type = P9_TLERROR;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f), 0);
	f.type = 255;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f), 0);
	f.type = P9_RLERROR;
	ATF_CHECK_EQ(p9_encode(framebuf, sizeof(framebuf), &f),
	    P9_HDRSZ + 4);
}

/*
 * Hand-built frames in the layout of the Linux client, so that encoder
 * and decoder cannot share a wrong field order.
 */
static void
golden(const struct p9_fcall *f, const uint8_t *want, size_t wantlen)
{
	struct p9_fcall	 g;
	size_t		 len, i;

	len = p9_encode(framebuf, sizeof(framebuf), f);
	ATF_REQUIRE_EQ_MSG(len, wantlen, "%s", p9_typename(f->type));
	for (i = 0; i < len; i++)
		ATF_CHECK_MSG(framebuf[i] == want[i], "%s: byte %zu is %#x, "
		    "want %#x", p9_typename(f->type), i, framebuf[i],
		    want[i]);
	ATF_CHECK_EQ(decode_exact(want, wantlen, wantlen, &g), 0);
}

ATF_TC_WITHOUT_HEAD(golden_frames);
ATF_TC_BODY(golden_frames, tc)
{
	static const uint8_t	 tversion[] = {
		21, 0, 0, 0, 100, 0xff, 0xff,
		0x18, 0x00, 0x08, 0x00,
		8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L'
	};
	static const uint8_t	 twalk[] = {
		24, 0, 0, 0, 110, 1, 0,
		1, 0, 0, 0, 2, 0, 0, 0,
		2, 0, 1, 0, 'a', 2, 0, 'b', 'c'
	};
	static const uint8_t	 tlcreate[] = {
		26, 0, 0, 0, 14, 3, 0,
		5, 0, 0, 0, 1, 0, 'n',
		0x41, 0, 0, 0, 0xa4, 1, 0, 0, 0xe8, 3, 0, 0
	};
	static const uint8_t	 tlock[] = {
		40, 0, 0, 0, 52, 4, 0,
		6, 0, 0, 0, 1, 1, 0, 0, 0,
		1, 2, 3, 4, 5, 6, 7, 8,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x39, 0x30, 0, 0, 2, 0, 'i', 'd'
	};
	static const uint8_t	 rgetlock[] = {
		31, 0, 0, 0, 55, 4, 0,
		2, 0, 0, 0, 0, 0, 0, 0, 0,
		10, 0, 0, 0, 0, 0, 0, 0,
		7, 0, 0, 0, 1, 0, 'c'
	};
	static const uint8_t	 twrite[] = {
		26, 0, 0, 0, 118, 5, 0,
		9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80,
		3, 0, 0, 0, 'x', 'y', 'z'
	};
	static const uint8_t	 rlcreate[] = {
		24, 0, 0, 0, 15, 6, 0,
		0x80, 4, 3, 2, 1, 8, 7, 6, 5, 4, 3, 2, 1,
		0, 0x10, 0, 0
	};
	static const uint8_t	 trenameat[] = {
		21, 0, 0, 0, 74, 7, 0,
		1, 0, 0, 0, 1, 0, 'o', 2, 0, 0, 0, 1, 0, 'n'
	};
	static const uint8_t	 tunlinkat[] = {
		18, 0, 0, 0, 76, 8, 0,
		1, 0, 0, 0, 1, 0, 'x', 0, 2, 0, 0
	};
	static const uint8_t	 txattrcreate[] = {
		26, 0, 0, 0, 32, 9, 0,
		1, 0, 0, 0, 1, 0, 'k',
		0x10, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0
	};
	static const uint8_t	 tmknod[] = {
		30, 0, 0, 0, 18, 10, 0,
		1, 0, 0, 0, 1, 0, 'd',
		0x80, 0x21, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0
	};
	static const uint8_t	 tauth[] = {
		20, 0, 0, 0, 102, 11, 0,
		0xff, 0xff, 0xff, 0xff, 1, 0, 'u', 0, 0,
		0xe8, 3, 0, 0
	};
	static const uint8_t	 rflush[] = { 7, 0, 0, 0, 109, 12, 0 };
	struct p9_fcall		 f;

	memset(&f, 0, sizeof(f));
	f.type = P9_TVERSION;
	f.tag = P9_NOTAG;
	f.u.version.msize = 0x80018;
	f.u.version.version = P9_VERSION;
	golden(&f, tversion, sizeof(tversion));

	memset(&f, 0, sizeof(f));
	f.type = P9_TWALK;
	f.tag = 1;
	f.u.twalk.fid = 1;
	f.u.twalk.newfid = 2;
	f.u.twalk.nwname = 2;
	f.u.twalk.wname[0] = "a";
	f.u.twalk.wname[1] = "bc";
	golden(&f, twalk, sizeof(twalk));

	memset(&f, 0, sizeof(f));
	f.type = P9_TLCREATE;
	f.tag = 3;
	f.u.tlcreate.fid = 5;
	f.u.tlcreate.name = "n";
	f.u.tlcreate.flags = P9_L_O_CREAT | P9_L_O_WRONLY;
	f.u.tlcreate.mode = 0644;
	f.u.tlcreate.gid = 1000;
	golden(&f, tlcreate, sizeof(tlcreate));

	memset(&f, 0, sizeof(f));
	f.type = P9_TLOCK;
	f.tag = 4;
	f.u.tlock.fid = 6;
	f.u.tlock.type = P9_LOCK_TYPE_WRLCK;
	f.u.tlock.flags = P9_LOCK_FLAGS_BLOCK;
	f.u.tlock.start = 0x0807060504030201ULL;
	f.u.tlock.length = UINT64_MAX;
	f.u.tlock.proc_id = 12345;
	f.u.tlock.client_id = "id";
	golden(&f, tlock, sizeof(tlock));

	memset(&f, 0, sizeof(f));
	f.type = P9_RGETLOCK;
	f.tag = 4;
	f.u.getlock.type = P9_LOCK_TYPE_UNLCK;
	f.u.getlock.start = 0;
	f.u.getlock.length = 10;
	f.u.getlock.proc_id = 7;
	f.u.getlock.client_id = "c";
	golden(&f, rgetlock, sizeof(rgetlock));

	memset(&f, 0, sizeof(f));
	f.type = P9_TWRITE;
	f.tag = 5;
	f.u.twrite.fid = 9;
	f.u.twrite.offset = 0x8000000000000000ULL;
	f.u.twrite.count = 3;
	f.u.twrite.data = (const uint8_t *)"xyz";
	golden(&f, twrite, sizeof(twrite));

	memset(&f, 0, sizeof(f));
	f.type = P9_RLCREATE;
	f.tag = 6;
	f.u.rlopen.qid.type = P9_QTDIR;
	f.u.rlopen.qid.version = 0x01020304;
	f.u.rlopen.qid.path = 0x0102030405060708ULL;
	f.u.rlopen.iounit = 0x1000;
	golden(&f, rlcreate, sizeof(rlcreate));

	memset(&f, 0, sizeof(f));
	f.type = P9_TRENAMEAT;
	f.tag = 7;
	f.u.trenameat.olddirfid = 1;
	f.u.trenameat.oldname = "o";
	f.u.trenameat.newdirfid = 2;
	f.u.trenameat.newname = "n";
	golden(&f, trenameat, sizeof(trenameat));

	memset(&f, 0, sizeof(f));
	f.type = P9_TUNLINKAT;
	f.tag = 8;
	f.u.tunlinkat.dirfid = 1;
	f.u.tunlinkat.name = "x";
	f.u.tunlinkat.flags = P9_L_AT_REMOVEDIR;
	golden(&f, tunlinkat, sizeof(tunlinkat));

	memset(&f, 0, sizeof(f));
	f.type = P9_TXATTRCREATE;
	f.tag = 9;
	f.u.txattrcreate.fid = 1;
	f.u.txattrcreate.name = "k";
	f.u.txattrcreate.attr_size = 16;
	f.u.txattrcreate.flags = P9_XATTR_REPLACE;
	golden(&f, txattrcreate, sizeof(txattrcreate));

	memset(&f, 0, sizeof(f));
	f.type = P9_TMKNOD;
	f.tag = 10;
	f.u.tmknod.dfid = 1;
	f.u.tmknod.name = "d";
	f.u.tmknod.mode = P9_L_S_IFCHR | 0600;
	f.u.tmknod.major = 5;
	f.u.tmknod.minor = 6;
	f.u.tmknod.gid = 7;
	golden(&f, tmknod, sizeof(tmknod));

	memset(&f, 0, sizeof(f));
	f.type = P9_TAUTH;
	f.tag = 11;
	f.u.tauth.afid = P9_NOFID;
	f.u.tauth.uname = "u";
	f.u.tauth.aname = "";
	f.u.tauth.n_uname = 1000;
	golden(&f, tauth, sizeof(tauth));

	memset(&f, 0, sizeof(f));
	f.type = P9_RFLUSH;
	f.tag = 12;
	golden(&f, rflush, sizeof(rflush));
}

/*
 * Fixed-size bodies from the protocol sheet, with every field set to its
 * ordinal so that a swapped pair of fields shows.
 */
ATF_TC_WITHOUT_HEAD(golden_fixed_layouts);
ATF_TC_BODY(golden_fixed_layouts, tc)
{
	struct p9_fcall	 f;
	size_t		 len;
	const uint8_t	*b;

	memset(&f, 0, sizeof(f));
	f.type = P9_RGETATTR;
	f.u.rgetattr.valid = 1;
	f.u.rgetattr.qid.type = 2;
	f.u.rgetattr.qid.version = 3;
	f.u.rgetattr.qid.path = 4;
	f.u.rgetattr.mode = 5;
	f.u.rgetattr.uid = 6;
	f.u.rgetattr.gid = 7;
	f.u.rgetattr.nlink = 8;
	f.u.rgetattr.rdev = 9;
	f.u.rgetattr.size = 10;
	f.u.rgetattr.blksize = 11;
	f.u.rgetattr.blocks = 12;
	f.u.rgetattr.atime_sec = 13;
	f.u.rgetattr.atime_nsec = 14;
	f.u.rgetattr.mtime_sec = 15;
	f.u.rgetattr.mtime_nsec = 16;
	f.u.rgetattr.ctime_sec = 17;
	f.u.rgetattr.ctime_nsec = 18;
	f.u.rgetattr.btime_sec = 19;
	f.u.rgetattr.btime_nsec = 20;
	f.u.rgetattr.gen = 21;
	f.u.rgetattr.data_version = 22;
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_EQ(len, P9_HDRSZ + 8 + 13 + 3 * 4 + 15 * 8);
	b = framebuf + P9_HDRSZ;
	ATF_CHECK_EQ(le32(b), 1);
	ATF_CHECK_EQ(b[8], 2);
	ATF_CHECK_EQ(le32(b + 9), 3);
	ATF_CHECK_EQ(le32(b + 13), 4);
	ATF_CHECK_EQ(le32(b + 21), 5);
	ATF_CHECK_EQ(le32(b + 25), 6);
	ATF_CHECK_EQ(le32(b + 29), 7);
	for (len = 0; len < 15; len++) {
		ATF_CHECK_EQ(le32(b + 33 + 8 * len), 8 + len);
		ATF_CHECK_EQ(le32(b + 37 + 8 * len), 0);
	}

	memset(&f, 0, sizeof(f));
	f.type = P9_RSTATFS;
	f.u.rstatfs.type = 1;
	f.u.rstatfs.bsize = 2;
	f.u.rstatfs.blocks = 3;
	f.u.rstatfs.bfree = 4;
	f.u.rstatfs.bavail = 5;
	f.u.rstatfs.files = 6;
	f.u.rstatfs.ffree = 7;
	f.u.rstatfs.fsid = 8;
	f.u.rstatfs.namelen = 9;
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_EQ(len, P9_HDRSZ + 60);
	b = framebuf + P9_HDRSZ;
	ATF_CHECK_EQ(le32(b), 1);
	ATF_CHECK_EQ(le32(b + 4), 2);
	for (len = 0; len < 6; len++)
		ATF_CHECK_EQ(le32(b + 8 + 8 * len), 3 + len);
	ATF_CHECK_EQ(le32(b + 56), 9);

	memset(&f, 0, sizeof(f));
	f.type = P9_TSETATTR;
	f.u.tsetattr.fid = 1;
	f.u.tsetattr.valid = 2;
	f.u.tsetattr.mode = 3;
	f.u.tsetattr.uid = 4;
	f.u.tsetattr.gid = 5;
	f.u.tsetattr.size = 6;
	f.u.tsetattr.atime_sec = 7;
	f.u.tsetattr.atime_nsec = 8;
	f.u.tsetattr.mtime_sec = 9;
	f.u.tsetattr.mtime_nsec = 10;
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_EQ(len, P9_HDRSZ + 60);
	b = framebuf + P9_HDRSZ;
	for (len = 0; len < 5; len++)
		ATF_CHECK_EQ(le32(b + 4 * len), 1 + len);
	for (len = 0; len < 5; len++)
		ATF_CHECK_EQ(le32(b + 20 + 8 * len), 6 + len);

	memset(&f, 0, sizeof(f));
	f.type = P9_TREADDIR;
	f.u.treaddir.fid = 1;
	f.u.treaddir.offset = 2;
	f.u.treaddir.count = 3;
	len = p9_encode(framebuf, sizeof(framebuf), &f);
	ATF_REQUIRE_EQ(len, P9_HDRSZ + 16);
	b = framebuf + P9_HDRSZ;
	ATF_CHECK_EQ(le32(b), 1);
	ATF_CHECK_EQ(le32(b + 4), 2);
	ATF_CHECK_EQ(le32(b + 12), 3);
}

ATF_TC_WITHOUT_HEAD(typenames);
ATF_TC_BODY(typenames, tc)
{
	size_t		 i, j;
	const char	*n;

	ATF_CHECK_STREQ(p9_typename(P9_TVERSION), "Tversion");
	ATF_CHECK_STREQ(p9_typename(P9_RLERROR), "Rlerror");
	ATF_CHECK_STREQ(p9_typename(P9_RLCREATE), "Rlcreate");
	ATF_CHECK_STREQ(p9_typename(P9_TUNLINKAT), "Tunlinkat");
	ATF_CHECK_STREQ(p9_typename(P9_RREMOVE), "Rremove");
	ATF_CHECK_STREQ(p9_typename(0), "unknown");
	ATF_CHECK_STREQ(p9_typename(112), "unknown");
	ATF_CHECK_STREQ(p9_typename(255), "unknown");
	/* T for odd-numbered-minus-one, R for the reply, all distinct. */
	for (i = 0; i < NTYPES; i++) {
		n = p9_typename(alltypes[i]);
		ATF_CHECK_MSG(n[0] == ((alltypes[i] & 1) ? 'R' : 'T'),
		    "type %u is %s", alltypes[i], n);
		for (j = 0; j < i; j++)
			ATF_CHECK(strcmp(n, p9_typename(alltypes[j])) != 0);
	}
}

/* Fill a buffer with entries until one does not fit; read them back. */
ATF_TC_WITHOUT_HEAD(dirent_fill);
ATF_TC_BODY(dirent_fill, tc)
{
	uint8_t		 buf[200];
	char		 name[64], want[64];
	struct p9_wbuf	 wb;
	struct p9_rbuf	 rb;
	struct p9_qid	 q, gq;
	uint64_t	 off;
	uint8_t		 type;
	size_t		 n, before;
	int		 i, count;

	p9_winit(&wb, buf, sizeof(buf));
	for (count = 0;; count++) {
		snprintf(name, sizeof(name), "entry-%d", count);
		q.type = count % 2 ? P9_QTDIR : P9_QTFILE;
		q.version = (uint32_t)count;
		q.path = UINT64_MAX - (uint64_t)count;
		before = wb.wb_len;
		n = p9_dirent_put(&wb, &q, (uint64_t)count + 1,
		    P9_L_DT_REG, name);
		if (n == 0) {
			/* Untouched, error clear, so the reply can go. */
			ATF_CHECK_EQ(wb.wb_len, before);
			ATF_CHECK_EQ(wb.wb_err, 0);
			ATF_CHECK(sizeof(buf) - before <
			    P9_QIDSZ + 8 + 1 + 2 + strlen(name));
			break;
		}
		ATF_CHECK_EQ(n, P9_QIDSZ + 8 + 1 + 2 + strlen(name));
		ATF_CHECK_EQ(wb.wb_len, before + n);
	}
	ATF_REQUIRE(count > 1);

	p9_rinit(&rb, buf, wb.wb_len);
	for (i = 0; i < count; i++) {
		ATF_REQUIRE_EQ(p9_dirent_get(&rb, &gq, &off, &type, name,
		    sizeof(name)), 0);
		snprintf(want, sizeof(want), "entry-%d", i);
		ATF_CHECK_STREQ(name, want);
		ATF_CHECK_EQ(gq.type, i % 2 ? P9_QTDIR : P9_QTFILE);
		ATF_CHECK_EQ(gq.version, (uint32_t)i);
		ATF_CHECK_EQ(gq.path, UINT64_MAX - (uint64_t)i);
		ATF_CHECK_EQ(off, (uint64_t)i + 1);
		ATF_CHECK_EQ(type, P9_L_DT_REG);
	}
	ATF_CHECK_EQ(p9_remain(&rb), 0);
	ATF_CHECK_EQ(p9_dirent_get(&rb, &gq, &off, &type, name,
	    sizeof(name)), -1);
}

/* An entry that fits exactly is taken; one byte less is refused. */
ATF_TC_WITHOUT_HEAD(dirent_exact_fit);
ATF_TC_BODY(dirent_exact_fit, tc)
{
	uint8_t		 buf[64];
	struct p9_wbuf	 wb;
	struct p9_qid	 q = { P9_QTFILE, 1, 2 };
	size_t		 need = P9_QIDSZ + 8 + 1 + 2 + 3;

	p9_winit(&wb, buf, need);
	ATF_CHECK_EQ(p9_dirent_put(&wb, &q, 5, P9_L_DT_DIR, "abc"), need);
	ATF_CHECK_EQ(wb.wb_len, need);
	ATF_CHECK_EQ(p9_dirent_put(&wb, &q, 5, P9_L_DT_DIR, ""), 0);
	ATF_CHECK_EQ(wb.wb_err, 0);

	p9_winit(&wb, buf, need - 1);
	ATF_CHECK_EQ(p9_dirent_put(&wb, &q, 5, P9_L_DT_DIR, "abc"), 0);
	ATF_CHECK_EQ(wb.wb_len, 0);
	ATF_CHECK_EQ(wb.wb_err, 0);

	/* A writer already in error takes nothing. */
	p9_winit(&wb, buf, sizeof(buf));
	wb.wb_err = 1;
	ATF_CHECK_EQ(p9_dirent_put(&wb, &q, 5, P9_L_DT_DIR, "abc"), 0);
	ATF_CHECK_EQ(wb.wb_len, 0);
}

ATF_TC_WITHOUT_HEAD(dirent_bad);
ATF_TC_BODY(dirent_bad, tc)
{
	uint8_t		 buf[64], *copy;
	char		 name[8];
	struct p9_wbuf	 wb;
	struct p9_rbuf	 rb;
	struct p9_qid	 q = { P9_QTFILE, 1, 2 };
	uint64_t	 off;
	uint8_t		 type;
	size_t		 len, k;
	char		*huge;

	p9_winit(&wb, buf, sizeof(buf));
	len = p9_dirent_put(&wb, &q, 5, P9_L_DT_DIR, "abcdefg");
	ATF_REQUIRE(len > 0);

	/* Name exactly fits namelen with its NUL; one less does not. */
	p9_rinit(&rb, buf, len);
	ATF_CHECK_EQ(p9_dirent_get(&rb, &q, &off, &type, name, 8), 0);
	ATF_CHECK_STREQ(name, "abcdefg");
	p9_rinit(&rb, buf, len);
	ATF_CHECK_EQ(p9_dirent_get(&rb, &q, &off, &type, name, 7), -1);
	/* The failure sticks so that a reader's loop ends. */
	ATF_CHECK(rb.rb_err);

	/* Every truncation, from an exactly-sized copy. */
	for (k = 0; k < len; k++) {
		copy = malloc(k > 0 ? k : 1);
		ATF_REQUIRE(copy != NULL);
		memcpy(copy, buf, k);
		p9_rinit(&rb, copy, k);
		ATF_CHECK_MSG(p9_dirent_get(&rb, &q, &off, &type, name,
		    sizeof(name)) == -1, "truncated to %zu", k);
		free(copy);
	}

	/* A NUL in the name. */
	buf[len - 3] = '\0';
	p9_rinit(&rb, buf, len);
	ATF_CHECK_EQ(p9_dirent_get(&rb, &q, &off, &type, name,
	    sizeof(name)), -1);

	/* A name the wire cannot carry is refused without writing. */
	huge = malloc(UINT16_MAX + 2);
	ATF_REQUIRE(huge != NULL);
	memset(huge, 'h', UINT16_MAX + 1);
	huge[UINT16_MAX + 1] = '\0';
	p9_winit(&wb, framebuf, sizeof(framebuf));
	ATF_CHECK_EQ(p9_dirent_put(&wb, &q, 1, 0, huge), 0);
	ATF_CHECK_EQ(wb.wb_len, 0);
	huge[UINT16_MAX] = '\0';
	ATF_CHECK_EQ(p9_dirent_put(&wb, &q, 1, 0, huge),
	    P9_QIDSZ + 8 + 1 + 2 + UINT16_MAX);
	free(huge);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, roundtrip_all);
	ATF_TP_ADD_TC(tp, roundtrip_exact_buffers);
	ATF_TP_ADD_TC(tp, decode_zeroes);
	ATF_TP_ADD_TC(tp, roundtrip_walk16);
	ATF_TP_ADD_TC(tp, string_limits);
	ATF_TP_ADD_TC(tp, truncation_all);
	ATF_TP_ADD_TC(tp, trailing_all);
	ATF_TP_ADD_TC(tp, size_mismatch);
	ATF_TP_ADD_TC(tp, unknown_types);
	ATF_TP_ADD_TC(tp, walk_limits);
	ATF_TP_ADD_TC(tp, bad_strings);
	ATF_TP_ADD_TC(tp, data_counts);
	ATF_TP_ADD_TC(tp, encode_small_buffer);
	ATF_TP_ADD_TC(tp, encode_invalid);
	ATF_TP_ADD_TC(tp, golden_frames);
	ATF_TP_ADD_TC(tp, golden_fixed_layouts);
	ATF_TP_ADD_TC(tp, typenames);
	ATF_TP_ADD_TC(tp, dirent_fill);
	ATF_TP_ADD_TC(tp, dirent_exact_fit);
	ATF_TP_ADD_TC(tp, dirent_bad);
	return atf_no_error();
}
