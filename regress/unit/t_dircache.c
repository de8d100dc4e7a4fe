/*
 * dircache.c: the rules under which a kept directory listing may be
 * served again.  The stat buffers are made up from a real directory's
 * (the file system check needs a real descriptor), so every rule is
 * tested without waiting on the clock: a listing is served only while
 * device, inode, size, link count, ctime and mtime are exactly as when
 * it was taken; none is taken of a directory changed within the last
 * second or too small to be worth it; one listing is capped in size.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"
#include "fsgoferd.h"

#define NENT		100	/* above the smallest listing worth keeping */
#define FEWENT		10	/* below it */
#define ENTHDR		24	/* qid[13] offset[8] type[1] namelen[2] */
#define MAXONE		(16U << 20)

static int		 dfd = -1;
static struct stat	 dst;

/* A real local directory, its stamps set well in the past. */
static void
dir_setup(void)
{
	struct timespec	 now;

	dfd = open(".", O_RDONLY | O_DIRECTORY);
	ATF_REQUIRE(dfd != -1);
	if (!compat_fs_local(dfd))
		atf_tc_skip("work directory is not on a file system the "
		    "cache trusts");
	ATF_REQUIRE(fstat(dfd, &dst) == 0);
	ATF_REQUIRE(clock_gettime(CLOCK_REALTIME, &now) == 0);
	COMPAT_ST_CTIM(&dst).tv_sec = now.tv_sec - 100;
	COMPAT_ST_CTIM(&dst).tv_nsec = 123;
	COMPAT_ST_MTIM(&dst).tv_sec = now.tv_sec - 200;
	COMPAT_ST_MTIM(&dst).tv_nsec = 456;
}

/* Encode entry i as Rreaddir does: its cookie is i + 1. */
static size_t
ent(uint8_t *p, int i)
{
	char		 name[32];
	uint64_t	 cookie = (uint64_t)i + 1;
	size_t		 n;
	int		 b;

	n = (size_t)snprintf(name, sizeof(name), "entry%d", i);
	memset(p, 0, ENTHDR);
	p[0] = 0;			/* qid type */
	p[5] = (uint8_t)i;		/* qid path */
	for (b = 0; b < 8; b++)
		p[13 + b] = (uint8_t)(cookie >> (8 * b));
	p[21] = 8;			/* DT_REG */
	p[22] = (uint8_t)n;
	p[23] = 0;
	memcpy(p + ENTHDR, name, n);
	return ENTHDR + n;
}

static uint8_t	 ents[NENT * 64];
static size_t	 entslen;

/* Take and publish a listing of nent entries for st; 0 if kept. */
static int
take(struct dircache *dc, const struct stat *st, int nent)
{
	struct dclist	*dl;
	size_t		 len = 0;
	int		 i;

	for (i = 0; i < nent; i++)
		len += ent(ents + len, i);
	entslen = len;
	if ((dl = dircache_capture(dc, dfd, st)) == NULL)
		return -1;
	/* Two replies' worth, as a listing arrives. */
	if (dircache_append(dl, ents, len / 2, 0, 0) == -1 ||
	    dircache_append(dl, ents + len / 2, len - len / 2,
	    (uint32_t)nent, 1) == -1) {
		dircache_put(dc, dl);
		return -1;
	}
	dircache_publish(dc, dl);
	return 0;
}

static void
check_contents(const struct dclist *dl)
{
	static uint8_t	 buf[sizeof(ents)];
	size_t		 pos = 0;
	uint64_t	 cookie = 0;
	uint32_t	 n = 0;

	ATF_REQUIRE_EQ(dircache_read(dl, &pos, buf, sizeof(buf), &cookie,
	    &n), 0);
	ATF_CHECK_EQ(n, entslen);
	ATF_CHECK(memcmp(buf, ents, entslen) == 0);
	ATF_CHECK_EQ(cookie, (uint64_t)NENT);
	ATF_REQUIRE_EQ(dircache_read(dl, &pos, buf, sizeof(buf), &cookie,
	    &n), 0);
	ATF_CHECK_EQ(n, 0);
}

ATF_TC_WITHOUT_HEAD(served_unchanged);
ATF_TC_BODY(served_unchanged, tc)
{
	struct dircache	*dc;
	struct dclist	*dl;

	dir_setup();
	ATF_REQUIRE((dc = dircache_new()) != NULL);
	ATF_CHECK(dircache_get(dc, &dst) == NULL);
	ATF_REQUIRE_EQ(take(dc, &dst, NENT), 0);
	ATF_REQUIRE((dl = dircache_get(dc, &dst)) != NULL);
	check_contents(dl);
	dircache_put(dc, dl);
	/* Served again and again while nothing changes. */
	ATF_REQUIRE((dl = dircache_get(dc, &dst)) != NULL);
	dircache_put(dc, dl);
	dircache_free(dc);
	close(dfd);
}

