/*
 * compat_peercred: the uid and gid of the process at the other end of a
 * unix socket, as the kernel recorded them; never an answer for another
 * kind of descriptor.  A host with no way to ask says ENOSYS, and the
 * daemon then treats every peer as unknown.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

/* The uid a child takes on to be somebody else: nobody's, usually. */
#define OTHER_ID	65534

static void
need_peercred(int rc)
{
	if (rc == -1 && errno == ENOSYS)
		atf_tc_skip("no peer credentials on this host");
}

ATF_TC_WITHOUT_HEAD(socketpair_self);
ATF_TC_BODY(socketpair_self, tc)
{
	uid_t	 uid = (uid_t)-2;
	gid_t	 gid = (gid_t)-2;
	int	 sv[2], rc;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	rc = compat_peercred(sv[0], &uid, &gid);
	need_peercred(rc);
	ATF_REQUIRE_MSG(rc == 0, "compat_peercred: %s", strerror(errno));
	ATF_CHECK_EQ(uid, geteuid());
	ATF_CHECK_EQ(gid, getegid());
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(not_unix);
ATF_TC_BODY(not_unix, tc)
{
	uid_t	 uid = 7;
	gid_t	 gid = 7;
	int	 fd, p[2];

	/* An inet socket may carry a credential on some hosts (Linux
	 * reports -1); it is never one to believe. */
	ATF_REQUIRE((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	ATF_CHECK_EQ(compat_peercred(fd, &uid, &gid), -1);
	ATF_CHECK_EQ(errno, EAFNOSUPPORT);
	close(fd);
	ATF_REQUIRE(pipe(p) == 0);
	ATF_CHECK_EQ(compat_peercred(p[0], &uid, &gid), -1);
	ATF_CHECK_EQ(errno, ENOTSOCK);
	close(p[0]);
	close(p[1]);
	ATF_CHECK_EQ(uid, 7);
	ATF_CHECK_EQ(gid, 7);
}

/* A connection from a process of another uid reports that uid. */
ATF_TC_WITHOUT_HEAD(other_uid);
ATF_TC_BODY(other_uid, tc)
{
	struct sockaddr_un	 sun;
	char			 dir[] = "/tmp/t_peercred.XXXXXX";
	uid_t			 uid;
	gid_t			 gid;
	pid_t			 pid;
	int			 lfd, fd, status, rc;

	if (geteuid() != 0)
		atf_tc_skip("needs root (connects as another uid)");
	ATF_REQUIRE(mkdtemp(dir) != NULL);
	ATF_REQUIRE(chmod(dir, 0777) == 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", dir);
	ATF_REQUIRE((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
	ATF_REQUIRE(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	ATF_REQUIRE(chmod(sun.sun_path, 0666) == 0);
	ATF_REQUIRE(listen(lfd, 1) == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		if (setgroups(0, NULL) == -1 || setgid(OTHER_ID) == -1 ||
		    setuid(OTHER_ID) == -1)
			_exit(2);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
			_exit(3);
		_exit(0);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %d", status);
	/* The child is gone; what it connected stays queued. */
	ATF_REQUIRE((fd = accept(lfd, NULL, NULL)) != -1);
	rc = compat_peercred(fd, &uid, &gid);
	need_peercred(rc);
	ATF_REQUIRE_MSG(rc == 0, "compat_peercred: %s", strerror(errno));
	ATF_CHECK_EQ(uid, OTHER_ID);
	ATF_CHECK_EQ(gid, OTHER_ID);
	close(fd);
	close(lfd);
	unlink(sun.sun_path);
	rmdir(dir);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, socketpair_self);
	ATF_TP_ADD_TC(tp, not_unix);
	ATF_TP_ADD_TC(tp, other_uid);
	return atf_no_error();
}
