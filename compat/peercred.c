/*
 * Who is at the other end of a unix socket.  The kernel records the
 * credentials of the process that connected (Linux: SO_PEERCRED, taken
 * at connect(2); the BSDs and macOS: getpeereid(3), the same idea), so a
 * peer cannot claim another uid than it had then.  A socket of any other
 * family, or a host with neither call, has no such answer: the caller
 * must treat the peer as unknown, never as root.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"

int
compat_peercred(int fd, uid_t *uidp, gid_t *gidp)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
#ifdef HAVE_SO_PEERCRED
	struct ucred		 uc;
	socklen_t		 uclen = sizeof(uc);
#endif

	/* TCP has a peer credential on some hosts too (Linux answers -1):
	 * only a unix socket's means anything. */
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1)
		return -1;
	if (ss.ss_family != AF_UNIX) {
		errno = EAFNOSUPPORT;
		return -1;
	}
#if defined(HAVE_SO_PEERCRED)
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &uclen) == -1)
		return -1;
	/* A socket with no recorded peer (never connected) reports
	 * uid -1: nobody known, and never taken for a real uid. */
	if (uclen != sizeof(uc) || uc.uid == (uid_t)-1) {
		errno = ENOTCONN;
		return -1;
	}
	*uidp = uc.uid;
	*gidp = uc.gid;
	return 0;
#elif defined(HAVE_GETPEEREID)
	return getpeereid(fd, uidp, gidp);
#else
	(void)uidp;
	(void)gidp;
	errno = ENOSYS;
	return -1;
#endif
}
