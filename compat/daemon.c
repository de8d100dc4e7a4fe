/*
 * daemon(3) with nochdir and noclose 0.  macOS deprecates it (the build
 * treats that as an error), so there it is done by hand.
 */
#include <sys/types.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "compat.h"

int
compat_daemon(void)
{
#ifdef HAVE_DAEMON
	return daemon(0, 0);
#else
	int	fd;

	switch (fork()) {
	case -1:
		return -1;
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1 || chdir("/") == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		if (fd > STDERR_FILENO)
			close(fd);
		return -1;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
#endif
}
