/*
 * compat/wire.c and compat/string.c: every table row translates both ways,
 * unknown values become EIO / nothing, and the Linux numbers are the ones
 * p9.h names.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "p9.h"
#include "compat.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Host names against p9.h's Linux numbers: an independent source. */
static const struct {
	int		host;
	uint32_t	wire;
} known_errnos[] = {
	{ EPERM, P9_L_EPERM }, { ENOENT, P9_L_ENOENT }, { EIO, P9_L_EIO },
	{ ENXIO, P9_L_ENXIO }, { E2BIG, P9_L_E2BIG }, { EBADF, P9_L_EBADF },
	{ EAGAIN, P9_L_EAGAIN }, { ENOMEM, P9_L_ENOMEM },
	{ EACCES, P9_L_EACCES }, { EFAULT, P9_L_EFAULT },
	{ EBUSY, P9_L_EBUSY }, { EEXIST, P9_L_EEXIST }, { EXDEV, P9_L_EXDEV },
	{ ENODEV, P9_L_ENODEV }, { ENOTDIR, P9_L_ENOTDIR },
	{ EISDIR, P9_L_EISDIR }, { EINVAL, P9_L_EINVAL },
	{ ENFILE, P9_L_ENFILE }, { EMFILE, P9_L_EMFILE },
	{ ETXTBSY, P9_L_ETXTBSY }, { EFBIG, P9_L_EFBIG },
	{ ENOSPC, P9_L_ENOSPC }, { ESPIPE, P9_L_ESPIPE },
	{ EROFS, P9_L_EROFS }, { EMLINK, P9_L_EMLINK },
	{ ERANGE, P9_L_ERANGE }, { EDEADLK, P9_L_EDEADLK },
	{ ENAMETOOLONG, P9_L_ENAMETOOLONG }, { ENOLCK, P9_L_ENOLCK },
	{ ENOSYS, P9_L_ENOSYS }, { ENOTEMPTY, P9_L_ENOTEMPTY },
	{ ELOOP, P9_L_ELOOP }, { EOVERFLOW, P9_L_EOVERFLOW },
	{ EPROTO, P9_L_EPROTO }, { EBADMSG, P9_L_EBADMSG },
	{ EOPNOTSUPP, P9_L_EOPNOTSUPP }, { ENOTSUP, P9_L_ENOTSUP },
	{ ECONNREFUSED, P9_L_ECONNREFUSED }, { ESTALE, P9_L_ESTALE },
	{ EDQUOT, P9_L_EDQUOT },
#ifdef ENODATA
	{ ENODATA, P9_L_ENODATA },
#endif
#ifdef ENOATTR
	{ ENOATTR, P9_L_ENODATA },
#endif
};

ATF_TC_WITHOUT_HEAD(errno_known);
ATF_TC_BODY(errno_known, tc)
{
	size_t	i;
	int	h;

	for (i = 0; i < nitems(known_errnos); i++) {
		ATF_CHECK_EQ_MSG(compat_errno_to_wire(known_errnos[i].host),
		    known_errnos[i].wire, "host errno %d",
		    known_errnos[i].host);
		/* Aliases (ENOTSUP, ENOATTR) come back as their twin. */
		h = compat_errno_from_wire(known_errnos[i].wire);
		ATF_CHECK_EQ_MSG(compat_errno_to_wire(h), known_errnos[i].wire,
		    "wire errno %u", known_errnos[i].wire);
	}
}

/*
 * Every host errno that has a wire value comes back to a host errno with
 * the same wire value, and every wire value the host knows comes back to
 * itself: the tables are exact inverses up to aliases.
 */
