/*
 * The shims that make fsgoferd build on other systems, called directly
 * on Linux: compat_queue.h (built into this test whatever the host has),
 * the stat time accessors, sockets with FD_CLOEXEC by the fcntl route,
 * the setgid/setuid fallback for setresuid and the check after it, and
 * the small libc stand-ins.
 */
#include "compat_queue.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

struct item {
	int			 i_val;
	TAILQ_ENTRY(item)	 i_tq;
	SLIST_ENTRY(item)	 i_sl;
	LIST_ENTRY(item)	 i_l;
};
TAILQ_HEAD(itemq, item);
SLIST_HEAD(itemsl, item);
LIST_HEAD(iteml, item);

/* The values of q front to back, as digits, checked both ways. */
static const char *
tq_order(struct itemq *q)
{
	static char	 buf[32], back[32];
	struct item	*it;
	size_t		 n = 0, m = 0, k;

	TAILQ_FOREACH(it, q, i_tq)
		buf[n++] = (char)('0' + it->i_val);
	buf[n] = '\0';
	for (it = TAILQ_LAST(q, itemq); it != NULL;
	    it = TAILQ_PREV(it, itemq, i_tq))
		back[m++] = (char)('0' + it->i_val);
	ATF_REQUIRE_EQ(n, m);
	for (k = 0; k < n; k++)
		ATF_REQUIRE_EQ(buf[k], back[n - 1 - k]);
	ATF_REQUIRE_EQ(TAILQ_EMPTY(q), n == 0);
	return buf;
}

ATF_TC_WITHOUT_HEAD(queue_tailq);
ATF_TC_BODY(queue_tailq, tc)
{
	struct itemq	 q, q2;
	struct item	 it[8], *first;
	int		 i;

	for (i = 0; i < 8; i++)
		it[i].i_val = i;
	TAILQ_INIT(&q);
	TAILQ_INIT(&q2);
	ATF_CHECK_STREQ(tq_order(&q), "");
	ATF_CHECK(TAILQ_FIRST(&q) == NULL && TAILQ_LAST(&q, itemq) == NULL);
	TAILQ_INSERT_TAIL(&q, &it[1], i_tq);
	TAILQ_INSERT_TAIL(&q, &it[2], i_tq);
	TAILQ_INSERT_HEAD(&q, &it[0], i_tq);
	TAILQ_INSERT_TAIL(&q, &it[3], i_tq);
	ATF_CHECK_STREQ(tq_order(&q), "0123");
	ATF_CHECK(TAILQ_NEXT(&it[3], i_tq) == NULL);
	TAILQ_REMOVE(&q, &it[2], i_tq);		/* middle */
	ATF_CHECK_STREQ(tq_order(&q), "013");
	first = TAILQ_FIRST(&q);
	TAILQ_REMOVE(&q, first, i_tq);		/* head */
	ATF_CHECK_STREQ(tq_order(&q), "13");
	TAILQ_REMOVE(&q, &it[3], i_tq);		/* tail */
	ATF_CHECK_STREQ(tq_order(&q), "1");
	TAILQ_REMOVE(&q, &it[1], i_tq);		/* the only one */
	ATF_CHECK_STREQ(tq_order(&q), "");

	/* Concatenation: empty onto empty, onto empty, onto some. */
	TAILQ_CONCAT(&q, &q2, i_tq);
	ATF_CHECK_STREQ(tq_order(&q), "");
	TAILQ_INSERT_TAIL(&q2, &it[4], i_tq);
	TAILQ_INSERT_TAIL(&q2, &it[5], i_tq);
	TAILQ_CONCAT(&q, &q2, i_tq);
	ATF_CHECK_STREQ(tq_order(&q), "45");
	ATF_CHECK_STREQ(tq_order(&q2), "");
	TAILQ_INSERT_TAIL(&q2, &it[6], i_tq);
	TAILQ_INSERT_HEAD(&q2, &it[7], i_tq);
	TAILQ_CONCAT(&q, &q2, i_tq);
	ATF_CHECK_STREQ(tq_order(&q), "4576");
	ATF_CHECK_STREQ(tq_order(&q2), "");
	TAILQ_CONCAT(&q, &q2, i_tq);
	ATF_CHECK_STREQ(tq_order(&q), "4576");
	/* A joined list unlinks across the seam. */
	TAILQ_REMOVE(&q, &it[5], i_tq);
	TAILQ_REMOVE(&q, &it[7], i_tq);
	ATF_CHECK_STREQ(tq_order(&q), "46");
}

