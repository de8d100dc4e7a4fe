/*
 * The errno of an open(2) with O_NOFOLLOW that met a symlink.  POSIX and
 * Linux say ELOOP; FreeBSD says EMLINK and NetBSD EFTYPE, which the
 * wire would carry as "too many links" or EPERM.  Neither open(2) gives
 * those for anything else when nothing is created, so at an O_NOFOLLOW
 * open they are the symlink and become ELOOP.  The Makefiles say which
 * host does which (a run-time answer no compile probe can find).
 */
#include <errno.h>

#include "compat.h"

int
compat_nofollow_errno(int e)
{
#ifdef HAVE_NOFOLLOW_EMLINK
	if (e == EMLINK)
		return ELOOP;
#endif
#if defined(HAVE_NOFOLLOW_EFTYPE) && defined(EFTYPE)
	if (e == EFTYPE)
		return ELOOP;
#endif
	return e;
}
