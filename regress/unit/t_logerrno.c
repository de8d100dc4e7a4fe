/*
 * log.c keeps errno: callers write "log_warn(...); return errno;", so a
 * log call that fails to write must not change it.  stderr is made a
 * read-only descriptor, so every write to it fails with EBADF.
 */
#include <errno.h>
#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <atf-c.h>

#include "fsgoferd.h"

static void
stderr_unwritable(void)
{
	int	 fd;

	ATF_REQUIRE((fd = open("/dev/null", O_RDONLY)) != -1);
	ATF_REQUIRE(dup2(fd, STDERR_FILENO) != -1);
	close(fd);
	log_init(1, LOG_DAEMON);
	log_setverbose(1);
}

ATF_TC_WITHOUT_HEAD(errno_kept);
ATF_TC_BODY(errno_kept, tc)
{
	stderr_unwritable();
	errno = ENOENT;
	log_warnx("warnx %d", 1);
	ATF_CHECK_EQ_MSG(errno, ENOENT, "log_warnx: errno %d", errno);
	errno = EACCES;
	log_info("info %s", "x");
	ATF_CHECK_EQ_MSG(errno, EACCES, "log_info: errno %d", errno);
	errno = EEXIST;
	log_debug("debug");
	ATF_CHECK_EQ_MSG(errno, EEXIST, "log_debug: errno %d", errno);
	errno = EPERM;
	log_warn("warn");
	ATF_CHECK_EQ_MSG(errno, EPERM, "log_warn: errno %d", errno);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, errno_kept);
	return atf_no_error();
}