ATF_TC_WITHOUT_HEAD(errno_roundtrip);
ATF_TC_BODY(errno_roundtrip, tc)
{
	uint32_t	w;
	int		e, h, mapped = 0;

	for (e = 1; e < 512; e++) {
		w = compat_errno_to_wire(e);
		if (w == P9_L_EIO && e != EIO)
			continue;
		mapped++;
		h = compat_errno_from_wire(w);
		ATF_CHECK_EQ_MSG(compat_errno_to_wire(h), w,
		    "host %d -> wire %u -> host %d", e, w, h);
	}
	ATF_CHECK_MSG(mapped >= 40, "only %d host errnos mapped", mapped);
	for (w = 1; w < 512; w++) {
		h = compat_errno_from_wire(w);
		if (h == EIO && w != P9_L_EIO)
			continue;
		ATF_CHECK_EQ_MSG(compat_errno_to_wire(h), w,
		    "wire %u -> host %d -> wire %u", w, h,
		    compat_errno_to_wire(h));
	}
#ifdef __linux__
	/* On Linux the whole numbering is the identity, 1..133. */
	for (e = 1; e <= 133; e++) {
		if (e == 41 || e == 58)		/* unused numbers */
			continue;
		ATF_CHECK_EQ_MSG(compat_errno_to_wire(e), (uint32_t)e,
		    "errno %d", e);
		ATF_CHECK_EQ_MSG(compat_errno_from_wire(e), e, "wire %d", e);
	}
#endif
}

ATF_TC_WITHOUT_HEAD(errno_unknown);
ATF_TC_BODY(errno_unknown, tc)
{
	ATF_CHECK_EQ(compat_errno_to_wire(0), P9_L_EIO);
	ATF_CHECK_EQ(compat_errno_to_wire(-1), P9_L_EIO);
	ATF_CHECK_EQ(compat_errno_to_wire(100000), P9_L_EIO);
	ATF_CHECK_EQ(compat_errno_from_wire(0), EIO);
	ATF_CHECK_EQ(compat_errno_from_wire(41), EIO);	/* no Linux errno */
	ATF_CHECK_EQ(compat_errno_from_wire(58), EIO);
	ATF_CHECK_EQ(compat_errno_from_wire(100000), EIO);
	ATF_CHECK_EQ(compat_errno_from_wire(UINT32_MAX), EIO);
}

/*
 * Host errnos Linux lacks go out as Linux's answer to the same refusal
 * (compat/wire.c says why each), and a wire value never comes back as
 * one of them.  Each row exists only where the host has the errno.
 */
ATF_TC_WITHOUT_HEAD(errno_nolinux);
ATF_TC_BODY(errno_nolinux, tc)
{
	static const struct {
		int		host;
		uint32_t	wire;
	} rows[] = {
#ifdef EFTYPE
		{ EFTYPE, P9_L_EPERM },
#endif
#ifdef ENOTCAPABLE
		{ ENOTCAPABLE, P9_L_EACCES },
#endif
#ifdef ECAPMODE
		{ ECAPMODE, P9_L_EPERM },
#endif
#ifdef EINTEGRITY
		{ EINTEGRITY, P9_L_EUCLEAN },
#endif
#ifdef EAUTH
		{ EAUTH, P9_L_EACCES },
#endif
#ifdef ENEEDAUTH
		{ ENEEDAUTH, P9_L_EACCES },
#endif
		{ EPERM, P9_L_EPERM },
	};
	size_t	i;

	for (i = 0; i < nitems(rows); i++)
		ATF_CHECK_EQ_MSG(compat_errno_to_wire(rows[i].host),
		    rows[i].wire, "host errno %d", rows[i].host);
	ATF_CHECK_EQ(compat_errno_from_wire(P9_L_EPERM), EPERM);
	ATF_CHECK_EQ(compat_errno_from_wire(P9_L_EACCES), EACCES);
	/*
	 * ENODATA has a name on every host (compat.h makes it ENOATTR on
	 * FreeBSD and OpenBSD), and it is Linux's ENODATA on the wire.
	 */
	ATF_CHECK_EQ(compat_errno_to_wire(ENODATA), P9_L_ENODATA);
}

/*
 * compat_nofollow_errno: what a real O_NOFOLLOW open of a symlink says
 * here becomes ELOOP, and every other errno is left alone (all of them
 * on a host that says ELOOP itself, as Linux does).
 */