ATF_TC_WITHOUT_HEAD(queue_slist);
ATF_TC_BODY(queue_slist, tc)
{
	struct itemsl	 l = SLIST_HEAD_INITIALIZER(l);
	struct item	 it[3], *p;
	char		 buf[8];
	size_t		 n;
	int		 i;

	ATF_CHECK(SLIST_EMPTY(&l));
	for (i = 0; i < 3; i++) {
		it[i].i_val = i;
		SLIST_INSERT_HEAD(&l, &it[i], i_sl);
	}
	n = 0;
	SLIST_FOREACH(p, &l, i_sl)
		buf[n++] = (char)('0' + p->i_val);
	buf[n] = '\0';
	ATF_CHECK_STREQ(buf, "210");
	SLIST_REMOVE_HEAD(&l, i_sl);
	ATF_CHECK(SLIST_FIRST(&l) == &it[1]);
	SLIST_REMOVE_HEAD(&l, i_sl);
	SLIST_REMOVE_HEAD(&l, i_sl);
	ATF_CHECK(SLIST_EMPTY(&l));
	SLIST_INIT(&l);
	ATF_CHECK(SLIST_FIRST(&l) == NULL);
}

/* The values of l front to back, as digits. */
static const char *
l_order(struct iteml *l)
{
	static char	 buf[32];
	struct item	*p;
	size_t		 n = 0;

	LIST_FOREACH(p, l, i_l)
		buf[n++] = (char)('0' + p->i_val);
	buf[n] = '\0';
	ATF_REQUIRE_EQ(LIST_EMPTY(l), n == 0);
	return buf;
}

ATF_TC_WITHOUT_HEAD(queue_list);
ATF_TC_BODY(queue_list, tc)
{
	struct iteml	 l;
	struct item	 it[4];
	int		 i;

	LIST_INIT(&l);
	ATF_CHECK_STREQ(l_order(&l), "");
	for (i = 0; i < 4; i++) {
		it[i].i_val = i;
		LIST_INSERT_HEAD(&l, &it[i], i_l);
	}
	ATF_CHECK_STREQ(l_order(&l), "3210");
	/* Removal needs no head: middle, first, last, the only one. */
	LIST_REMOVE(&it[2], i_l);
	ATF_CHECK_STREQ(l_order(&l), "310");
	LIST_REMOVE(&it[3], i_l);
	ATF_CHECK_STREQ(l_order(&l), "10");
	ATF_CHECK(LIST_FIRST(&l) == &it[1]);
	LIST_REMOVE(&it[0], i_l);
	ATF_CHECK_STREQ(l_order(&l), "1");
	ATF_CHECK(LIST_NEXT(&it[1], i_l) == NULL);
	LIST_REMOVE(&it[1], i_l);
	ATF_CHECK_STREQ(l_order(&l), "");
	/* The head's link is fixed up by an insert after a removal. */
	LIST_INSERT_HEAD(&l, &it[2], i_l);
	LIST_INSERT_HEAD(&l, &it[3], i_l);
	LIST_REMOVE(&it[3], i_l);
	ATF_CHECK_STREQ(l_order(&l), "2");
}

ATF_TC_WITHOUT_HEAD(stat_times);
ATF_TC_BODY(stat_times, tc)
{
	struct timespec	 ts[2];
	struct stat	 st;
	int		 fd;

	fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd != -1);
	ts[0].tv_sec = 1000000001;
	ts[0].tv_nsec = 123456789;
	ts[1].tv_sec = 1200000002;
	ts[1].tv_nsec = 987654321;
	ATF_REQUIRE(futimens(fd, ts) == 0);
	ATF_REQUIRE(fstat(fd, &st) == 0);
	close(fd);
	ATF_CHECK_EQ(COMPAT_ST_ATIM(&st).tv_sec, ts[0].tv_sec);
	ATF_CHECK_EQ(COMPAT_ST_MTIM(&st).tv_sec, ts[1].tv_sec);
	ATF_CHECK_EQ(COMPAT_ST_ATIM(&st).tv_sec, st.st_atime);
	ATF_CHECK_EQ(COMPAT_ST_MTIM(&st).tv_sec, st.st_mtime);
	ATF_CHECK_EQ(COMPAT_ST_CTIM(&st).tv_sec, st.st_ctime);
#if defined(HAVE_ST_MTIM) || defined(HAVE_ST_MTIMESPEC)
	/* Nanoseconds, where the file system keeps them (tmpfs, ext4). */
	if (COMPAT_ST_MTIM(&st).tv_nsec != 0) {
		ATF_CHECK_EQ(COMPAT_ST_ATIM(&st).tv_nsec, ts[0].tv_nsec);
		ATF_CHECK_EQ(COMPAT_ST_MTIM(&st).tv_nsec, ts[1].tv_nsec);
	}
#endif
	/* A change time was stamped just now, not left zero. */
	ATF_CHECK(COMPAT_ST_CTIM(&st).tv_sec > ts[1].tv_sec);
}

static void
check_cloexec_socket(int fd)
{
	int		 type;
	socklen_t	 len = sizeof(type);

	ATF_REQUIRE_MSG(fd != -1, "socket: %s", strerror(errno));
	ATF_CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	ATF_CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0);
	ATF_CHECK_EQ(type, SOCK_STREAM);
	close(fd);
}

