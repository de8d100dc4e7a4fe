/*
 * 9P2000.L message codec: one table says, for every message type, which
 * fields its body has and where they live in struct p9_fcall; decode and
 * encode both walk that table, so the two directions cannot disagree
 * about a layout.
 *
 * Pure: no I/O, no allocation.  Decoding trusts nothing in the frame:
 * every read goes through the bounds-checked p9_rbuf getters, counts are
 * checked against the bytes actually present, and a frame must be
 * consumed exactly.
 */
#include <stddef.h>
#include <string.h>

#include "p9.h"

enum p9msg_kind {
	P9MSG_END,
	P9MSG_U8,
	P9MSG_U16,
	P9MSG_U32,
	P9MSG_U64,
	P9MSG_STR,
	P9MSG_QID,
	P9MSG_DATA,	/* count[4] then count bytes; the body's last field */
	P9MSG_WNAMES,	/* nwname[2] then nwname strings */
	P9MSG_WQIDS	/* nwqid[2] then nwqid qids */
};

/*
 * One body field.  f_off is the member's offset in struct p9_fcall; for
 * the compound kinds f_off is the count and f_off2 the array or pointer.
 */
struct p9msg_field {
	enum p9msg_kind	 f_kind;
	size_t		 f_off;
	size_t		 f_off2;
};

struct p9msg_desc {
	const char			*d_name;
	const struct p9msg_field	*d_fields;	/* NULL: not codable */
};

#define U(m)	offsetof(struct p9_fcall, u.m)

