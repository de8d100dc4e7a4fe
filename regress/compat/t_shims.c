/*
 * The compat/ file shims against real files in the test's own directory:
 * control fds, the AT_EMPTY_PATH family, times, reopen, link and xattrs.
 * The same source runs in the native and the PORTABLE=1 build; where the
 * two may differ observably (a renamed-over file, no fd for a symlink) the
 * expectation follows the HAVE_* the objects were built with.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "p9.h"
#include "compat.h"

#ifdef HAVE_SYS_XATTR
#include <sys/xattr.h>
#endif

static int
opendot(void)
{
	int	fd;

	fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ATF_REQUIRE_MSG(fd != -1, "open .: %s", strerror(errno));
	return fd;
}

static void
mkfile(const char *name, const char *data, mode_t mode)
{
	int	fd;

	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ATF_REQUIRE_MSG(fd != -1, "create %s: %s", name, strerror(errno));
	ATF_REQUIRE(write(fd, data, strlen(data)) == (ssize_t)strlen(data));
	ATF_REQUIRE(fchmod(fd, mode) == 0);
	close(fd);
}

static void
ctl(int dfd, const char *name, int *fd, struct stat *st)
{
	ATF_REQUIRE_MSG(compat_ctlopen(dfd, name, fd, st) == 0,
	    "ctlopen %s: %s", name, strerror(errno));
}

static off_t
fsize(const char *name)
{
	struct stat	sb;

	ATF_REQUIRE(stat(name, &sb) == 0);
	return sb.st_size;
}

ATF_TC_WITHOUT_HEAD(ctlopen_regular_dir);
ATF_TC_BODY(ctlopen_regular_dir, tc)
{
	struct stat	st, sb;
	int		dfd, fd;

	dfd = opendot();
	mkfile("f", "hello", 0644);
	ATF_REQUIRE(mkdir("d", 0755) == 0);

	ctl(dfd, "f", &fd, &st);
	ATF_REQUIRE(fd >= 0);
	ATF_CHECK(S_ISREG(st.st_mode));
	ATF_REQUIRE(stat("f", &sb) == 0);
	ATF_CHECK_EQ(st.st_ino, sb.st_ino);
#ifdef HAVE_O_PATH
	/* A path-only descriptor: the file itself was never opened. */
	ATF_CHECK_EQ(compat_fd_is_io(fd), 0);
	ATF_CHECK(fcntl(fd, F_GETFL) & O_PATH);
#else
	ATF_CHECK_EQ(compat_fd_is_io(fd), 1);
	/* A control fd is never writable. */
	ATF_CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
#endif
	ATF_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);

	ctl(dfd, "d", &fd, &st);
	ATF_REQUIRE(fd >= 0);
	ATF_CHECK(S_ISDIR(st.st_mode));
#ifdef HAVE_O_PATH
	ATF_CHECK_EQ(compat_fd_is_io(fd), 0);
#else
	ATF_CHECK_EQ(compat_fd_is_io(fd), 1);
#endif
	close(fd);
	ATF_CHECK_EQ(compat_fd_is_io(-1), 0);
}

ATF_TC_WITHOUT_HEAD(ctlopen_symlink);
ATF_TC_BODY(ctlopen_symlink, tc)
{
	struct stat	st, sb;
	int		dfd, fd;
	const char	*names[] = { "l", "dangling" };
	size_t		i;

	dfd = opendot();
	mkfile("f", "hello", 0644);
	ATF_REQUIRE(symlink("f", "l") == 0);
	ATF_REQUIRE(symlink("nowhere", "dangling") == 0);
	for (i = 0; i < 2; i++) {
		ctl(dfd, names[i], &fd, &st);
		ATF_CHECK_MSG(S_ISLNK(st.st_mode), "%s followed", names[i]);
		ATF_REQUIRE(lstat(names[i], &sb) == 0);
		ATF_CHECK_EQ(st.st_ino, sb.st_ino);
#ifdef HAVE_O_PATH
		ATF_CHECK(fd >= 0);
		ATF_CHECK_EQ(compat_fd_is_io(fd), 0);
		/* The fd is the link itself, not its target. */
		ATF_REQUIRE(fstat(fd, &sb) == 0);
		ATF_CHECK(S_ISLNK(sb.st_mode));
#else
		ATF_CHECK_EQ(fd, -1);
#endif
		if (fd >= 0)
			close(fd);
	}
}

static void
on_alarm(int sig)
{
	(void)sig;
	_exit(3);
}