ATF_TC_WITHOUT_HEAD(socket_cloexec);
ATF_TC_BODY(socket_cloexec, tc)
{
	int	fd;

	check_cloexec_socket(compat_socket_fcntl(AF_UNIX, SOCK_STREAM, 0));
	check_cloexec_socket(compat_socket_cloexec(AF_UNIX, SOCK_STREAM, 0));
	check_cloexec_socket(compat_socket_fcntl(AF_INET, SOCK_STREAM, 0));
	/* Failure is socket(2)'s, with its errno and no fd. */
	fd = compat_socket_fcntl(-1, SOCK_STREAM, 0);
	ATF_CHECK_EQ(fd, -1);
	ATF_CHECK_EQ(errno, EAFNOSUPPORT);
	fd = compat_socket_cloexec(-1, SOCK_STREAM, 0);
	ATF_CHECK_EQ(fd, -1);
	ATF_CHECK_EQ(errno, EAFNOSUPPORT);
}

/* In a child, as root: what fn leaves behind, as an exit code. */
static int
in_child(int (*fn)(uid_t, gid_t), uid_t uid, gid_t gid)
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == 0) {
		if (setgroups(1, &gid) == -1)
			_exit(10);
		if (fn(uid, gid) == -1)
			_exit(errno == EPERM ? 11 : 12);
		if (getuid() != uid || geteuid() != uid ||
		    getgid() != gid || getegid() != gid)
			_exit(13);
		/* Root must be gone for good, the saved id too. */
		if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1)
			_exit(14);
		_exit(0);
	}
	ATF_REQUIRE(pid != -1);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static struct passwd *
nobody(void)
{
	struct passwd	*pw;

	if (geteuid() != 0)
		atf_tc_skip("switching ids needs root");
	if ((pw = getpwnam("nobody")) == NULL || pw->pw_uid == 0)
		atf_tc_skip("no unprivileged user nobody");
	return pw;
}

ATF_TC_WITHOUT_HEAD(setids_fallback);
ATF_TC_BODY(setids_fallback, tc)
{
	struct passwd	*pw = nobody();

	ATF_CHECK_EQ(in_child(compat_setids_fallback, pw->pw_uid,
	    pw->pw_gid), 0);
	ATF_CHECK_EQ(in_child(compat_setids, pw->pw_uid, pw->pw_gid), 0);
}

#ifdef HAVE_SETRESUID
/* Real and effective ids dropped, the saved uid still root. */
static int
half_drop(uid_t uid, gid_t gid)
{
	if (setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, 0) == -1)
		_exit(20);
	return compat_setids_held(uid, gid);
}
#endif

ATF_TC_WITHOUT_HEAD(setids_check);
ATF_TC_BODY(setids_check, tc)
{
	struct passwd	*pw = nobody();

	/* Still root: the ids are not the target's. */
	ATF_CHECK_EQ(compat_setids_held(pw->pw_uid, pw->pw_gid), -1);
	ATF_CHECK_EQ(errno, EPERM);
	ATF_CHECK_EQ(geteuid(), 0);
#ifdef HAVE_SETRESUID
	/* The getters all say nobody, but root could be had back. */
	ATF_CHECK_EQ(in_child(half_drop, pw->pw_uid, pw->pw_gid), 11);
#endif
}

ATF_TC_WITHOUT_HEAD(libc_standins);
ATF_TC_BODY(libc_standins, tc)
{
	gid_t	 groups[64];
	int	 fd, n = 64, i, found = 0;

	fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE(write(fd, "x", 1) == 1);
	ATF_CHECK_EQ(compat_fdatasync(fd), 0);
	close(fd);
	ATF_CHECK_EQ(compat_fdatasync(fd), -1);
	ATF_CHECK_EQ(errno, EBADF);

	/* The base group is always in the list. */
	ATF_REQUIRE(compat_getgrouplist("root", 4242, groups, &n) != -1);
	ATF_REQUIRE(n >= 1);
	for (i = 0; i < n; i++)
		if (groups[i] == 4242)
			found = 1;
	ATF_CHECK(found);

	ATF_REQUIRE((fd = open(".", O_RDONLY | O_DIRECTORY)) != -1);
	ATF_CHECK_EQ(compat_mkfifoat(fd, "fifo", 0600), 0);
	close(fd);
	ATF_REQUIRE(access("fifo", F_OK) == 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, queue_tailq);
	ATF_TP_ADD_TC(tp, queue_slist);
	ATF_TP_ADD_TC(tp, queue_list);
	ATF_TP_ADD_TC(tp, stat_times);
	ATF_TP_ADD_TC(tp, socket_cloexec);
	ATF_TP_ADD_TC(tp, setids_fallback);
	ATF_TP_ADD_TC(tp, setids_check);
	ATF_TP_ADD_TC(tp, libc_standins);
	return atf_no_error();
}
