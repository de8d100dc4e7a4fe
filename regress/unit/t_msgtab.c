/*
 * Unit tests for the message table (ops_msg in src/ops.c).
 *
 * The expected fid roles below were written from dispatch.c's
 * fidspec_of switch as it stood before the table replaced it.  Each
 * case stores distinct fid numbers into the fields of a decoded message
 * by name, so a row that names the wrong field (or the right field of
 * another message) reads the wrong number and fails.
 */
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "fsgoferd.h"

#define FID_MAIN	0x11111111U
#define FID_SECOND	0x22222222U
#define FID_NEW		0x33333333U
#define COUNT		0x44444444U

enum role { NONE, SHARED, EXCL, DROP };

struct want {
	uint8_t		 type;
	enum role	 fid;		/* the main fid and its lock */
	int		 fid2;		/* a second fid, locked shared */
	int		 newfid;	/* a fid the request makes */
	int		 move;		/* newfid == fid moves the fid */
	int		 inl;		/* may be answered on the loop */
	int		 bigio;
	int		 reserve;
};

static const struct want wants[] = {
	{ P9_TATTACH,		NONE,	0, 1, 0, 0, 0, 0 },
	{ P9_TWALK,		SHARED,	0, 1, 1, 1, 0, 0 },
	{ P9_TXATTRWALK,	SHARED,	0, 1, 0, 0, 0, 0 },
	{ P9_TGETATTR,		SHARED,	0, 0, 0, 1, 0, 0 },
	{ P9_TSETATTR,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TSTATFS,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TREADLINK,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TFSYNC,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TLOCK,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TGETLOCK,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TREAD,		SHARED,	0, 0, 0, 1, 1, 1 },
	{ P9_TWRITE,		SHARED,	0, 0, 0, 0, 1, 0 },
	{ P9_TLOPEN,		EXCL,	0, 0, 0, 0, 0, 0 },
	{ P9_TLCREATE,		EXCL,	0, 0, 0, 0, 0, 0 },
	{ P9_TREADDIR,		EXCL,	0, 0, 0, 1, 0, 1 },
	{ P9_TXATTRCREATE,	EXCL,	0, 0, 0, 0, 0, 0 },
	{ P9_TCLUNK,		DROP,	0, 0, 0, 1, 0, 0 },
	{ P9_TREMOVE,		DROP,	0, 0, 0, 0, 0, 0 },
	{ P9_TMKDIR,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TSYMLINK,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TMKNOD,		SHARED,	0, 0, 0, 0, 0, 0 },
	{ P9_TLINK,		SHARED,	1, 0, 0, 0, 0, 0 },
	{ P9_TRENAME,		SHARED,	1, 0, 0, 0, 0, 0 },
	{ P9_TRENAMEAT,		SHARED,	1, 0, 0, 0, 0, 0 },
	{ P9_TUNLINKAT,		SHARED,	0, 0, 0, 0, 0, 0 },
};
#define NWANTS	(sizeof(wants) / sizeof(wants[0]))

/* Store the fid numbers where fidspec_of found each role. */
static void
fill(struct p9_fcall *t, uint8_t type)
{
	memset(t, 0, sizeof(*t));
	t->type = type;
	switch (type) {
	case P9_TATTACH:
		t->u.tattach.afid = FID_SECOND;	/* never a fid of ours */
		t->u.tattach.fid = FID_NEW;
		break;
	case P9_TWALK:
		t->u.twalk.fid = FID_MAIN;
		t->u.twalk.newfid = FID_NEW;
		break;
	case P9_TXATTRWALK:
		t->u.txattrwalk.fid = FID_MAIN;
		t->u.txattrwalk.newfid = FID_NEW;
		break;
	case P9_TGETATTR:
		t->u.tgetattr.fid = FID_MAIN;
		break;
	case P9_TSETATTR:
		t->u.tsetattr.fid = FID_MAIN;
		break;
	case P9_TSTATFS:
		t->u.tstatfs.fid = FID_MAIN;
		break;
	case P9_TREADLINK:
		t->u.treadlink.fid = FID_MAIN;
		break;
	case P9_TFSYNC:
		t->u.tfsync.fid = FID_MAIN;
		break;
	case P9_TLOCK:
		t->u.tlock.fid = FID_MAIN;
		break;
	case P9_TGETLOCK:
		t->u.getlock.fid = FID_MAIN;
		break;
	case P9_TREAD:
		t->u.tread.fid = FID_MAIN;
		t->u.tread.count = COUNT;
		break;
	case P9_TWRITE:
		t->u.twrite.fid = FID_MAIN;
		t->u.twrite.count = COUNT;
		break;
	case P9_TLOPEN:
		t->u.tlopen.fid = FID_MAIN;
		break;
	case P9_TLCREATE:
		t->u.tlcreate.fid = FID_MAIN;
		break;
	case P9_TREADDIR:
		t->u.treaddir.fid = FID_MAIN;
		t->u.treaddir.count = COUNT;
		break;
	case P9_TXATTRCREATE:
		t->u.txattrcreate.fid = FID_MAIN;
		break;
	case P9_TCLUNK:
		t->u.tclunk.fid = FID_MAIN;
		break;
	case P9_TREMOVE:
		t->u.tremove.fid = FID_MAIN;
		break;
	case P9_TMKDIR:
		t->u.tmkdir.dfid = FID_MAIN;
		break;
	case P9_TSYMLINK:
		t->u.tsymlink.dfid = FID_MAIN;
		break;
	case P9_TMKNOD:
		t->u.tmknod.dfid = FID_MAIN;
		break;
	case P9_TLINK:
		t->u.tlink.dfid = FID_MAIN;
		t->u.tlink.fid = FID_SECOND;
		break;
	case P9_TRENAME:
		t->u.trename.fid = FID_MAIN;
		t->u.trename.dfid = FID_SECOND;
		break;
	case P9_TRENAMEAT:
		t->u.trenameat.olddirfid = FID_MAIN;
		t->u.trenameat.newdirfid = FID_SECOND;
		break;
	case P9_TUNLINKAT:
		t->u.tunlinkat.dirfid = FID_MAIN;
		break;
	default:
		atf_tc_fail("no fill for type %u", type);
	}
}