static const struct p9msg_field p9msg_empty[] = {
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rlerror[] = {
	{ P9MSG_U32, U(rlerror.ecode), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_version[] = {
	{ P9MSG_U32, U(version.msize), 0 },
	{ P9MSG_STR, U(version.version), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tauth[] = {
	{ P9MSG_U32, U(tauth.afid), 0 },
	{ P9MSG_STR, U(tauth.uname), 0 },
	{ P9MSG_STR, U(tauth.aname), 0 },
	{ P9MSG_U32, U(tauth.n_uname), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rauth[] = {
	{ P9MSG_QID, U(rauth.aqid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tattach[] = {
	{ P9MSG_U32, U(tattach.fid), 0 },
	{ P9MSG_U32, U(tattach.afid), 0 },
	{ P9MSG_STR, U(tattach.uname), 0 },
	{ P9MSG_STR, U(tattach.aname), 0 },
	{ P9MSG_U32, U(tattach.n_uname), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rattach[] = {
	{ P9MSG_QID, U(rattach.qid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tflush[] = {
	{ P9MSG_U16, U(tflush.oldtag), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_twalk[] = {
	{ P9MSG_U32, U(twalk.fid), 0 },
	{ P9MSG_U32, U(twalk.newfid), 0 },
	{ P9MSG_WNAMES, U(twalk.nwname), U(twalk.wname) },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rwalk[] = {
	{ P9MSG_WQIDS, U(rwalk.nwqid), U(rwalk.wqid) },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tread[] = {
	{ P9MSG_U32, U(tread.fid), 0 },
	{ P9MSG_U64, U(tread.offset), 0 },
	{ P9MSG_U32, U(tread.count), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rread[] = {
	{ P9MSG_DATA, U(rread.count), U(rread.data) },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_twrite[] = {
	{ P9MSG_U32, U(twrite.fid), 0 },
	{ P9MSG_U64, U(twrite.offset), 0 },
	{ P9MSG_DATA, U(twrite.count), U(twrite.data) },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rwrite[] = {
	{ P9MSG_U32, U(rwrite.count), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tclunk[] = {
	{ P9MSG_U32, U(tclunk.fid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tremove[] = {
	{ P9MSG_U32, U(tremove.fid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tstatfs[] = {
	{ P9MSG_U32, U(tstatfs.fid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rstatfs[] = {
	{ P9MSG_U32, U(rstatfs.type), 0 },
	{ P9MSG_U32, U(rstatfs.bsize), 0 },
	{ P9MSG_U64, U(rstatfs.blocks), 0 },
	{ P9MSG_U64, U(rstatfs.bfree), 0 },
	{ P9MSG_U64, U(rstatfs.bavail), 0 },
	{ P9MSG_U64, U(rstatfs.files), 0 },
	{ P9MSG_U64, U(rstatfs.ffree), 0 },
	{ P9MSG_U64, U(rstatfs.fsid), 0 },
	{ P9MSG_U32, U(rstatfs.namelen), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tlopen[] = {
	{ P9MSG_U32, U(tlopen.fid), 0 },
	{ P9MSG_U32, U(tlopen.flags), 0 },
	{ P9MSG_END, 0, 0 }
};

/* Rlopen and Rlcreate */
static const struct p9msg_field p9msg_rlopen[] = {
	{ P9MSG_QID, U(rlopen.qid), 0 },
	{ P9MSG_U32, U(rlopen.iounit), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tlcreate[] = {
	{ P9MSG_U32, U(tlcreate.fid), 0 },
	{ P9MSG_STR, U(tlcreate.name), 0 },
	{ P9MSG_U32, U(tlcreate.flags), 0 },
	{ P9MSG_U32, U(tlcreate.mode), 0 },
	{ P9MSG_U32, U(tlcreate.gid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tsymlink[] = {
	{ P9MSG_U32, U(tsymlink.dfid), 0 },
	{ P9MSG_STR, U(tsymlink.name), 0 },
	{ P9MSG_STR, U(tsymlink.symtgt), 0 },
	{ P9MSG_U32, U(tsymlink.gid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tmknod[] = {
	{ P9MSG_U32, U(tmknod.dfid), 0 },
	{ P9MSG_STR, U(tmknod.name), 0 },
	{ P9MSG_U32, U(tmknod.mode), 0 },
	{ P9MSG_U32, U(tmknod.major), 0 },
	{ P9MSG_U32, U(tmknod.minor), 0 },
	{ P9MSG_U32, U(tmknod.gid), 0 },
	{ P9MSG_END, 0, 0 }
};

/* Rsymlink, Rmknod and Rmkdir */
static const struct p9msg_field p9msg_rqid[] = {
	{ P9MSG_QID, U(rqid.qid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_trename[] = {
	{ P9MSG_U32, U(trename.fid), 0 },
	{ P9MSG_U32, U(trename.dfid), 0 },
	{ P9MSG_STR, U(trename.name), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_treadlink[] = {
	{ P9MSG_U32, U(treadlink.fid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rreadlink[] = {
	{ P9MSG_STR, U(rreadlink.target), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tgetattr[] = {
	{ P9MSG_U32, U(tgetattr.fid), 0 },
	{ P9MSG_U64, U(tgetattr.request_mask), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rgetattr[] = {
	{ P9MSG_U64, U(rgetattr.valid), 0 },
	{ P9MSG_QID, U(rgetattr.qid), 0 },
	{ P9MSG_U32, U(rgetattr.mode), 0 },
	{ P9MSG_U32, U(rgetattr.uid), 0 },
	{ P9MSG_U32, U(rgetattr.gid), 0 },
	{ P9MSG_U64, U(rgetattr.nlink), 0 },
	{ P9MSG_U64, U(rgetattr.rdev), 0 },
	{ P9MSG_U64, U(rgetattr.size), 0 },
	{ P9MSG_U64, U(rgetattr.blksize), 0 },
	{ P9MSG_U64, U(rgetattr.blocks), 0 },
	{ P9MSG_U64, U(rgetattr.atime_sec), 0 },
	{ P9MSG_U64, U(rgetattr.atime_nsec), 0 },
	{ P9MSG_U64, U(rgetattr.mtime_sec), 0 },
	{ P9MSG_U64, U(rgetattr.mtime_nsec), 0 },
	{ P9MSG_U64, U(rgetattr.ctime_sec), 0 },
	{ P9MSG_U64, U(rgetattr.ctime_nsec), 0 },
	{ P9MSG_U64, U(rgetattr.btime_sec), 0 },
	{ P9MSG_U64, U(rgetattr.btime_nsec), 0 },
	{ P9MSG_U64, U(rgetattr.gen), 0 },
	{ P9MSG_U64, U(rgetattr.data_version), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tsetattr[] = {
	{ P9MSG_U32, U(tsetattr.fid), 0 },
	{ P9MSG_U32, U(tsetattr.valid), 0 },
	{ P9MSG_U32, U(tsetattr.mode), 0 },
	{ P9MSG_U32, U(tsetattr.uid), 0 },
	{ P9MSG_U32, U(tsetattr.gid), 0 },
	{ P9MSG_U64, U(tsetattr.size), 0 },
	{ P9MSG_U64, U(tsetattr.atime_sec), 0 },
	{ P9MSG_U64, U(tsetattr.atime_nsec), 0 },
	{ P9MSG_U64, U(tsetattr.mtime_sec), 0 },
	{ P9MSG_U64, U(tsetattr.mtime_nsec), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_txattrwalk[] = {
	{ P9MSG_U32, U(txattrwalk.fid), 0 },
	{ P9MSG_U32, U(txattrwalk.newfid), 0 },
	{ P9MSG_STR, U(txattrwalk.name), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rxattrwalk[] = {
	{ P9MSG_U64, U(rxattrwalk.size), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_txattrcreate[] = {
	{ P9MSG_U32, U(txattrcreate.fid), 0 },
	{ P9MSG_STR, U(txattrcreate.name), 0 },
	{ P9MSG_U64, U(txattrcreate.attr_size), 0 },
	{ P9MSG_U32, U(txattrcreate.flags), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_treaddir[] = {
	{ P9MSG_U32, U(treaddir.fid), 0 },
	{ P9MSG_U64, U(treaddir.offset), 0 },
	{ P9MSG_U32, U(treaddir.count), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rreaddir[] = {
	{ P9MSG_DATA, U(rreaddir.count), U(rreaddir.data) },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tfsync[] = {
	{ P9MSG_U32, U(tfsync.fid), 0 },
	{ P9MSG_U32, U(tfsync.datasync), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tlock[] = {
	{ P9MSG_U32, U(tlock.fid), 0 },
	{ P9MSG_U8, U(tlock.type), 0 },
	{ P9MSG_U32, U(tlock.flags), 0 },
	{ P9MSG_U64, U(tlock.start), 0 },
	{ P9MSG_U64, U(tlock.length), 0 },
	{ P9MSG_U32, U(tlock.proc_id), 0 },
	{ P9MSG_STR, U(tlock.client_id), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_rlock[] = {
	{ P9MSG_U8, U(rlock.status), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tgetlock[] = {
	{ P9MSG_U32, U(getlock.fid), 0 },
	{ P9MSG_U8, U(getlock.type), 0 },
	{ P9MSG_U64, U(getlock.start), 0 },
	{ P9MSG_U64, U(getlock.length), 0 },
	{ P9MSG_U32, U(getlock.proc_id), 0 },
	{ P9MSG_STR, U(getlock.client_id), 0 },
	{ P9MSG_END, 0, 0 }
};

/* Rgetlock is Tgetlock without the fid. */
static const struct p9msg_field p9msg_rgetlock[] = {
	{ P9MSG_U8, U(getlock.type), 0 },
	{ P9MSG_U64, U(getlock.start), 0 },
	{ P9MSG_U64, U(getlock.length), 0 },
	{ P9MSG_U32, U(getlock.proc_id), 0 },
	{ P9MSG_STR, U(getlock.client_id), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tlink[] = {
	{ P9MSG_U32, U(tlink.dfid), 0 },
	{ P9MSG_U32, U(tlink.fid), 0 },
	{ P9MSG_STR, U(tlink.name), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tmkdir[] = {
	{ P9MSG_U32, U(tmkdir.dfid), 0 },
	{ P9MSG_STR, U(tmkdir.name), 0 },
	{ P9MSG_U32, U(tmkdir.mode), 0 },
	{ P9MSG_U32, U(tmkdir.gid), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_trenameat[] = {
	{ P9MSG_U32, U(trenameat.olddirfid), 0 },
	{ P9MSG_STR, U(trenameat.oldname), 0 },
	{ P9MSG_U32, U(trenameat.newdirfid), 0 },
	{ P9MSG_STR, U(trenameat.newname), 0 },
	{ P9MSG_END, 0, 0 }
};

static const struct p9msg_field p9msg_tunlinkat[] = {
	{ P9MSG_U32, U(tunlinkat.dirfid), 0 },
	{ P9MSG_STR, U(tunlinkat.name), 0 },
	{ P9MSG_U32, U(tunlinkat.flags), 0 },
	{ P9MSG_END, 0, 0 }
};

#undef U

/*
 * Indexed by the type byte.  Tlerror has a name for logging but no
 * layout: no client sends it, so it decodes as unknown.
 */
static const struct p9msg_desc p9msg_desc[256] = {
	[P9_TLERROR] =		{ "Tlerror", NULL },
	[P9_RLERROR] =		{ "Rlerror", p9msg_rlerror },
	[P9_TSTATFS] =		{ "Tstatfs", p9msg_tstatfs },
	[P9_RSTATFS] =		{ "Rstatfs", p9msg_rstatfs },
	[P9_TLOPEN] =		{ "Tlopen", p9msg_tlopen },
	[P9_RLOPEN] =		{ "Rlopen", p9msg_rlopen },
	[P9_TLCREATE] =		{ "Tlcreate", p9msg_tlcreate },
	[P9_RLCREATE] =		{ "Rlcreate", p9msg_rlopen },
	[P9_TSYMLINK] =		{ "Tsymlink", p9msg_tsymlink },
	[P9_RSYMLINK] =		{ "Rsymlink", p9msg_rqid },
	[P9_TMKNOD] =		{ "Tmknod", p9msg_tmknod },
	[P9_RMKNOD] =		{ "Rmknod", p9msg_rqid },
	[P9_TRENAME] =		{ "Trename", p9msg_trename },
	[P9_RRENAME] =		{ "Rrename", p9msg_empty },
	[P9_TREADLINK] =	{ "Treadlink", p9msg_treadlink },
	[P9_RREADLINK] =	{ "Rreadlink", p9msg_rreadlink },
	[P9_TGETATTR] =		{ "Tgetattr", p9msg_tgetattr },
	[P9_RGETATTR] =		{ "Rgetattr", p9msg_rgetattr },
	[P9_TSETATTR] =		{ "Tsetattr", p9msg_tsetattr },
	[P9_RSETATTR] =		{ "Rsetattr", p9msg_empty },
	[P9_TXATTRWALK] =	{ "Txattrwalk", p9msg_txattrwalk },
	[P9_RXATTRWALK] =	{ "Rxattrwalk", p9msg_rxattrwalk },
	[P9_TXATTRCREATE] =	{ "Txattrcreate", p9msg_txattrcreate },
	[P9_RXATTRCREATE] =	{ "Rxattrcreate", p9msg_empty },
	[P9_TREADDIR] =		{ "Treaddir", p9msg_treaddir },
	[P9_RREADDIR] =		{ "Rreaddir", p9msg_rreaddir },
	[P9_TFSYNC] =		{ "Tfsync", p9msg_tfsync },
	[P9_RFSYNC] =		{ "Rfsync", p9msg_empty },
	[P9_TLOCK] =		{ "Tlock", p9msg_tlock },
	[P9_RLOCK] =		{ "Rlock", p9msg_rlock },
	[P9_TGETLOCK] =		{ "Tgetlock", p9msg_tgetlock },
	[P9_RGETLOCK] =		{ "Rgetlock", p9msg_rgetlock },
	[P9_TLINK] =		{ "Tlink", p9msg_tlink },
	[P9_RLINK] =		{ "Rlink", p9msg_empty },
	[P9_TMKDIR] =		{ "Tmkdir", p9msg_tmkdir },
	[P9_RMKDIR] =		{ "Rmkdir", p9msg_rqid },
	[P9_TRENAMEAT] =	{ "Trenameat", p9msg_trenameat },
	[P9_RRENAMEAT] =	{ "Rrenameat", p9msg_empty },
	[P9_TUNLINKAT] =	{ "Tunlinkat", p9msg_tunlinkat },
	[P9_RUNLINKAT] =	{ "Runlinkat", p9msg_empty },
	[P9_TVERSION] =		{ "Tversion", p9msg_version },
	[P9_RVERSION] =		{ "Rversion", p9msg_version },
	[P9_TAUTH] =		{ "Tauth", p9msg_tauth },
	[P9_RAUTH] =		{ "Rauth", p9msg_rauth },
	[P9_TATTACH] =		{ "Tattach", p9msg_tattach },
	[P9_RATTACH] =		{ "Rattach", p9msg_rattach },
	[P9_TFLUSH] =		{ "Tflush", p9msg_tflush },
	[P9_RFLUSH] =		{ "Rflush", p9msg_empty },
	[P9_TWALK] =		{ "Twalk", p9msg_twalk },
	[P9_RWALK] =		{ "Rwalk", p9msg_rwalk },
	[P9_TREAD] =		{ "Tread", p9msg_tread },
	[P9_RREAD] =		{ "Rread", p9msg_rread },
	[P9_TWRITE] =		{ "Twrite", p9msg_twrite },
	[P9_RWRITE] =		{ "Rwrite", p9msg_rwrite },
	[P9_TCLUNK] =		{ "Tclunk", p9msg_tclunk },
	[P9_RCLUNK] =		{ "Rclunk", p9msg_empty },
	[P9_TREMOVE] =		{ "Tremove", p9msg_tremove },
	[P9_RREMOVE] =		{ "Rremove", p9msg_empty },
};

const char *
p9_typename(uint8_t type)
{
	const char	*name;

	name = p9msg_desc[type].d_name;
	return name != NULL ? name : "unknown";
}

/*
 * Read one field into the fcall.  Short reads are left to the sticky
 * rb_err; only the checks the reader cannot make itself return -1.
 */
static int
p9msg_getfield(struct p9_rbuf *rb, const struct p9msg_field *fd,
    struct p9_fcall *f, char **arena, size_t *arenalen)
{
	void			*p = (char *)f + fd->f_off;
	void			*p2 = (char *)f + fd->f_off2;
	char			**names;
	struct p9_qid		*qids;
	uint32_t		 count;
	uint16_t		 i, n;

	switch (fd->f_kind) {
	case P9MSG_U8:
		*(uint8_t *)p = p9_get8(rb);
		break;
	case P9MSG_U16:
		*(uint16_t *)p = p9_get16(rb);
		break;
	case P9MSG_U32:
		*(uint32_t *)p = p9_get32(rb);
		break;
	case P9MSG_U64:
		*(uint64_t *)p = p9_get64(rb);
		break;
	case P9MSG_STR:
		*(char **)p = p9_getstr(rb, arena, arenalen);
		break;
	case P9MSG_QID:
		p9_getqid(rb, p);
		break;
	case P9MSG_DATA:
		/*
		 * Data is always the last field, so its count must be
		 * exactly what is left: the frame size is the only
		 * authority on where the message ends.
		 */
		count = p9_get32(rb);
		if (rb->rb_err || count != p9_remain(rb))
			return -1;
		*(uint32_t *)p = count;
		*(const uint8_t **)p2 = p9_getbytes(rb, count);
		break;
	case P9MSG_WNAMES:
		n = p9_get16(rb);
		if (n > P9_MAXWELEM)
			return -1;
		*(uint16_t *)p = n;
		names = p2;
		for (i = 0; i < n; i++)
			names[i] = p9_getstr(rb, arena, arenalen);
		break;
	case P9MSG_WQIDS:
		n = p9_get16(rb);
		if (n > P9_MAXWELEM)
			return -1;
		*(uint16_t *)p = n;
		qids = p2;
		for (i = 0; i < n; i++)
			p9_getqid(rb, &qids[i]);
		break;
	case P9MSG_END:
		break;
	}
	return rb->rb_err ? -1 : 0;
}

/*
 * Decode one whole frame, starting at its size field.  On P9_EUNKNOWN
 * the type and tag are still filled in so the caller can answer with
 * Rlerror.  Strings land in the arena; bulk data points into the frame,
 * which must outlive the fcall.
 */
int
p9_decode(const void *frame, size_t len, struct p9_fcall *f, char *arena,
    size_t arenalen)
{
	struct p9_rbuf			 rb;
	const struct p9msg_field	*fd;
	uint32_t			 size;

	memset(f, 0, sizeof(*f));
	if (len < P9_HDRSZ)
		return P9_EMALFORMED;
	p9_rinit(&rb, frame, len);
	size = p9_get32(&rb);
	if (size != len)
		return P9_EMALFORMED;
	f->type = p9_get8(&rb);
	f->tag = p9_get16(&rb);
	if ((fd = p9msg_desc[f->type].d_fields) == NULL)
		return P9_EUNKNOWN;
	for (; fd->f_kind != P9MSG_END; fd++)
		if (p9msg_getfield(&rb, fd, f, &arena, &arenalen) == -1)
			return P9_EMALFORMED;
	if (rb.rb_err || p9_remain(&rb) != 0)
		return P9_EMALFORMED;
	return 0;
}

/* Write one field; an invalid fcall sets wb_err like a full buffer. */
static void
p9msg_putfield(struct p9_wbuf *wb, const struct p9msg_field *fd,
    const struct p9_fcall *f)
{
	const void		*p = (const char *)f + fd->f_off;
	const void		*p2 = (const char *)f + fd->f_off2;
	char *const		*names;
	const struct p9_qid	*qids;
	const uint8_t		*data;
	uint32_t		 count;
	uint16_t		 i, n;

	switch (fd->f_kind) {
	case P9MSG_U8:
		p9_put8(wb, *(const uint8_t *)p);
		break;
	case P9MSG_U16:
		p9_put16(wb, *(const uint16_t *)p);
		break;
	case P9MSG_U32:
		p9_put32(wb, *(const uint32_t *)p);
		break;
	case P9MSG_U64:
		p9_put64(wb, *(const uint64_t *)p);
		break;
	case P9MSG_STR:
		p9_putstr(wb, *(char *const *)p);
		break;
	case P9MSG_QID:
		p9_putqid(wb, p);
		break;
	case P9MSG_DATA:
		count = *(const uint32_t *)p;
		data = *(const uint8_t *const *)p2;
		if (count > 0 && data == NULL) {
			wb->wb_err = 1;
			break;
		}
		p9_put32(wb, count);
		p9_putbytes(wb, data, count);
		break;
	case P9MSG_WNAMES:
		n = *(const uint16_t *)p;
		if (n > P9_MAXWELEM) {
			wb->wb_err = 1;
			break;
		}
		p9_put16(wb, n);
		names = p2;
		for (i = 0; i < n; i++)
			p9_putstr(wb, names[i]);
		break;
	case P9MSG_WQIDS:
		n = *(const uint16_t *)p;
		if (n > P9_MAXWELEM) {
			wb->wb_err = 1;
			break;
		}
		p9_put16(wb, n);
		qids = p2;
		for (i = 0; i < n; i++)
			p9_putqid(wb, &qids[i]);
		break;
	case P9MSG_END:
		break;
	}
}

/*
 * Encode a whole message, size field included.  Returns its length, or 0
 * if it does not fit in cap or the fcall cannot be put on the wire.  A
 * NULL string is sent as the empty string.
 */
size_t
p9_encode(void *buf, size_t cap, const struct p9_fcall *f)
{
	struct p9_wbuf			 wb;
	const struct p9msg_field	*fd;

	if ((fd = p9msg_desc[f->type].d_fields) == NULL)
		return 0;
	p9_winit(&wb, buf, cap);
	p9_put32(&wb, 0);
	p9_put8(&wb, f->type);
	p9_put16(&wb, f->tag);
	for (; fd->f_kind != P9MSG_END && !wb.wb_err; fd++)
		p9msg_putfield(&wb, fd, f);
	if (wb.wb_err || wb.wb_len > UINT32_MAX)
		return 0;
	p9_poke32(&wb, 0, (uint32_t)wb.wb_len);
	return wb.wb_err ? 0 : wb.wb_len;
}

/*
 * Append one Rreaddir entry.  An entry that does not fit leaves wb as it
 * was, error flag clear, so the caller can stop at the count and send
 * what it has.
 */
size_t
p9_dirent_put(struct p9_wbuf *wb, const struct p9_qid *qid, uint64_t off,
    uint8_t type, const char *name)
{
	size_t	 namelen, need;

	namelen = name == NULL ? 0 : strlen(name);
	if (wb->wb_err || namelen > UINT16_MAX)
		return 0;
	need = P9_QIDSZ + 8 + 1 + 2 + namelen;
	if (need > wb->wb_cap - wb->wb_len)
		return 0;
	p9_putqid(wb, qid);
	p9_put64(wb, off);
	p9_put8(wb, type);
	p9_putstr(wb, name);
	return need;
}

/*
 * Parse one Rreaddir entry into the caller's name buffer.  Any failure
 * (short entry, NUL in the name, name longer than namelen - 1) leaves
 * rb in error, so a loop over a bad buffer stops.
 */
int
p9_dirent_get(struct p9_rbuf *rb, struct p9_qid *qid, uint64_t *off,
    uint8_t *type, char *name, size_t namelen)
{
	p9_getqid(rb, qid);
	*off = p9_get64(rb);
	*type = p9_get8(rb);
	if (p9_getstr(rb, &name, &namelen) == NULL)
		return -1;
	return rb->rb_err ? -1 : 0;
}
