/*
 * getgrouplist(3) with gid_t groups.  macOS declares it with int; gid_t
 * is an unsigned int there, so the same array is passed as the signed
 * type of the same size (an access C allows).
 */
#include <sys/types.h>

#include <grp.h>
#include <unistd.h>

#include "compat.h"

int
compat_getgrouplist(const char *user, gid_t gid, gid_t *groups, int *ngroups)
{
#ifdef HAVE_GETGROUPLIST_GID
	return getgrouplist(user, gid, groups, ngroups);
#else
	_Static_assert(sizeof(gid_t) == sizeof(int), "gid_t is not an int");
	return getgrouplist(user, (int)gid, (int *)groups, ngroups);
#endif
}
