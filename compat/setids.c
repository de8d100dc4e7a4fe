/*
 * Give up root for good: the real, effective and saved user and group
 * ids all become the target's, and that is checked afterwards rather
 * than trusted, since a half-done switch (a saved id of 0 left behind)
 * would let the process take root back.
 */
#include <sys/types.h>

#include <errno.h>
#include <unistd.h>

#include "compat.h"

int
compat_setids_held(uid_t uid, gid_t gid)
{
	if (getuid() != uid || geteuid() != uid ||
	    getgid() != gid || getegid() != gid) {
		errno = EPERM;
		return -1;
	}
	/*
	 * With any id still 0 (the saved one, which no getter shows) these
	 * would succeed; then the switch did not hold.
	 */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		errno = EPERM;
		return -1;
	}
	if (gid != 0 && uid != 0 && (setgid(0) != -1 || setegid(0) != -1)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * Without setres*id: as root, POSIX's setgid and setuid set the real,
 * effective and saved ids together.  The group goes first, while the
 * process still may change it.
 */
int
compat_setids_fallback(uid_t uid, gid_t gid)
{
	if (setgid(gid) == -1 || setuid(uid) == -1)
		return -1;
	return compat_setids_held(uid, gid);
}

int
compat_setids(uid_t uid, gid_t gid)
{
#ifdef HAVE_SETRESUID
	if (setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1)
		return -1;
	return compat_setids_held(uid, gid);
#else
	return compat_setids_fallback(uid, gid);
#endif
}
