/*
 * Sockets that are not inherited across exec: SOCK_CLOEXEC where the
 * host has it, else FD_CLOEXEC set at once (macOS).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "compat.h"

int
compat_socket_fcntl(int domain, int type, int protocol)
{
	int	fd, saved;

	if ((fd = socket(domain, type, protocol)) == -1)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
compat_socket_cloexec(int domain, int type, int protocol)
{
#ifdef HAVE_SOCK_CLOEXEC
	return socket(domain, type | SOCK_CLOEXEC, protocol);
#else
	return compat_socket_fcntl(domain, type, protocol);
#endif
}