ATF_TC_WITHOUT_HEAD(nofollow_errno);
ATF_TC_BODY(nofollow_errno, tc)
{
	int	e, fd, want;

	ATF_REQUIRE(symlink("nowhere", "lnk") == 0);
	fd = openat(AT_FDCWD, "lnk", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ATF_REQUIRE(fd == -1);
	e = errno;
	ATF_CHECK_EQ_MSG(compat_nofollow_errno(e), ELOOP,
	    "open(O_NOFOLLOW) of a symlink: errno %d -> %d", e,
	    compat_nofollow_errno(e));
	/* Opened for writing, as compat_reopen may: the same answer. */
	ATF_REQUIRE(close(open("file", O_CREAT | O_WRONLY, 0600)) == 0);
	ATF_REQUIRE(symlink("file", "flnk") == 0);
	fd = openat(AT_FDCWD, "flnk", O_RDWR | O_NONBLOCK | O_NOFOLLOW |
	    O_CLOEXEC);
	ATF_REQUIRE(fd == -1);
	ATF_CHECK_EQ(compat_nofollow_errno(errno), ELOOP);

	for (e = 0; e < 512; e++) {
		want = e;
#ifdef HAVE_NOFOLLOW_EMLINK
		if (e == EMLINK)
			want = ELOOP;
#endif
#if defined(HAVE_NOFOLLOW_EFTYPE) && defined(EFTYPE)
		if (e == EFTYPE)
			want = ELOOP;
#endif
		ATF_CHECK_EQ_MSG(compat_nofollow_errno(e), want, "errno %d", e);
	}
#ifdef __linux__
	ATF_CHECK_EQ(compat_nofollow_errno(EMLINK), EMLINK);
#endif
}

/* The open flags as a Linux client sends them, and their host names. */
static const struct {
	uint32_t	wire;
	int		host;
} known_oflags[] = {
	{ P9_L_O_CREAT, O_CREAT }, { P9_L_O_EXCL, O_EXCL },
	{ P9_L_O_TRUNC, O_TRUNC }, { P9_L_O_APPEND, O_APPEND },
	{ P9_L_O_NONBLOCK, O_NONBLOCK }, { P9_L_O_DSYNC, O_DSYNC },
#ifdef O_DIRECT
	{ P9_L_O_DIRECT, O_DIRECT },
#endif
	{ P9_L_O_DIRECTORY, O_DIRECTORY }, { P9_L_O_NOFOLLOW, O_NOFOLLOW },
#ifdef O_NOATIME
	{ P9_L_O_NOATIME, O_NOATIME },
#endif
	{ P9_L_O_CLOEXEC, O_CLOEXEC },
	{ P9_L_O_SYNC | P9_L_O_DSYNC, O_SYNC },
};

ATF_TC_WITHOUT_HEAD(oflags);
ATF_TC_BODY(oflags, tc)
{
	static const struct {
		uint32_t	wire;
		int		host;
	} acc[] = {
		{ P9_L_O_RDONLY, O_RDONLY }, { P9_L_O_WRONLY, O_WRONLY },
		{ P9_L_O_RDWR, O_RDWR }, { P9_L_O_NOACCESS, O_ACCMODE },
	};
	size_t		i, j;
	uint32_t	w, all = 0;
	int		h;

	for (i = 0; i < nitems(acc); i++) {
		ATF_CHECK_EQ(compat_oflags_from_wire(acc[i].wire),
		    acc[i].host);
		ATF_CHECK_EQ(compat_oflags_to_wire(acc[i].host), acc[i].wire);
	}
	for (i = 0; i < nitems(known_oflags); i++) {
		for (j = 0; j < nitems(acc); j++) {
			w = known_oflags[i].wire | acc[j].wire;
			h = compat_oflags_from_wire(w);
			ATF_CHECK_EQ_MSG(h, known_oflags[i].host | acc[j].host,
			    "wire %#o -> host %#o", w, h);
			ATF_CHECK_EQ_MSG(compat_oflags_to_wire(h), w,
			    "wire %#o -> host %#o -> wire %#o", w, h,
			    compat_oflags_to_wire(h));
		}
		all |= known_oflags[i].wire;
	}
	/* All at once round-trips too. */
	ATF_CHECK_EQ(compat_oflags_to_wire(compat_oflags_from_wire(all |
	    P9_L_O_RDWR)), all | P9_L_O_RDWR);

	/* Dropped: FASYNC, NOCTTY, LARGEFILE, unknown bits. */
	h = compat_oflags_from_wire(P9_L_O_FASYNC | P9_L_O_NOCTTY |
	    P9_L_O_LARGEFILE | 0x80000000U | 020000000U | P9_L_O_WRONLY);
	ATF_CHECK_EQ_MSG(h, O_WRONLY, "dropped flags gave %#o", h);

	/* Only the wire's O_CREAT makes O_CREAT. */
	for (i = 0; i < 32; i++) {
		w = 1U << i;
		if (w == P9_L_O_CREAT)
			continue;
		h = compat_oflags_from_wire(w);
		ATF_CHECK_MSG((h & O_CREAT) == 0, "bit %#o gave O_CREAT", w);
	}
	ATF_CHECK((compat_oflags_from_wire(P9_L_O_CREAT) & O_CREAT) != 0);
	/* A lone __O_SYNC bit still means O_SYNC, as Linux reads it. */
	ATF_CHECK_EQ(compat_oflags_from_wire(P9_L_O_SYNC) & O_SYNC, O_SYNC);
}

ATF_TC_WITHOUT_HEAD(mode);
ATF_TC_BODY(mode, tc)
{
	static const struct {
		uint32_t	wire;
		mode_t		host;
	} types[] = {
		{ P9_L_S_IFSOCK, S_IFSOCK }, { P9_L_S_IFLNK, S_IFLNK },
		{ P9_L_S_IFREG, S_IFREG }, { P9_L_S_IFBLK, S_IFBLK },
		{ P9_L_S_IFDIR, S_IFDIR }, { P9_L_S_IFCHR, S_IFCHR },
		{ P9_L_S_IFIFO, S_IFIFO },
	}, perms[] = {
		{ 04000, S_ISUID }, { 02000, S_ISGID }, { 01000, S_ISVTX },
		{ 0400, S_IRUSR }, { 0200, S_IWUSR }, { 0100, S_IXUSR },
		{ 040, S_IRGRP }, { 020, S_IWGRP }, { 010, S_IXGRP },
		{ 04, S_IROTH }, { 02, S_IWOTH }, { 01, S_IXOTH },
	};
	size_t		i, j;
	uint32_t	w;
	mode_t		m;

	for (i = 0; i < nitems(types); i++)
		for (j = 0; j < nitems(perms); j++) {
			w = types[i].wire | perms[j].wire;
			m = types[i].host | perms[j].host;
			ATF_CHECK_EQ_MSG(compat_mode_from_wire(w), m,
			    "wire %#o", w);
			ATF_CHECK_EQ_MSG(compat_mode_to_wire(m), w,
			    "host %#o", (unsigned)m);
		}
	/* Every permission combination, on a regular file. */
	for (w = 0; w <= 07777; w++) {
		m = compat_mode_from_wire(P9_L_S_IFREG | w);
		ATF_CHECK_EQ_MSG(compat_mode_to_wire(m), P9_L_S_IFREG | w,
		    "perm %#o", w);
	}
	/* A type Linux lacks carries no type bits; bits beyond are dropped. */
	ATF_CHECK_EQ(compat_mode_from_wire(0170000U | 0644), 0644);
	ATF_CHECK_EQ(compat_mode_from_wire(0xffff0000U | P9_L_S_IFDIR | 0755),
	    S_IFDIR | 0755);
}

ATF_TC_WITHOUT_HEAD(dtype_lktype);
ATF_TC_BODY(dtype_lktype, tc)
{
	static const struct {
		uint8_t	wire;
		int	host;
	} dt[] = {
		{ P9_L_DT_UNKNOWN, DT_UNKNOWN }, { P9_L_DT_FIFO, DT_FIFO },
		{ P9_L_DT_CHR, DT_CHR }, { P9_L_DT_DIR, DT_DIR },
		{ P9_L_DT_BLK, DT_BLK }, { P9_L_DT_REG, DT_REG },
		{ P9_L_DT_LNK, DT_LNK }, { P9_L_DT_SOCK, DT_SOCK },
	}, lk[] = {
		{ P9_LOCK_TYPE_RDLCK, F_RDLCK },
		{ P9_LOCK_TYPE_WRLCK, F_WRLCK },
		{ P9_LOCK_TYPE_UNLCK, F_UNLCK },
	};
	size_t	i;

	for (i = 0; i < nitems(dt); i++) {
		ATF_CHECK_EQ(compat_dtype_to_wire(dt[i].host), dt[i].wire);
		ATF_CHECK_EQ(compat_dtype_from_wire(dt[i].wire), dt[i].host);
	}
	ATF_CHECK_EQ(compat_dtype_to_wire(200), P9_L_DT_UNKNOWN);
	ATF_CHECK_EQ(compat_dtype_from_wire(3), DT_UNKNOWN);
	ATF_CHECK_EQ(compat_dtype_from_wire(255), DT_UNKNOWN);

	for (i = 0; i < nitems(lk); i++) {
		ATF_CHECK_EQ(compat_lktype_from_wire(lk[i].wire), lk[i].host);
		ATF_CHECK_EQ(compat_lktype_to_wire(lk[i].host), lk[i].wire);
	}
	ATF_CHECK_EQ(compat_lktype_from_wire(3), -1);
	ATF_CHECK_EQ(compat_lktype_from_wire(255), -1);
}

ATF_TC_WITHOUT_HEAD(strings);
ATF_TC_BODY(strings, tc)
{
	char		 buf[8];
	void		*p;
	volatile size_t	 big = SIZE_MAX / 2;	/* hide it from -Walloc-size */

	memset(buf, 'x', sizeof(buf));
	ATF_CHECK_EQ(strlcpy(buf, "abcdefghij", sizeof(buf)), 10);
	ATF_CHECK_STREQ(buf, "abcdefg");
	ATF_CHECK_EQ(strlcpy(buf, "ab", sizeof(buf)), 2);
	ATF_CHECK_STREQ(buf, "ab");
	buf[0] = 'q';
	ATF_CHECK_EQ(strlcpy(buf, "zz", 0), 2);
	ATF_CHECK_EQ(buf[0], 'q');

	strlcpy(buf, "ab", sizeof(buf));
	ATF_CHECK_EQ(strlcat(buf, "cd", sizeof(buf)), 4);
	ATF_CHECK_STREQ(buf, "abcd");
	ATF_CHECK_EQ(strlcat(buf, "efghij", sizeof(buf)), 10);
	ATF_CHECK_STREQ(buf, "abcdefg");
	memset(buf, 'x', sizeof(buf));
	ATF_CHECK_EQ(strlcat(buf, "ab", sizeof(buf)), sizeof(buf) + 2);
	ATF_CHECK_EQ(buf[7], 'x');

#ifndef HAVE_REALLOCARRAY
	/* Ours; a C library's own may be intercepted by sanitizers. */
	errno = 0;
	ATF_CHECK(reallocarray(NULL, big, 3) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
#else
	(void)big;
#endif
	p = reallocarray(NULL, 16, 4);
	ATF_REQUIRE(p != NULL);
	memset(p, 0, 64);
	free(p);
}

/* AT_* flags: exact both ways; unknown wire bits are refused whole. */
ATF_TC_WITHOUT_HEAD(atflags);
ATF_TC_BODY(atflags, tc)
{
	uint32_t	 bit;

	ATF_CHECK_EQ(compat_atflags_from_wire(0), 0);
	ATF_CHECK_EQ(compat_atflags_from_wire(P9_L_AT_REMOVEDIR),
	    AT_REMOVEDIR);
	ATF_CHECK_EQ(compat_atflags_to_wire(AT_REMOVEDIR), P9_L_AT_REMOVEDIR);
	ATF_CHECK_EQ(compat_atflags_to_wire(0), 0);
	ATF_CHECK_EQ(compat_atflags_to_wire(
	    compat_atflags_from_wire(P9_L_AT_REMOVEDIR)), P9_L_AT_REMOVEDIR);
	for (bit = 1; bit != 0; bit <<= 1) {
		if (bit == P9_L_AT_REMOVEDIR)
			continue;
		ATF_CHECK_EQ_MSG(compat_atflags_from_wire(bit), -1,
		    "wire bit %#x accepted", bit);
		ATF_CHECK_EQ(compat_atflags_from_wire(bit | P9_L_AT_REMOVEDIR),
		    -1);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, atflags);
	ATF_TP_ADD_TC(tp, errno_known);
	ATF_TP_ADD_TC(tp, errno_roundtrip);
	ATF_TP_ADD_TC(tp, errno_unknown);
	ATF_TP_ADD_TC(tp, errno_nolinux);
	ATF_TP_ADD_TC(tp, nofollow_errno);
	ATF_TP_ADD_TC(tp, oflags);
	ATF_TP_ADD_TC(tp, mode);
	ATF_TP_ADD_TC(tp, dtype_lktype);
	ATF_TP_ADD_TC(tp, strings);
	return atf_no_error();
}