ATF_TC_WITHOUT_HEAD(ctlopen_fifo);
ATF_TC_BODY(ctlopen_fifo, tc)
{
	struct stat	st;
	int		dfd, fd;

	dfd = opendot();
	ATF_REQUIRE(mkfifo("p", 0644) == 0);
	/* No writer: a blocking open would hang; the alarm fails the test. */
	signal(SIGALRM, on_alarm);
	alarm(10);
	ctl(dfd, "p", &fd, &st);
	alarm(0);
	ATF_CHECK(S_ISFIFO(st.st_mode));
#ifdef HAVE_O_PATH
	/* A path-only descriptor: the FIFO itself is not opened. */
	ATF_CHECK(fd >= 0);
	ATF_CHECK_EQ(compat_fd_is_io(fd), 0);
#else
	/* Without O_PATH a special file is never opened at all. */
	ATF_CHECK_EQ(fd, -1);
#endif
	if (fd >= 0)
		close(fd);
}

/*
 * A FIFO renamed over a regular file's name between the look and the
 * open: the portable path must never hand out a descriptor opened on
 * it.  A child swaps the two under the name while we look it up; the
 * loop is bounded in count, not time.
 */
ATF_TC_WITHOUT_HEAD(ctlopen_swap);
ATF_TC_BODY(ctlopen_swap, tc)
{
#ifdef HAVE_O_PATH
	atf_tc_skip("O_PATH: a walk opens nothing, so nothing can be swapped");
#else
	struct stat	 st, fst;
	pid_t		 pid;
	int		 dfd, fd, i, held = 0, bad = 0, status;

	dfd = opendot();
	ATF_REQUIRE((fd = open("r", O_WRONLY | O_CREAT, 0644)) >= 0);
	close(fd);
	ATF_REQUIRE(mkfifo("f", 0644) == 0);
	ATF_REQUIRE(link("r", "x") == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		for (i = 0; i < 2000000; i++) {
			(void)unlink("t");
			(void)link(i % 2 ? "f" : "r", "t");
			(void)rename("t", "x");
		}
		_exit(0);
	}
	signal(SIGALRM, on_alarm);
	alarm(60);
	for (i = 0; i < 200000; i++) {
		if (compat_ctlopen(dfd, "x", &fd, &st) == -1 || fd < 0)
			continue;
		held++;
		if (fstat(fd, &fst) == -1 || !S_ISREG(fst.st_mode) ||
		    fst.st_ino != st.st_ino)
			bad++;
		close(fd);
	}
	alarm(0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ATF_CHECK_MSG(bad == 0, "%d of %d descriptors held were not the "
	    "regular file looked at", bad, held);
	ATF_CHECK(held > 0);
#endif
}

ATF_TC_WITHOUT_HEAD(ctlopen_enoent);
ATF_TC_BODY(ctlopen_enoent, tc)
{
	struct stat	st;
	int		dfd, fd = 42;

	dfd = opendot();
	errno = 0;
	ATF_CHECK_EQ(compat_ctlopen(dfd, "missing", &fd, &st), -1);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_CHECK_EQ(fd, -1);
	/* Through a symlink component it is not ENOENT-then-follow. */
	ATF_REQUIRE(symlink(".", "self") == 0);
	ATF_CHECK_EQ(compat_ctlopen(dfd, "self/missing", &fd, &st), -1);
}

/*
 * A file its reader cannot open: a child that is not root (root reads
 * everything) owns a mode 000 file.  It still gets a handle (O_PATH, or
 * none but the name) and can stat, chmod, utimens and then reopen it.
 */
ATF_TC_WITHOUT_HEAD(ctlopen_unreadable);
ATF_TC_BODY(ctlopen_unreadable, tc)
{
	struct timespec	ts[2];
	struct stat	st, sb, pst, plst;
	pid_t		pid;
	int		dfd, fd, status, nfd, pfd, plfd, xa;

	ATF_REQUIRE(mkdir("d", 0777) == 0);
	ATF_REQUIRE(chmod("d", 0777) == 0);
	mkfile("d/f", "secret", 0000);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	ATF_REQUIRE(dfd != -1);
	ATF_REQUIRE(symlink("f", "d/l") == 0);
	if (geteuid() == 0) {
		ATF_REQUIRE(chown("d/f", 65534, 65534) == 0);
		ATF_REQUIRE(lchown("d/l", 65534, 65534) == 0);
	}
	/*
	 * Handles opened here, before the child drops root: on Linux 6.10
	 * and later an AT_EMPTY_PATH link is allowed for a file the caller
	 * opened itself, so only fds with other credentials reach the /proc
	 * fallback.
	 */
	ctl(dfd, "f", &pfd, &pst);
	ctl(dfd, "l", &plfd, &plst);
#ifdef HAVE_SYS_XATTR
	xa = setxattr("f", "user.probe", "1", 1, 0) == 0;
#else
	xa = 0;
#endif
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) == -1 ||
		    setuid(65534) == -1))
			_exit(10);
		if (openat(dfd, "f", O_RDONLY) != -1)
			_exit(11);		/* the premise failed */
		if (compat_ctlopen(dfd, "f", &fd, &st) == -1)
			_exit(12);
		if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0)
			_exit(13);