static const struct want *
want_of(unsigned int type)
{
	size_t	 i;

	for (i = 0; i < NWANTS; i++)
		if (wants[i].type == type)
			return &wants[i];
	return NULL;
}

ATF_TC_WITHOUT_HEAD(fid_roles);
ATF_TC_BODY(fid_roles, tc)
{
	const struct msgtype	*m;
	const struct want	*w;
	struct p9_fcall		 t;
	size_t			 i;
	int			 fl;

	for (i = 0; i < NWANTS; i++) {
		w = &wants[i];
		m = ops_msg(w->type);
		fl = m->mt_flags;
		fill(&t, w->type);
		ATF_CHECK_MSG(m->mt_fn != NULL, "%s: no handler",
		    p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(fl & MSG_FID), w->fid != NONE,
		    "%s: fid", p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(fl & MSG_EXCL), w->fid >= EXCL,
		    "%s: exclusive", p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(fl & MSG_DROP), w->fid == DROP,
		    "%s: dropped", p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(fl & MSG_FID2), w->fid2,
		    "%s: second fid", p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(fl & MSG_NEWFID), w->newfid,
		    "%s: new fid", p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(fl & MSG_MOVE), w->move,
		    "%s: move", p9_typename(w->type));
		if (w->fid != NONE)
			ATF_CHECK_EQ_MSG(MSG_U32(&t, m->mt_fid), FID_MAIN,
			    "%s: reads the wrong fid", p9_typename(w->type));
		if (w->fid2)
			ATF_CHECK_EQ_MSG(MSG_U32(&t, m->mt_fid2), FID_SECOND,
			    "%s: reads the wrong second fid",
			    p9_typename(w->type));
		if (w->newfid)
			ATF_CHECK_EQ_MSG(MSG_U32(&t, m->mt_newfid), FID_NEW,
			    "%s: reads the wrong new fid",
			    p9_typename(w->type));
	}
}

ATF_TC_WITHOUT_HEAD(flags);
ATF_TC_BODY(flags, tc)
{
	const struct msgtype	*m;
	const struct want	*w;
	struct p9_fcall		 t;
	size_t			 i;

	for (i = 0; i < NWANTS; i++) {
		w = &wants[i];
		m = ops_msg(w->type);
		fill(&t, w->type);
		ATF_CHECK_EQ_MSG(m->mt_inline != NULL, w->inl,
		    "%s: loop-thread handler", p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(m->mt_flags & MSG_BIGIO), w->bigio,
		    "%s: big I/O", p9_typename(w->type));
		ATF_CHECK_EQ_MSG(!!(m->mt_flags & MSG_RESERVE), w->reserve,
		    "%s: reply reserve", p9_typename(w->type));
		if (w->bigio || w->reserve)
			ATF_CHECK_EQ_MSG(MSG_U32(&t, m->mt_count), COUNT,
			    "%s: reads the wrong count",
			    p9_typename(w->type));
	}
}

/* Every type has its own row; the others are empty. */
ATF_TC_WITHOUT_HEAD(indexed);
ATF_TC_BODY(indexed, tc)
{
	const struct msgtype	*m;
	unsigned int		 type;

	for (type = 0; type < 256; type++) {
		m = ops_msg((uint8_t)type);
		ATF_REQUIRE(m != NULL);
		if (want_of(type) != NULL) {
			ATF_CHECK_EQ_MSG(m->mt_type, type,
			    "row %u says it is %u", type, m->mt_type);
			continue;
		}
		ATF_CHECK_MSG(m->mt_fn == NULL, "type %u has a handler",
		    type);
		ATF_CHECK_MSG(m->mt_inline == NULL,
		    "type %u has a loop handler", type);
		ATF_CHECK_EQ_MSG(m->mt_flags, 0, "type %u has flags", type);
	}
	/* dispatch answers these itself; R-messages are never served. */
	ATF_CHECK(ops_msg(P9_TVERSION)->mt_fn == NULL);
	ATF_CHECK(ops_msg(P9_TFLUSH)->mt_fn == NULL);
	ATF_CHECK(ops_msg(P9_TAUTH)->mt_fn == NULL);
	ATF_CHECK(ops_msg(P9_TLERROR)->mt_fn == NULL);
	ATF_CHECK(ops_msg(P9_RREAD)->mt_fn == NULL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, fid_roles);
	ATF_TP_ADD_TC(tp, flags);
	ATF_TP_ADD_TC(tp, indexed);
	return atf_no_error();
}
