/*
 * Per-thread file system credentials, for the "user" and "squash"
 * identity modes: a worker takes on the attaching user's uid, gid and
 * groups for one request, so permission checks are the kernel's.
 *
 * On Linux setfsuid/setfsgid are per thread, and so is the raw
 * setgroups system call (glibc's setgroups() changes every thread, which
 * is exactly wrong here).  Elsewhere there is no per-thread way: the
 * shim says ENOSYS and the daemon refuses those modes at start-up.
 */
#include <sys/types.h>

#include <errno.h>
#include <unistd.h>

#ifdef HAVE_SETFSUID
#include <sys/fsuid.h>
#include <sys/syscall.h>
#endif

#include "compat.h"

int
compat_cred_supported(void)
{
#ifdef HAVE_SETFSUID
	return 1;
#else
	return 0;
#endif
}

/*
 * Switch this thread's file system identity.  setfsuid() reports no
 * error, so the result is read back with an invalid id to check it.
 */
int
compat_setcred(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
#ifdef HAVE_SETFSUID
	if (syscall(SYS_setgroups, (size_t)ngroups, groups) == -1)
		return -1;
	setfsgid(gid);
	if ((gid_t)setfsgid((gid_t)-1) != gid) {
		errno = EPERM;
		return -1;
	}
	setfsuid(uid);
	if ((uid_t)setfsuid((uid_t)-1) != uid) {
		errno = EPERM;
		return -1;
	}
	return 0;
#else
	(void)uid;
	(void)gid;
	(void)ngroups;
	(void)groups;
	errno = ENOSYS;
	return -1;
#endif
}
