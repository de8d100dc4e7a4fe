/*
 * compat/lock.c: byte-range locks per open file description.  Two opens
 * (two owners) conflict, one owner never conflicts with itself, ranges
 * split and merge as fcntl(2) locks do, and releasing an owner frees its
 * locks.  The same expectations hold for F_OFD_* and for the portable
 * in-process table.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

static int	own_a, own_b, own_c;
#define A	(&own_a)
#define B	(&own_b)
#define C	(&own_c)

static int
openf(int flags)
{
	int	fd;

	fd = open("f", flags | O_CREAT, 0644);
	ATF_REQUIRE_MSG(fd != -1, "open: %s", strerror(errno));
	return fd;
}

static void
lock_ok(int fd, const void *o, int type, off_t start, off_t len)
{
	ATF_CHECK_MSG(compat_setlock(fd, o, type, start, len) == 0,
	    "setlock type %d [%jd +%jd]: %s", type, (intmax_t)start,
	    (intmax_t)len, strerror(errno));
}

static void
lock_busy(int fd, const void *o, int type, off_t start, off_t len)
{
	errno = 0;
	ATF_CHECK_MSG(compat_setlock(fd, o, type, start, len) == -1 &&
	    errno == EAGAIN, "setlock type %d [%jd +%jd] not EAGAIN: %s",
	    type, (intmax_t)start, (intmax_t)len, strerror(errno));
}

/* What does owner o see at [start, +len] for a lock of type? */
static void
getlk(int fd, const void *o, int type, off_t start, off_t len, int etype,
    off_t estart, off_t elen)
{
	off_t	s = start, l = len;
	pid_t	pid = 0;
	int	t = type;

	ATF_REQUIRE_MSG(compat_getlock(fd, o, &t, &s, &l, &pid) == 0,
	    "getlock: %s", strerror(errno));
	ATF_CHECK_EQ_MSG(t, etype, "getlock [%jd +%jd] type %d, want %d",
	    (intmax_t)start, (intmax_t)len, t, etype);
	if (etype != F_UNLCK && t == etype) {
		ATF_CHECK_EQ_MSG(s, estart, "start %jd, want %jd",
		    (intmax_t)s, (intmax_t)estart);
		ATF_CHECK_EQ_MSG(l, elen, "len %jd, want %jd",
		    (intmax_t)l, (intmax_t)elen);
		/* No process owns a description's lock. */
		ATF_CHECK_EQ(pid, -1);
	}
}

ATF_TC_WITHOUT_HEAD(conflict);
ATF_TC_BODY(conflict, tc)
{
	int	fd1, fd2;

	fd1 = openf(O_RDWR);
	fd2 = openf(O_RDWR);
	lock_ok(fd1, A, F_WRLCK, 0, 10);
	lock_busy(fd2, B, F_WRLCK, 5, 10);
	lock_busy(fd2, B, F_RDLCK, 9, 1);
	lock_ok(fd2, B, F_RDLCK, 10, 5);
	/* The owner never conflicts with itself: upgrade, downgrade. */
	lock_ok(fd1, A, F_RDLCK, 0, 10);
	lock_ok(fd1, A, F_WRLCK, 0, 10);
	lock_busy(fd1, A, F_WRLCK, 0, 11);
	getlk(fd2, B, F_RDLCK, 0, 0, F_WRLCK, 0, 10);
	getlk(fd1, A, F_WRLCK, 0, 0, F_RDLCK, 10, 5);
	getlk(fd1, A, F_WRLCK, 0, 10, F_UNLCK, 0, 0);
	close(fd1);
	close(fd2);
}

