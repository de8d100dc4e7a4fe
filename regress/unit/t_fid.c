/*
 * fid.c: the per-connection fid table (growth, lookup, removal) and the
 * reference counts that keep a clunked fid alive while a request still
 * holds it.  The closer hook is the probe: fid_unref hands a fid's lfile
 * to it exactly when the fid is freed.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "fsgoferd.h"
#include "p9.h"

#define NFIDS	1000	/* well past FID_INITSIZE and several doublings */
#define MAXFIDS	100000

static int		 closes;
static struct lfile	*closed_lf;

static void
probe_closer(void *arg, struct lfile *lf, struct cred *cr)
{
	(void)arg;
	closes++;
	closed_lf = lf;
	cred_unref(cr);
}

static void
probe_reset(void)
{
	closes = 0;
	closed_lf = NULL;
	fid_set_closer(probe_closer, NULL);
}

/* Spread ids the way clients do not, to exercise every chain. */
static uint32_t
nth_id(int i)
{
	return (uint32_t)i * 7919U + (i % 3 == 0 ? 0x80000000U : 0);
}

ATF_TC_WITHOUT_HEAD(grow_lookup);
ATF_TC_BODY(grow_lookup, tc)
{
	struct fidtab	 ft;
	struct fid	*f, *fids[NFIDS];
	int		 i;

	fid_init(&ft);
	ATF_CHECK(fid_get(&ft, 0) == NULL);
	for (i = 0; i < NFIDS; i++) {
		fids[i] = fid_new(&ft, nth_id(i), MAXFIDS);
		ATF_REQUIRE_MSG(fids[i] != NULL, "fid %d: %s", i,
		    strerror(errno));
		ATF_CHECK_EQ(fids[i]->f_fid, nth_id(i));
		ATF_CHECK_EQ(fids[i]->f_state, FID_PENDING);
		ATF_CHECK_EQ(fids[i]->f_refs, 1);
	}
	ATF_CHECK_EQ(ft.ft_count, (size_t)NFIDS);
	ATF_CHECK_MSG(ft.ft_size >= NFIDS, "table of %zu for %d fids",
	    ft.ft_size, NFIDS);
	/* Every fid survived every rehash, each under its own id. */
	for (i = 0; i < NFIDS; i++) {
		f = fid_get(&ft, nth_id(i));
		ATF_CHECK_MSG(f == fids[i], "fid %u lost or mixed up",
		    nth_id(i));
	}
	ATF_CHECK(fid_get(&ft, nth_id(NFIDS)) == NULL);
	ATF_CHECK(fid_get(&ft, 1) == NULL);
	ATF_CHECK(fid_get(&ft, P9_NOFID) == NULL);
	fid_clear(&ft);
	ATF_CHECK_EQ(ft.ft_count, 0);
	ATF_CHECK(fid_get(&ft, nth_id(0)) == NULL);
}

ATF_TC_WITHOUT_HEAD(new_errors);
ATF_TC_BODY(new_errors, tc)
{
	struct fidtab	 ft;
	int		 i;

	fid_init(&ft);
	errno = 0;
	ATF_CHECK(fid_new(&ft, P9_NOFID, MAXFIDS) == NULL);
	ATF_CHECK_EQ(errno, EBADF);
	ATF_REQUIRE(fid_new(&ft, 7, MAXFIDS) != NULL);
	errno = 0;
	ATF_CHECK(fid_new(&ft, 7, MAXFIDS) == NULL);
	ATF_CHECK_EQ(errno, EBADF);
	for (i = 1; i < 5; i++)
		ATF_REQUIRE(fid_new(&ft, 100 + i, 5) != NULL);
	errno = 0;
	ATF_CHECK(fid_new(&ft, 200, 5) == NULL);
	ATF_CHECK_EQ(errno, EMFILE);
	ATF_CHECK_EQ(ft.ft_count, 5);
	/* A removed id may be used again, and frees a slot. */
	fid_remove(&ft, fid_get(&ft, 7));
	ATF_CHECK(fid_get(&ft, 7) == NULL);
	ATF_CHECK(fid_new(&ft, 7, 5) != NULL);
	fid_clear(&ft);
}