#ifdef HAVE_O_PATH
		if (fd < 0 || compat_fd_is_io(fd))
			_exit(14);
#else
		if (fd != -1)
			_exit(14);
#endif
		if (compat_fstat(fd, dfd, "f", &sb) == -1 ||
		    sb.st_ino != st.st_ino)
			_exit(15);
		if (compat_fchmod(fd, dfd, "f", 0600) == -1)
			_exit(16);
		ts[0].tv_sec = 1000;
		ts[0].tv_nsec = 0;
		ts[1].tv_sec = 2000;
		ts[1].tv_nsec = 0;
		if (compat_utimens(fd, dfd, "f", st.st_mode, ts) == -1)
			_exit(17);
		if (fstatat(dfd, "f", &sb, 0) == -1 ||
		    (sb.st_mode & 07777) != 0600 || sb.st_mtime != 2000 ||
		    sb.st_atime != 1000)
			_exit(18);
		nfd = compat_reopen(fd, dfd, "f", st.st_dev, st.st_ino,
		    O_RDONLY);
		if (nfd == -1 || read(nfd, &sb, 6) != 6)
			_exit(19);
		/*
		 * Without CAP_DAC_READ_SEARCH, Linux's AT_EMPTY_PATH link
		 * fails and the /proc way must do, for a symlink too.
		 */
		if (compat_link(pfd, dfd, "f", &pst, dfd, "g") == -1 ||
		    fstatat(dfd, "g", &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    sb.st_ino != pst.st_ino)
			_exit(20);
		if (compat_link(plfd, dfd, "l", &plst, dfd, "l2") == -1 ||
		    fstatat(dfd, "l2", &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISLNK(sb.st_mode) || sb.st_ino != plst.st_ino)
			_exit(21);
		/* Attributes of the file behind an O_PATH fd, or no fd. */
		nfd = compat_getxattr(fd, dfd, "f", "user.probe", &sb, 1);
#ifdef HAVE_PROC_SELF_FD
		if (xa && nfd != 1)
			_exit(22);
#else
		if (xa && (nfd != -1 || errno != EACCES))
			_exit(22);
#endif
		_exit(0);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status));
	ATF_CHECK_EQ_MSG(WEXITSTATUS(status), 0, "child step %d failed",
	    WEXITSTATUS(status));
}

