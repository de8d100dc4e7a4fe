/*
 * fdatasync(2) where the C library declares it; fsync(2) elsewhere,
 * which writes at least as much (the metadata too).
 */
#include <unistd.h>

#include "compat.h"

int
compat_fdatasync(int fd)
{
#ifdef HAVE_FDATASYNC
	return fdatasync(fd);
#else
	return fsync(fd);
#endif
}