/* One change at a time: each one alone must make the listing stale. */
ATF_TC_WITHOUT_HEAD(stale_on_any_change);
ATF_TC_BODY(stale_on_any_change, tc)
{
	static const char *const what[] = { "ino", "size", "nlink",
	    "ctime sec", "ctime nsec", "mtime sec", "mtime nsec", "dev" };
	struct dircache	*dc;
	struct dclist	*dl;
	struct stat	 st;
	size_t		 i;

	dir_setup();
	ATF_REQUIRE((dc = dircache_new()) != NULL);
	for (i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		ATF_REQUIRE_EQ(take(dc, &dst, NENT), 0);
		st = dst;
		switch (i) {
		case 0: st.st_ino++; break;
		case 1: st.st_size += 4096; break;
		case 2: st.st_nlink++; break;
		case 3: COMPAT_ST_CTIM(&st).tv_sec++; break;
		case 4: COMPAT_ST_CTIM(&st).tv_nsec++; break;
		case 5: COMPAT_ST_MTIM(&st).tv_sec++; break;
		case 6: COMPAT_ST_MTIM(&st).tv_nsec++; break;
		case 7: st.st_dev++; break;
		}
		dl = dircache_get(dc, &st);
		ATF_CHECK_MSG(dl == NULL, "listing served after a change "
		    "of %s", what[i]);
		dircache_put(dc, dl);
		if (i == 0 || i == 7)
			continue;	/* another directory: ours stays */
		/* Changed once is gone for good, even if it looks back. */
		dl = dircache_get(dc, &dst);
		ATF_CHECK_MSG(dl == NULL, "stale listing kept after a change "
		    "of %s", what[i]);
		dircache_put(dc, dl);
	}
	dircache_free(dc);
	close(dfd);
}

ATF_TC_WITHOUT_HEAD(not_taken_recent);
ATF_TC_BODY(not_taken_recent, tc)
{
	struct dircache	*dc;
	struct dclist	*dl;
	struct timespec	 now;
	struct stat	 st;
	int		 i;

	dir_setup();
	ATF_REQUIRE((dc = dircache_new()) != NULL);
	for (i = 0; i < 4; i++) {
		ATF_REQUIRE(clock_gettime(CLOCK_REALTIME, &now) == 0);
		st = dst;
		switch (i) {
		case 0: COMPAT_ST_MTIM(&st).tv_sec = now.tv_sec; break;
		case 1: COMPAT_ST_CTIM(&st).tv_sec = now.tv_sec; break;
		case 2: COMPAT_ST_CTIM(&st).tv_sec = now.tv_sec - 1; break;
		case 3: COMPAT_ST_MTIM(&st).tv_sec = now.tv_sec + 60; break;
		}
		dl = dircache_capture(dc, dfd, &st);
		ATF_CHECK_MSG(dl == NULL, "listing taken of a directory "
		    "changed too recently (case %d)", i);
		dircache_put(dc, dl);
		ATF_CHECK(dircache_get(dc, &st) == NULL);
	}
	/* The same directory, settled, is taken. */
	ATF_CHECK((dl = dircache_capture(dc, dfd, &dst)) != NULL);
	dircache_put(dc, dl);
	dircache_free(dc);
	close(dfd);
}

ATF_TC_WITHOUT_HEAD(small_not_kept);
ATF_TC_BODY(small_not_kept, tc)
{
	struct dircache	*dc;

	dir_setup();
	ATF_REQUIRE((dc = dircache_new()) != NULL);
	ATF_CHECK_EQ(take(dc, &dst, FEWENT), -1);
	ATF_CHECK(dircache_get(dc, &dst) == NULL);
	dircache_free(dc);
	close(dfd);
}

ATF_TC_WITHOUT_HEAD(size_cap);
ATF_TC_BODY(size_cap, tc)
{
	struct dircache	*dc;
	struct dclist	*dl;
	uint8_t		*big;

	dir_setup();
	ATF_REQUIRE((dc = dircache_new()) != NULL);
	ATF_REQUIRE((big = calloc(1, MAXONE + 1)) != NULL);
	ATF_REQUIRE((dl = dircache_capture(dc, dfd, &dst)) != NULL);
	ATF_CHECK_EQ(dircache_append(dl, big, MAXONE + 1, NENT, 0), -1);
	ATF_CHECK_EQ(dircache_append(dl, big, MAXONE - 10, NENT, 0), 0);
	ATF_CHECK_EQ(dircache_append(dl, big, 11, 1, 0), -1);
	dircache_put(dc, dl);
	ATF_CHECK(dircache_get(dc, &dst) == NULL);
	free(big);
	dircache_free(dc);
	close(dfd);
}

/* A reader keeps the listing it started with when a new one replaces it. */
ATF_TC_WITHOUT_HEAD(reader_keeps_old);
ATF_TC_BODY(reader_keeps_old, tc)
{
	struct dircache	*dc;
	struct dclist	*old, *dl;

	dir_setup();
	ATF_REQUIRE((dc = dircache_new()) != NULL);
	ATF_REQUIRE_EQ(take(dc, &dst, NENT), 0);
	ATF_REQUIRE((old = dircache_get(dc, &dst)) != NULL);
	ATF_REQUIRE_EQ(take(dc, &dst, NENT), 0);
	ATF_REQUIRE((dl = dircache_get(dc, &dst)) != NULL);
	ATF_CHECK(dl != old);
	check_contents(old);
	dircache_put(dc, old);
	dircache_put(dc, dl);
	dircache_free(dc);
	close(dfd);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, served_unchanged);
	ATF_TP_ADD_TC(tp, stale_on_any_change);
	ATF_TP_ADD_TC(tp, not_taken_recent);
	ATF_TP_ADD_TC(tp, small_not_kept);
	ATF_TP_ADD_TC(tp, size_cap);
	ATF_TP_ADD_TC(tp, reader_keeps_old);
	return atf_no_error();
}
