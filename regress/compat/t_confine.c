/*
 * The per-thread shims: compat_setcred (a worker acting as another user)
 * and compat_sandbox_prepare/enter (a worker confined to the exports).
 * Both must change only the calling thread: the loop and the other
 * workers keep the daemon's identity and reach.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

struct probe {
	const char	*path;
	int		 sandbox;	/* handle, or -1: setcred instead */
	int		 err;		/* errno of the open, 0 if it worked */
	int		 err2;		/* a second path, after the first */
	const char	*path2;
	int		 fail;		/* the shim itself failed */
};

static int
try_open(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return errno;
	close(fd);
	return 0;
}

static void *
probe_thread(void *arg)
{
	struct probe	*p = arg;
	gid_t		 g = 65534;

	if (p->sandbox >= 0) {
		if (compat_sandbox_enter(p->sandbox) == -1)
			p->fail = errno;
	} else if (compat_setcred(65534, 65534, 1, &g) == -1)
		p->fail = errno;
	if (p->fail == 0) {
		p->err = try_open(p->path);
		if (p->path2 != NULL)
			p->err2 = try_open(p->path2);
	}
	return NULL;
}

static void
run_probe(struct probe *p)
{
	pthread_t	 t;

	ATF_REQUIRE(pthread_create(&t, NULL, probe_thread, p) == 0);
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
}

static void
mkfile(const char *path, mode_t mode)
{
	int	 fd;

	ATF_REQUIRE((fd = open(path, O_CREAT | O_WRONLY, mode)) != -1);
	ATF_REQUIRE(write(fd, "x", 1) == 1);
	ATF_REQUIRE(fchmod(fd, mode) == 0);
	close(fd);
}

ATF_TC_WITHOUT_HEAD(setcred_thread);
ATF_TC_BODY(setcred_thread, tc)
{
	struct probe	 p;

	if (!compat_cred_supported()) {
		gid_t	 g = 0;

		ATF_CHECK_EQ(compat_setcred(0, 0, 1, &g), -1);
		ATF_CHECK_EQ(errno, ENOSYS);
		return;
	}
	if (geteuid() != 0)
		atf_tc_skip("switching credentials needs root");
	mkfile("secret", 0600);
	memset(&p, 0, sizeof(p));
	p.path = "secret";
	p.sandbox = -1;
	run_probe(&p);
	ATF_REQUIRE_EQ_MSG(p.fail, 0, "compat_setcred: %s", strerror(p.fail));
	/* As nobody, a root-only file is out of reach ... */
	ATF_CHECK_EQ(p.err, EACCES);
	/* ... and this thread, the daemon, still reads it. */
	ATF_CHECK_EQ(try_open("secret"), 0);
	ATF_CHECK_EQ(geteuid(), 0);
}

ATF_TC_WITHOUT_HEAD(sandbox_thread);
ATF_TC_BODY(sandbox_thread, tc)
{
	struct probe	 p;
	char		 cwd[PATH_MAX], exp[PATH_MAX + 16];
	const char	*paths[1];
	int		 ro[1] = { 0 }, h;

	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	ATF_REQUIRE(mkdir("export", 0755) == 0);
	mkfile("export/inside", 0644);
	mkfile("outside", 0644);
	snprintf(exp, sizeof(exp), "%s/export", cwd);
	paths[0] = exp;
	h = compat_sandbox_prepare(paths, ro, 1, NULL, 0);
	if (h == COMPAT_SANDBOX_NONE)
		atf_tc_skip("no per-thread confinement here (no Landlock)");
	ATF_REQUIRE_MSG(h >= 0, "prepare: %s", strerror(errno));
	memset(&p, 0, sizeof(p));
	p.sandbox = h;
	p.path = "export/inside";
	p.path2 = "outside";
	run_probe(&p);
	close(h);
	ATF_REQUIRE_EQ_MSG(p.fail, 0, "enter: %s", strerror(p.fail));
	ATF_CHECK_EQ(p.err, 0);
	ATF_CHECK_EQ(p.err2, EACCES);
	/* The calling thread was never confined. */
	ATF_CHECK_EQ(try_open("outside"), 0);
}

/* Without pledge the lock is a no-op that says so; -1 would be fatal. */
ATF_TC_WITHOUT_HEAD(lock_noop);
ATF_TC_BODY(lock_noop, tc)
{
#ifdef HAVE_PLEDGE
	atf_tc_skip("pledge(2) here: the lock would hold for the test");
#else
	ATF_CHECK_EQ(compat_sandbox_lock(COMPAT_NEED_UNIX |
	    COMPAT_NEED_INET), 0);
	ATF_CHECK_EQ(compat_sandbox_lock(0), 0);
#endif
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, setcred_thread);
	ATF_TP_ADD_TC(tp, sandbox_thread);
	ATF_TP_ADD_TC(tp, lock_noop);
	return atf_no_error();
}