ATF_TC_WITHOUT_HEAD(fstat_readlink);
ATF_TC_BODY(fstat_readlink, tc)
{
	struct stat	st, sb;
	char		buf[64];
	ssize_t		n;
	int		dfd, fd, ffd;

	dfd = opendot();
	mkfile("f", "x", 0644);
	ATF_REQUIRE(symlink("some/target", "l") == 0);
	ctl(dfd, "l", &fd, &st);
	ATF_REQUIRE(compat_fstat(fd, dfd, "l", &sb) == 0);
	ATF_CHECK(S_ISLNK(sb.st_mode));
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
	n = compat_readlink(fd, dfd, "l", buf, sizeof(buf));
	ATF_REQUIRE_MSG(n == 11, "readlink: %zd %s", n, strerror(errno));
	ATF_CHECK(memcmp(buf, "some/target", 11) == 0);
	/* Bounded: never writes past the size given. */
	memset(buf, 'z', sizeof(buf));
	ATF_CHECK_EQ(compat_readlink(fd, dfd, "l", buf, 4), 4);
	ATF_CHECK(memcmp(buf, "somez", 5) == 0);

	ctl(dfd, "f", &ffd, &st);
	errno = 0;
	ATF_CHECK_EQ(compat_readlink(ffd, dfd, "f", buf, sizeof(buf)), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_REQUIRE(compat_fstat(ffd, -1, NULL, &sb) == 0);
	ATF_CHECK(S_ISREG(sb.st_mode));
	errno = 0;
	ATF_CHECK_EQ(compat_fstat(-1, -1, NULL, &sb), -1);
	ATF_CHECK_EQ(errno, EBADF);
}

ATF_TC_WITHOUT_HEAD(reopen_write);
ATF_TC_BODY(reopen_write, tc)
{
	struct stat	st, sb;
	char		buf[16];
	int		dfd, fd, wfd;

	dfd = opendot();
	mkfile("a", "original", 0644);
	ctl(dfd, "a", &fd, &st);
	wfd = compat_reopen(fd, dfd, "a", st.st_dev, st.st_ino,
	    O_WRONLY | O_TRUNC);
	ATF_REQUIRE_MSG(wfd != -1, "reopen: %s", strerror(errno));
	ATF_CHECK(fcntl(wfd, F_GETFD) & FD_CLOEXEC);
	ATF_CHECK_EQ(fcntl(wfd, F_GETFL) & O_NONBLOCK, 0);
	ATF_CHECK_EQ(fsize("a"), 0);
	ATF_REQUIRE(write(wfd, "new", 3) == 3);
	close(wfd);
	ATF_CHECK_EQ(fsize("a"), 3);

	/* Someone renames another file over the name. */
	ATF_REQUIRE(rename("a", "a.old") == 0);
	mkfile("a", "intruder", 0644);
	errno = 0;
	wfd = compat_reopen(fd, dfd, "a", st.st_dev, st.st_ino,
	    O_RDWR | O_TRUNC);
#ifdef HAVE_PROC_SELF_FD
	/* Through the fd: still the original file, now a.old. */
	ATF_REQUIRE_MSG(wfd != -1, "reopen: %s", strerror(errno));
	ATF_REQUIRE(fstat(wfd, &sb) == 0);
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
	ATF_CHECK_EQ(fsize("a.old"), 0);
	close(wfd);
#else
	ATF_CHECK_EQ(wfd, -1);
	ATF_CHECK_EQ(errno, ESTALE);
	ATF_CHECK_EQ(fsize("a.old"), 3);
#endif
	/* Never the intruder, and never truncated. */
	ATF_CHECK_EQ(fsize("a"), 8);

	/* The wrong dev/ino is refused whichever way is taken. */
	ATF_REQUIRE(stat("a", &sb) == 0);
	errno = 0;
	ATF_CHECK_EQ(compat_reopen(fd, dfd, "a", sb.st_dev, sb.st_ino,
	    O_RDONLY), -1);
	ATF_CHECK_EQ(errno, ESTALE);
	close(fd);

	/* A directory root without a name reopens through itself. */
	ATF_REQUIRE(fstat(dfd, &st) == 0);
	wfd = compat_reopen(dfd, -1, NULL, st.st_dev, st.st_ino,
	    O_RDONLY | O_DIRECTORY);
	ATF_REQUIRE_MSG(wfd != -1, "reopen dir: %s", strerror(errno));
	ATF_REQUIRE(fstat(wfd, &sb) == 0);
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
	ATF_CHECK(read(wfd, buf, sizeof(buf)) == -1);	/* EISDIR */
	close(wfd);
}

ATF_TC_WITHOUT_HEAD(reopen_nocreate);
ATF_TC_BODY(reopen_nocreate, tc)
{
	struct stat	st, sb;
	int		dfd, fd, wfd;

	dfd = opendot();
	mkfile("a", "data", 0644);
	ctl(dfd, "a", &fd, &st);
	ATF_REQUIRE(unlink("a") == 0);
	errno = 0;
	wfd = compat_reopen(fd, dfd, "a", st.st_dev, st.st_ino,
	    O_WRONLY | O_CREAT | O_EXCL);
#ifdef HAVE_PROC_SELF_FD
	/* The open-unlink case: the fd still reaches the file. */
	ATF_REQUIRE_MSG(wfd != -1, "reopen: %s", strerror(errno));
	ATF_REQUIRE(fstat(wfd, &sb) == 0);
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
	close(wfd);
#else
	ATF_CHECK_EQ(wfd, -1);
	ATF_CHECK_EQ(errno, ENOENT);
#endif
	ATF_CHECK_MSG(lstat("a", &sb) == -1 && errno == ENOENT,
	    "reopen created the name");

	/*
	 * A FIFO never blocks a reopen: without a writer a read open
	 * returns at once, without a reader a write open is ENXIO.  (By
	 * name: the control fd would be a reader itself.)
	 */
	ATF_REQUIRE(mkfifo("p", 0644) == 0);
	ctl(dfd, "p", &fd, &st);
	close(fd);
	signal(SIGALRM, on_alarm);
	alarm(10);
	wfd = compat_reopen(-1, dfd, "p", st.st_dev, st.st_ino, O_RDONLY);
	ATF_CHECK_MSG(wfd != -1, "reopen fifo: %s", strerror(errno));
	if (wfd != -1) {
		ATF_CHECK_EQ(fcntl(wfd, F_GETFL) & O_NONBLOCK, 0);
		close(wfd);
	}
	errno = 0;
	ATF_CHECK_EQ(compat_reopen(-1, dfd, "p", st.st_dev, st.st_ino,
	    O_WRONLY), -1);
	ATF_CHECK_EQ(errno, ENXIO);
	alarm(0);
}

ATF_TC_WITHOUT_HEAD(link_handle);
ATF_TC_BODY(link_handle, tc)
{
	struct stat	st, lst, sb;
	int		dfd, fd, lfd;

	dfd = opendot();
	mkfile("f", "data", 0644);
	ATF_REQUIRE(symlink("f", "l") == 0);
	ctl(dfd, "f", &fd, &st);
	ctl(dfd, "l", &lfd, &lst);

	ATF_REQUIRE_MSG(compat_link(fd, dfd, "f", &st, dfd, "g") == 0,
	    "link: %s", strerror(errno));
	ATF_REQUIRE(lstat("g", &sb) == 0);
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
	ATF_CHECK_EQ(sb.st_nlink, 2);

	/* A symlink's handle links the symlink, not its target. */
	ATF_REQUIRE_MSG(compat_link(lfd, dfd, "l", &lst, dfd, "l2") == 0,
	    "link symlink: %s", strerror(errno));
	ATF_REQUIRE(lstat("l2", &sb) == 0);
	ATF_CHECK(S_ISLNK(sb.st_mode));
	ATF_CHECK_EQ(sb.st_ino, lst.st_ino);

	errno = 0;
	ATF_CHECK_EQ(compat_link(fd, dfd, "f", &st, dfd, "g"), -1);
	ATF_CHECK_EQ(errno, EEXIST);

	/* The name now holds another file. */
	ATF_REQUIRE(rename("f", "f.old") == 0);
	mkfile("f", "intruder", 0644);
	errno = 0;
#ifdef HAVE_AT_EMPTY_PATH
	ATF_REQUIRE_MSG(compat_link(fd, dfd, "f", &st, dfd, "h") == 0,
	    "link: %s", strerror(errno));
	ATF_REQUIRE(lstat("h", &sb) == 0);
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
#else
	ATF_CHECK_EQ(compat_link(fd, dfd, "f", &st, dfd, "h"), -1);
	ATF_CHECK_EQ(errno, ESTALE);
	ATF_CHECK(lstat("h", &sb) == -1);
#endif
	if (fd >= 0)
		close(fd);
	if (lfd >= 0)
		close(lfd);
}

static void
settimes(struct timespec ts[2], time_t a, time_t m)
{
	ts[0].tv_sec = a;
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = m;
	ts[1].tv_nsec = 0;
}

ATF_TC_WITHOUT_HEAD(utimens);
ATF_TC_BODY(utimens, tc)
{
	struct timespec	ts[2];
	struct stat	st, sb;
	int		dfd, fd;

	dfd = opendot();
	mkfile("f", "data", 0644);
	ATF_REQUIRE(mkdir("d", 0755) == 0);
	ATF_REQUIRE(symlink("f", "l") == 0);

	ctl(dfd, "f", &fd, &st);
	settimes(ts, 1000, 2000);
	ATF_REQUIRE(compat_utimens(fd, dfd, "f", st.st_mode, ts) == 0);
	ATF_REQUIRE(stat("f", &sb) == 0);
	ATF_CHECK_EQ(sb.st_atime, 1000);
	ATF_CHECK_EQ(sb.st_mtime, 2000);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 2500;
	ATF_REQUIRE(compat_utimens(fd, dfd, "f", st.st_mode, ts) == 0);
	ATF_REQUIRE(stat("f", &sb) == 0);
	ATF_CHECK_EQ(sb.st_atime, 1000);
	ATF_CHECK_EQ(sb.st_mtime, 2500);
	close(fd);

	ctl(dfd, "d", &fd, &st);
	settimes(ts, 3000, 4000);
	ATF_REQUIRE(compat_utimens(fd, dfd, "d", st.st_mode, ts) == 0);
	ATF_REQUIRE(stat("d", &sb) == 0);
	ATF_CHECK_EQ(sb.st_mtime, 4000);
	close(fd);

	ctl(dfd, "l", &fd, &st);
	settimes(ts, 5000, 6000);
	ATF_REQUIRE_MSG(compat_utimens(fd, dfd, "l", st.st_mode, ts) == 0,
	    "utimens symlink: %s", strerror(errno));
	ATF_REQUIRE(lstat("l", &sb) == 0);
	ATF_CHECK_EQ(sb.st_atime, 5000);
	ATF_CHECK_EQ(sb.st_mtime, 6000);
	/* The target keeps its times. */
	ATF_REQUIRE(stat("f", &sb) == 0);
	ATF_CHECK_EQ(sb.st_atime, 1000);
	ATF_CHECK_EQ(sb.st_mtime, 2500);
	if (fd >= 0)
		close(fd);
}

ATF_TC_WITHOUT_HEAD(chown_chmod_symlink);
ATF_TC_BODY(chown_chmod_symlink, tc)
{
	struct stat	st, sb;
	int		dfd, fd, r;

	dfd = opendot();
	mkfile("f", "data", 0644);
	ATF_REQUIRE(symlink("f", "l") == 0);
	ctl(dfd, "l", &fd, &st);

	/* chmod never reaches the target; Linux refuses, BSD lchmods. */
	errno = 0;
	r = compat_fchmod(fd, dfd, "l", 0600);
	ATF_CHECK_MSG(r == 0 || errno == EOPNOTSUPP, "fchmod: %s",
	    strerror(errno));
	ATF_REQUIRE(stat("f", &sb) == 0);
	ATF_CHECK_EQ(sb.st_mode & 07777, 0644);

	if (geteuid() != 0)
		atf_tc_skip("chown to another owner needs root");
	ATF_REQUIRE_MSG(compat_fchown(fd, dfd, "l", 1234, 4321) == 0,
	    "fchown: %s", strerror(errno));
	ATF_REQUIRE(lstat("l", &sb) == 0);
	ATF_CHECK_EQ(sb.st_uid, 1234);
	ATF_CHECK_EQ(sb.st_gid, 4321);
	ATF_REQUIRE(stat("f", &sb) == 0);
	ATF_CHECK_EQ(sb.st_uid, geteuid());
	if (fd >= 0)
		close(fd);

	/* And a regular file through its fd. */
	ctl(dfd, "f", &fd, &st);
	ATF_REQUIRE(compat_fchown(fd, dfd, "f", 555, 666) == 0);
	ATF_REQUIRE(compat_fchmod(fd, dfd, "f", 0640) == 0);
	ATF_REQUIRE(stat("f", &sb) == 0);
	ATF_CHECK_EQ(sb.st_uid, 555);
	ATF_CHECK_EQ(sb.st_gid, 666);
	ATF_CHECK_EQ(sb.st_mode & 07777, 0640);
	close(fd);
}

/*
 * compat_iofd, which FreeBSD's extattr shim uses because extattr_*_fd
 * refuses O_PATH fds: an I/O fd of the same file from a control fd, never
 * a symlink's target, never a device or FIFO, never a swapped-in file.
 */
ATF_TC_WITHOUT_HEAD(iofd);
ATF_TC_BODY(iofd, tc)
{
	struct stat	st, sb;
	char		buf[8];
	int		dfd, fd, iofd;

	dfd = opendot();
	mkfile("f", "data", 0644);
	ATF_REQUIRE(mkdir("d", 0755) == 0);
	ATF_REQUIRE(symlink("f", "l") == 0);
	ATF_REQUIRE(mkfifo("p", 0644) == 0);

	ctl(dfd, "f", &fd, &st);
	iofd = compat_iofd(fd, dfd, "f", 0);
	ATF_REQUIRE_MSG(iofd != -1, "iofd f: %s", strerror(errno));
	ATF_CHECK_EQ(compat_fd_is_io(iofd), 1);
	ATF_REQUIRE(fstat(iofd, &sb) == 0);
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
	ATF_CHECK_EQ(read(iofd, buf, 4), 4);
	ATF_CHECK_EQ(fcntl(iofd, F_GETFL) & O_ACCMODE, O_RDONLY);
	ATF_CHECK(fcntl(iofd, F_GETFD) & FD_CLOEXEC);
	if (compat_fd_is_io(fd))
		ATF_CHECK_EQ(iofd, fd);
	else {
		ATF_CHECK(iofd != fd);
		/* Blocking again once verified, like any reopen. */
		ATF_CHECK_EQ(fcntl(iofd, F_GETFL) & O_NONBLOCK, 0);
		close(iofd);
		/* A file renamed over the name is never the one reopened. */
		ATF_REQUIRE(rename("f", "f.old") == 0);
		mkfile("f", "intruder", 0644);
		iofd = compat_iofd(fd, dfd, "f", 0);
		if (iofd != -1) {
			ATF_REQUIRE(fstat(iofd, &sb) == 0);
			ATF_CHECK_EQ(sb.st_ino, st.st_ino);
			close(iofd);
		} else
			ATF_CHECK_EQ(errno, ESTALE);
	}
	close(fd);

	ctl(dfd, "d", &fd, &st);
	iofd = compat_iofd(fd, dfd, "d", 1);
	ATF_REQUIRE_MSG(iofd != -1, "iofd d: %s", strerror(errno));
	ATF_CHECK_EQ(compat_fd_is_io(iofd), 1);
	ATF_REQUIRE(fstat(iofd, &sb) == 0);
	ATF_CHECK_EQ(sb.st_ino, st.st_ino);
	if (iofd != fd)
		close(iofd);
	close(fd);

	/* The symlink itself, never its target. */
	ctl(dfd, "l", &fd, &st);
	if (fd >= 0) {
		errno = 0;
		ATF_CHECK_EQ(compat_iofd(fd, dfd, "l", 0), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		close(fd);
	}

	/* A FIFO is not opened for this (the control fd may be one). */
	ctl(dfd, "p", &fd, &st);
	if (fd >= 0 && !compat_fd_is_io(fd)) {
		errno = 0;
		ATF_CHECK_EQ(compat_iofd(fd, dfd, "p", 0), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
	}
	if (fd >= 0)
		close(fd);

	errno = 0;
	ATF_CHECK_EQ(compat_iofd(-1, dfd, "f", 0), -1);
	ATF_CHECK_EQ(errno, EBADF);
}

ATF_TC_WITHOUT_HEAD(xattr);
ATF_TC_BODY(xattr, tc)
{
	struct stat	st;
	char		buf[128];
	ssize_t		n;
	int		dfd, fd, lfd;

	dfd = opendot();
	mkfile("f", "data", 0644);
	ATF_REQUIRE(symlink("f", "l") == 0);
	ctl(dfd, "f", &fd, &st);
#ifdef HAVE_SYS_XATTR
	if (setxattr("f", "user.probe", "1", 1, 0) == -1)
		atf_tc_skip("no user xattrs on this file system: %s",
		    strerror(errno));
	ATF_REQUIRE(removexattr("f", "user.probe") == 0);
#else
	errno = 0;
	ATF_CHECK_EQ(compat_setxattr(fd, dfd, "f", "user.a", "1", 1, 0), -1);
	if (errno == ENOTSUP)
		atf_tc_skip("no xattr support compiled in");
#endif
	ATF_REQUIRE_MSG(compat_setxattr(fd, dfd, "f", "user.foo", "bar", 3,
	    P9_XATTR_CREATE) == 0, "setxattr: %s", strerror(errno));
	errno = 0;
	ATF_CHECK_EQ(compat_setxattr(fd, dfd, "f", "user.foo", "baz", 3,
	    P9_XATTR_CREATE), -1);
	ATF_CHECK_EQ(errno, EEXIST);
	errno = 0;
	ATF_CHECK_EQ(compat_setxattr(fd, dfd, "f", "user.none", "x", 1,
	    P9_XATTR_REPLACE), -1);
	ATF_CHECK_EQ(compat_errno_to_wire(errno), P9_L_ENODATA);
	errno = 0;
	ATF_CHECK_EQ(compat_setxattr(fd, dfd, "f", "user.foo", "x", 1, 8),
	    -1);
	ATF_CHECK_EQ(errno, EINVAL);

	ATF_CHECK_EQ(compat_getxattr(fd, dfd, "f", "user.foo", NULL, 0), 3);
	n = compat_getxattr(fd, dfd, "f", "user.foo", buf, sizeof(buf));
	ATF_REQUIRE_EQ(n, 3);
	ATF_CHECK(memcmp(buf, "bar", 3) == 0);
	errno = 0;
	ATF_CHECK_EQ(compat_getxattr(fd, dfd, "f", "user.foo", buf, 2), -1);
	ATF_CHECK_EQ(errno, ERANGE);

	ATF_REQUIRE(compat_setxattr(fd, dfd, "f", "user.two", "22", 2,
	    P9_XATTR_REPLACE | 0) == -1);
	ATF_REQUIRE(compat_setxattr(fd, dfd, "f", "user.two", "22", 2, 0) ==
	    0);
	n = compat_listxattr(fd, dfd, "f", NULL, 0);
	ATF_CHECK_MSG(n >= 18, "list size %zd", n);
	n = compat_listxattr(fd, dfd, "f", buf, sizeof(buf));
	ATF_REQUIRE(n > 0 && (size_t)n < sizeof(buf));
	buf[n] = '\0';
	ATF_CHECK(memmem(buf, n, "user.foo\0", 9) != NULL);
	ATF_CHECK(memmem(buf, n, "user.two\0", 9) != NULL);

	ATF_REQUIRE(compat_removexattr(fd, dfd, "f", "user.foo") == 0);
	errno = 0;
	ATF_CHECK_EQ(compat_getxattr(fd, dfd, "f", "user.foo", buf,
	    sizeof(buf)), -1);
	ATF_CHECK_EQ(compat_errno_to_wire(errno), P9_L_ENODATA);

	/* A symlink has no reachable user attributes and takes none. */
	ctl(dfd, "l", &lfd, &st);
	errno = 0;
	ATF_CHECK_EQ(compat_getxattr(lfd, dfd, "l", "user.two", buf,
	    sizeof(buf)), -1);
	ATF_CHECK_EQ(compat_errno_to_wire(errno), P9_L_ENODATA);
	errno = 0;
	ATF_CHECK_EQ(compat_setxattr(lfd, dfd, "l", "user.x", "1", 1, 0), -1);
	ATF_CHECK_EQ(errno, EPERM);
	ATF_CHECK_EQ(compat_listxattr(lfd, dfd, "l", buf, sizeof(buf)), 0);
	/* ... and the target's were not touched through it. */
	ATF_CHECK_EQ(compat_getxattr(fd, dfd, "f", "user.two", NULL, 0), 2);
	ATF_CHECK_EQ(compat_getxattr(fd, dfd, "f", "user.x", NULL, 0), -1);
	close(fd);
	if (lfd >= 0)
		close(lfd);
}

ATF_TC_WITHOUT_HEAD(map_resident);
ATF_TC_BODY(map_resident, tc)
{
	static uint8_t	 data[300000];
	uint8_t		*p;
	size_t		 i, pg = (size_t)sysconf(_SC_PAGESIZE);
	int		 fd;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 4096);
	fd = open("m", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd != -1);
	/* Just written: every page is in the page cache. */
	ATF_REQUIRE(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data));
	p = compat_map_resident(fd, (off_t)pg, sizeof(data) - pg);
#ifdef HAVE_MINCORE
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK(memcmp(p, data + pg, sizeof(data) - pg) == 0);
	ATF_CHECK(munmap(p, sizeof(data) - pg) == 0);
#else
	/* Cannot tell what is resident: never a mapping. */
	ATF_CHECK(p == NULL);
#endif
	/* Not page aligned, empty, a directory: nothing mapped. */
	ATF_CHECK(compat_map_resident(fd, 1, 4096) == NULL);
	ATF_CHECK(compat_map_resident(fd, 0, 0) == NULL);
	close(fd);
	fd = opendot();
	ATF_CHECK(compat_map_resident(fd, 0, 4096) == NULL);
	close(fd);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ctlopen_regular_dir);
	ATF_TP_ADD_TC(tp, ctlopen_symlink);
	ATF_TP_ADD_TC(tp, ctlopen_fifo);
	ATF_TP_ADD_TC(tp, ctlopen_swap);
	ATF_TP_ADD_TC(tp, ctlopen_enoent);
	ATF_TP_ADD_TC(tp, ctlopen_unreadable);
	ATF_TP_ADD_TC(tp, fstat_readlink);
	ATF_TP_ADD_TC(tp, reopen_write);
	ATF_TP_ADD_TC(tp, reopen_nocreate);
	ATF_TP_ADD_TC(tp, link_handle);
	ATF_TP_ADD_TC(tp, utimens);
	ATF_TP_ADD_TC(tp, chown_chmod_symlink);
	ATF_TP_ADD_TC(tp, iofd);
	ATF_TP_ADD_TC(tp, xattr);
	ATF_TP_ADD_TC(tp, map_resident);
	return atf_no_error();
}
