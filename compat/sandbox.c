/*
 * Confinement after start-up, where the platform has it.  Path safety
 * never depends on this (every lookup is already one component with
 * O_NOFOLLOW from a parent descriptor); it is a second fence should that
 * logic ever be wrong.
 *
 * Linux: Landlock, per worker thread.  The workers may touch the export
 * roots (read-only ones only for reading) and read the system files the
 * user database needs; nothing else on the file system.
 *
 * OpenBSD: unveil(2) and pledge(2), which hold for the whole process, the
 * event loop thread too: the export roots as above, /etc for reading
 * (the user database), and the paths the process must remove at exit
 * (its pidfile and unix sockets) for removal only.  Then, once start-up
 * is over, pledge to what serving needs (compat_sandbox_lock).
 *
 * Elsewhere, or on a kernel without Landlock: nothing, said once.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LANDLOCK
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "compat.h"

#ifdef HAVE_LANDLOCK
#define LL_READ	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | \
	LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | \
	LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
	LANDLOCK_ACCESS_FS_MAKE_SYM)
#ifdef LANDLOCK_ACCESS_FS_REFER
#define LL_REFER LANDLOCK_ACCESS_FS_REFER
#else
#define LL_REFER 0
#endif

static int
ll_allow(int ruleset, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr	 pb;
	int					 fd, rc, saved;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = access;
	pb.parent_fd = fd;
	rc = (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
#endif

/*
 * Build the confinement.  Landlock confines only the threads that enter
 * it, so the daemon confines its workers, which make every file system
 * call a client can cause, while the main thread stays free to remove
 * its pidfile and sockets at exit (rmpaths is not needed there).
 * Returns a handle for compat_sandbox_enter, COMPAT_SANDBOX_PROCESS when
 * the whole process is confined at once (unveil), COMPAT_SANDBOX_NONE
 * where the platform has no way, or -1.
 */
int
compat_sandbox_prepare(const char *const *paths, const int *readonly, int n,
    const char *const *rmpaths, int nrm)
{
#ifdef HAVE_LANDLOCK
	struct landlock_ruleset_attr	 attr;
	static const char *const	 sysread[] = {
		"/etc", "/usr/lib", "/usr/lib64", "/lib", "/lib64",
		"/usr/share/zoneinfo"
	};
	uint64_t			 all;
	long				 abi;
	int				 rs, i, saved;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return COMPAT_SANDBOX_NONE;	/* kernel without Landlock */
	all = LL_READ | LL_WRITE | LANDLOCK_ACCESS_FS_EXECUTE;
	if (abi >= 2)
		all |= LL_REFER;
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = all;
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    sizeof(attr), 0)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (ll_allow(rs, paths[i], readonly[i] ? LL_READ :
		    (all & ~(uint64_t)LANDLOCK_ACCESS_FS_EXECUTE)) == -1)
			goto fail;
	}
	for (i = 0; i < (int)(sizeof(sysread) / sizeof(sysread[0])); i++)
		if (ll_allow(rs, sysread[i], LL_READ) == -1)
			goto fail;
	(void)rmpaths;
	(void)nrm;
	/* Inherited by the threads made after this. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		goto fail;
	return rs;
fail:
	saved = errno;
	close(rs);
	errno = saved;
	return -1;
#elif defined(HAVE_UNVEIL)
	int	 i;

	for (i = 0; i < n; i++)
		if (unveil(paths[i], readonly[i] ? "r" : "rwc") == -1)
			return -1;
	/* Only creating and removing that one name: no reading it. */
	for (i = 0; i < nrm; i++)
		if (unveil(rmpaths[i], "c") == -1)
			return -1;
	if (unveil("/etc", "r") == -1 || unveil(NULL, NULL) == -1)
		return -1;
	return COMPAT_SANDBOX_PROCESS;
#else
	(void)paths;
	(void)readonly;
	(void)n;
	(void)rmpaths;
	(void)nrm;
	return COMPAT_SANDBOX_NONE;
#endif
}

/*
 * After start-up (workers running, listeners open, privileges dropped),
 * give up the system calls serving does not need.  need is a mask of
 * COMPAT_NEED_UNIX and COMPAT_NEED_INET, the kinds of socket accepted
 * or served.  What the daemon does from then on, and the promise each
 * needs:
 *
 *	stdio	the event loop, threads, buffers, mmap of a file, syslog
 *	rpath	open for reading, stat, readlink, directory listings, statfs
 *	wpath	open for writing
 *	cpath	create, remove, rename, link, symlink, mkdir; the pidfile
 *		and unix sockets at exit
 *	dpath	mknod and mkfifo (Tmknod)
 *	fattr	chmod, utimes, truncate (Tsetattr)
 *	chown	fchown and fchownat at all (Tsetattr of uid or gid)
 *	getpw	getpwuid_r and getgrouplist for trusted-group peers
 *	unix	accept, getpeername and getpeereid on unix sockets
 *	inet	accept, getpeername and TCP_NODELAY on TCP sockets
 *
 * Not: flock (locks are the in-process table: there are no OFD locks),
 * id (no per-thread credentials: the "user" and "squash" modes are
 * refused at start-up), proc and exec (nothing is forked after this).
 * Returns 1 when pledged, 0 where the platform has no pledge, or -1.
 */
int
compat_sandbox_lock(int need)
{
#ifdef HAVE_PLEDGE
	char	promises[128];

	(void)snprintf(promises, sizeof(promises),
	    "stdio rpath wpath cpath dpath fattr chown getpw%s%s",
	    (need & COMPAT_NEED_UNIX) ? " unix" : "",
	    (need & COMPAT_NEED_INET) ? " inet" : "");
	if (pledge(promises, NULL) == -1)
		return -1;
	return 1;
#else
	(void)need;
	return 0;
#endif
}

/* Confine the calling thread with a prepared handle. */
int
compat_sandbox_enter(int handle)
{
#ifdef HAVE_LANDLOCK
	return (int)syscall(SYS_landlock_restrict_self, handle, 0);
#else
	(void)handle;
	errno = ENOSYS;
	return -1;
#endif
}