ATF_TC_WITHOUT_HEAD(shared);
ATF_TC_BODY(shared, tc)
{
	int	fd1, fd2, fd3;

	fd1 = openf(O_RDWR);
	fd2 = openf(O_RDONLY);
	fd3 = openf(O_RDWR);
	lock_ok(fd1, A, F_RDLCK, 0, 0);
	lock_ok(fd2, B, F_RDLCK, 100, 50);
	getlk(fd3, C, F_RDLCK, 0, 0, F_UNLCK, 0, 0);
	lock_busy(fd3, C, F_WRLCK, 1000, 1);
	/* fd1 alone may not upgrade while fd2 shares. */
	lock_busy(fd1, A, F_WRLCK, 120, 1);
	lock_ok(fd1, A, F_WRLCK, 0, 100);
	getlk(fd3, C, F_RDLCK, 50, 1, F_WRLCK, 0, 100);
	close(fd1);
	close(fd2);
	close(fd3);
}

ATF_TC_WITHOUT_HEAD(ranges);
ATF_TC_BODY(ranges, tc)
{
	int	fd1, fd2;

	fd1 = openf(O_RDWR);
	fd2 = openf(O_RDWR);

	/* Unlock the middle of a lock: it splits. */
	lock_ok(fd1, A, F_WRLCK, 0, 100);
	lock_ok(fd1, A, F_UNLCK, 20, 10);
	lock_ok(fd2, B, F_WRLCK, 20, 10);
	lock_busy(fd2, B, F_WRLCK, 19, 1);
	lock_busy(fd2, B, F_WRLCK, 30, 1);
	getlk(fd2, B, F_WRLCK, 5, 1, F_WRLCK, 0, 20);
	getlk(fd2, B, F_WRLCK, 50, 1, F_WRLCK, 30, 70);
	getlk(fd2, B, F_WRLCK, 25, 1, F_UNLCK, 0, 0);
	lock_ok(fd2, B, F_UNLCK, 0, 0);

	/* Adjacent locks of one type merge, different types split. */
	lock_ok(fd1, A, F_UNLCK, 0, 0);
	lock_ok(fd1, A, F_RDLCK, 0, 10);
	lock_ok(fd1, A, F_RDLCK, 10, 10);
	getlk(fd2, B, F_WRLCK, 15, 1, F_RDLCK, 0, 20);
	lock_ok(fd1, A, F_WRLCK, 5, 10);
	getlk(fd2, B, F_WRLCK, 0, 1, F_RDLCK, 0, 5);
	getlk(fd2, B, F_RDLCK, 7, 1, F_WRLCK, 5, 10);
	getlk(fd2, B, F_WRLCK, 17, 1, F_RDLCK, 15, 5);
	lock_ok(fd2, B, F_RDLCK, 0, 5);
	lock_busy(fd2, B, F_RDLCK, 14, 1);
	lock_ok(fd2, B, F_RDLCK, 15, 5);
	lock_ok(fd2, B, F_UNLCK, 0, 0);

	/* len 0 runs to the end of all files. */
	lock_ok(fd1, A, F_UNLCK, 0, 0);
	lock_ok(fd1, A, F_RDLCK, 1000, 0);
	getlk(fd2, B, F_WRLCK, (off_t)1 << 40, 1, F_RDLCK, 1000, 0);
	lock_busy(fd2, B, F_WRLCK, 999, 2);
	lock_ok(fd2, B, F_WRLCK, 0, 1000);

	/* A negative len counts back from start: [5, 9]. */
	lock_ok(fd1, A, F_UNLCK, 0, 0);
	lock_ok(fd2, B, F_UNLCK, 0, 0);
	lock_ok(fd1, A, F_WRLCK, 10, -5);
	getlk(fd2, B, F_RDLCK, 0, 0, F_WRLCK, 5, 5);
	lock_ok(fd2, B, F_WRLCK, 10, 1);
	lock_ok(fd2, B, F_WRLCK, 0, 5);
	close(fd1);
	close(fd2);
}