ATF_TC_WITHOUT_HEAD(remove_some);
ATF_TC_BODY(remove_some, tc)
{
	struct fidtab	 ft;
	struct fid	*f;
	int		 i;

	fid_init(&ft);
	for (i = 0; i < NFIDS; i++)
		ATF_REQUIRE(fid_new(&ft, nth_id(i), MAXFIDS) != NULL);
	for (i = 0; i < NFIDS; i += 2) {
		f = fid_get(&ft, nth_id(i));
		ATF_REQUIRE(f != NULL);
		fid_remove(&ft, f);
	}
	ATF_CHECK_EQ(ft.ft_count, (size_t)NFIDS / 2);
	for (i = 0; i < NFIDS; i++) {
		f = fid_get(&ft, nth_id(i));
		if (i % 2 == 0)
			ATF_CHECK_MSG(f == NULL, "removed fid %u still found",
			    nth_id(i));
		else
			ATF_CHECK_MSG(f != NULL && f->f_fid == nth_id(i),
			    "fid %u lost by a neighbour's removal", nth_id(i));
	}
	fid_clear(&ft);
}

/*
 * A Tclunk takes the fid off the table while another request still
 * runs on it: the fid (and its lfile) must live until that request
 * lets go, and its id must be free for a new fid at once.
 */
ATF_TC_WITHOUT_HEAD(clunk_in_flight);
ATF_TC_BODY(clunk_in_flight, tc)
{
	struct fidtab	 ft;
	struct lfile	 lf;
	struct fid	*f, *g;

	probe_reset();
	memset(&lf, 0, sizeof(lf));
	fid_init(&ft);
	ATF_REQUIRE((f = fid_new(&ft, 42, MAXFIDS)) != NULL);
	f->f_lf = &lf;
	f->f_state = FID_LIVE;
	fid_ref(f);		/* a request in flight */
	ATF_CHECK_EQ(f->f_refs, 2);

	fid_remove(&ft, f);
	ATF_CHECK(fid_get(&ft, 42) == NULL);
	ATF_CHECK_EQ(ft.ft_count, 0);
	ATF_CHECK_EQ(closes, 0);
	/* Still valid memory: the request reads it. */
	ATF_CHECK_EQ(f->f_state, FID_GONE);
	ATF_CHECK_EQ(f->f_refs, 1);
	ATF_CHECK(f->f_lf == &lf);

	ATF_REQUIRE((g = fid_new(&ft, 42, MAXFIDS)) != NULL);
	ATF_CHECK(g != f);
	ATF_CHECK(fid_get(&ft, 42) == g);

	fid_unref(f);		/* the request finishes */
	ATF_CHECK_EQ(closes, 1);
	ATF_CHECK(closed_lf == &lf);
	ATF_CHECK(fid_get(&ft, 42) == g);
	fid_clear(&ft);
	ATF_CHECK_EQ(closes, 1);
	fid_set_closer(NULL, NULL);
}

/* The table's reference alone: removal frees at once; clear frees all. */
ATF_TC_WITHOUT_HEAD(last_ref_frees);
ATF_TC_BODY(last_ref_frees, tc)
{
	struct fidtab	 ft;
	struct lfile	 lf[3];
	struct fid	*f;
	int		 i;

	probe_reset();
	memset(lf, 0, sizeof(lf));
	fid_init(&ft);
	for (i = 0; i < 3; i++) {
		ATF_REQUIRE((f = fid_new(&ft, (uint32_t)i, MAXFIDS)) != NULL);
		f->f_lf = &lf[i];
	}
	fid_remove(&ft, fid_get(&ft, 1));
	ATF_CHECK_EQ(closes, 1);
	ATF_CHECK(closed_lf == &lf[1]);
	/* A held fid outlives the clear that drops the table's reference. */
	f = fid_get(&ft, 2);
	fid_ref(f);
	fid_clear(&ft);
	ATF_CHECK_EQ(closes, 2);
	ATF_CHECK(closed_lf == &lf[0]);
	ATF_CHECK_EQ(f->f_state, FID_GONE);
	fid_unref(f);
	ATF_CHECK_EQ(closes, 3);
	ATF_CHECK(closed_lf == &lf[2]);
	fid_set_closer(NULL, NULL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, grow_lookup);
	ATF_TP_ADD_TC(tp, new_errors);
	ATF_TP_ADD_TC(tp, remove_some);
	ATF_TP_ADD_TC(tp, clunk_in_flight);
	ATF_TP_ADD_TC(tp, last_ref_frees);
	return atf_no_error();
}