ATF_TC_WITHOUT_HEAD(release);
ATF_TC_BODY(release, tc)
{
	int	fd1, fd2, fd3;

	fd1 = openf(O_RDWR);
	fd2 = openf(O_RDWR);
	fd3 = openf(O_RDWR);
	lock_ok(fd1, A, F_WRLCK, 0, 10);
	lock_ok(fd1, A, F_RDLCK, 50, 0);
	lock_ok(fd2, B, F_WRLCK, 20, 10);
	lock_busy(fd3, C, F_WRLCK, 0, 0);

	/* Releasing A leaves B's lock alone. */
	compat_unlock_owner(fd1, A);
	lock_ok(fd3, C, F_WRLCK, 0, 10);
	lock_ok(fd3, C, F_WRLCK, 50, 0);
	lock_busy(fd3, C, F_WRLCK, 25, 1);
	getlk(fd1, A, F_RDLCK, 0, 0, F_WRLCK, 20, 10);

	/* At clunk the daemon releases the owner, then closes. */
	compat_unlock_owner(fd2, B);
	close(fd2);
	lock_ok(fd3, C, F_WRLCK, 0, 0);
	getlk(fd1, A, F_RDLCK, 0, 0, F_WRLCK, 0, 0);
	compat_unlock_owner(fd3, C);
	close(fd3);
	lock_ok(fd1, A, F_WRLCK, 0, 0);
	close(fd1);
}

ATF_TC_WITHOUT_HEAD(invalid);
ATF_TC_BODY(invalid, tc)
{
	off_t	s = 0, l = 0;
	pid_t	pid;
	int	fd, rfd, wfd, t;

	fd = openf(O_RDWR);
	rfd = openf(O_RDONLY);
	wfd = openf(O_WRONLY);
	errno = 0;
	ATF_CHECK(compat_setlock(fd, A, 77, 0, 0) == -1 && errno == EINVAL);
	errno = 0;
	ATF_CHECK(compat_setlock(fd, A, F_WRLCK, -1, 1) == -1 &&
	    errno == EINVAL);
	errno = 0;
	ATF_CHECK(compat_setlock(fd, A, F_WRLCK, 3, -4) == -1 &&
	    errno == EINVAL);
	/* The open must allow the kind of lock. */
	errno = 0;
	ATF_CHECK(compat_setlock(rfd, B, F_WRLCK, 0, 1) == -1 &&
	    errno == EBADF);
	errno = 0;
	ATF_CHECK(compat_setlock(wfd, C, F_RDLCK, 0, 1) == -1 &&
	    errno == EBADF);
	lock_ok(rfd, B, F_RDLCK, 0, 1);
	lock_ok(wfd, C, F_WRLCK, 1, 1);
	t = F_UNLCK;
	errno = 0;
	ATF_CHECK(compat_getlock(fd, A, &t, &s, &l, &pid) == -1 &&
	    errno == EINVAL);
	errno = 0;
	ATF_CHECK(compat_setlock(-1, A, F_WRLCK, 0, 1) == -1 &&
	    errno == EBADF);
	close(fd);
	close(rfd);
	close(wfd);
}

/* Many disjoint locks: either all fit, or the table says ENOLCK. */
ATF_TC_WITHOUT_HEAD(many);
ATF_TC_BODY(many, tc)
{
	int	fd1, fd2, i, n = 0;

	fd1 = openf(O_RDWR);
	fd2 = openf(O_RDWR);
	for (i = 0; i < 10000; i++) {
		if (compat_setlock(fd1, A, F_WRLCK, 2 * i, 1) == -1) {
			ATF_CHECK_EQ_MSG(errno, ENOLCK, "lock %d: %s", i,
			    strerror(errno));
			break;
		}
		n++;
	}
	ATF_CHECK(n >= 1000);
	lock_busy(fd2, B, F_WRLCK, 2 * (n - 1), 1);
	getlk(fd2, B, F_RDLCK, 2 * (n / 2), 2, F_WRLCK, 2 * (n / 2), 1);
	compat_unlock_owner(fd1, A);
	lock_ok(fd2, B, F_WRLCK, 0, 0);
	close(fd1);
	close(fd2);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, conflict);
	ATF_TP_ADD_TC(tp, shared);
	ATF_TP_ADD_TC(tp, ranges);
	ATF_TP_ADD_TC(tp, release);
	ATF_TP_ADD_TC(tp, invalid);
	ATF_TP_ADD_TC(tp, many);
	return atf_no_error();
}
