/*
 * The one header through which src/ reaches the host.  src/ never tests
 * __linux__ or __FreeBSD__: the Makefiles define HAVE_* after probing, and
 * each shim below picks its implementation from them.  PORTABLE=1 builds
 * define none of the optional HAVE_* so the fallbacks run on Linux too.
 *
 * Conventions: functions return 0 or -1 with errno set, like the system
 * calls they stand for.  A file is named by a "handle triple": its own fd
 * (a control fd, possibly O_PATH, or -1 where none could be opened), and
 * its parent directory fd plus its name in that directory (-1/NULL for an
 * export root).  Shims use the fd when they can, the parent and name
 * otherwise, and never follow a symlink either way.
 */
#ifndef COMPAT_H
#define COMPAT_H

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * "No such attribute": Linux's ENODATA, which FreeBSD and OpenBSD call
 * ENOATTR and do not define under the Linux name.  Code that says
 * ENODATA for a missing extended attribute then means the host's own
 * errno for it, which compat/wire.c sends as Linux's ENODATA.
 */
#if !defined(ENODATA) && defined(ENOATTR)
#define ENODATA		ENOATTR
#endif

/*
 * ctlopen.c: open a control fd for dirfd/name without following a final
 * symlink, and never opening a device node or FIFO for I/O: an O_PATH
 * descriptor where the platform has it; elsewhere, after an fstatat, a
 * read-only non-blocking open of regular files and directories only.  On
 * success *fdp is the new fd (or -1 when the file exists but no fd could
 * be had on this platform: a symlink, a special file, or an unreadable
 * file without O_PATH) and *st describes the file.  ENOENT fails at once.
 */
int	compat_ctlopen(int dirfd, const char *name, int *fdp, struct stat *st);

/*
 * ctlopen.c: the same from the kernel's lookup cache only: EAGAIN when
 * that would need the disk, or where the host cannot promise it.
 */
int	compat_ctlopen_cached(int dirfd, const char *name, int *fdp,
	    struct stat *st);

/* ctlopen.c: 1 if fd can do I/O (not an O_PATH fd), else 0. */
int	compat_fd_is_io(int fd);

/* emptypath.c: the AT_EMPTY_PATH family on a handle triple. */
int	compat_fstat(int fd, int pfd, const char *name, struct stat *st);
int	compat_fchown(int fd, int pfd, const char *name, uid_t, gid_t);
int	compat_fchmod(int fd, int pfd, const char *name, mode_t);
ssize_t	compat_readlink(int fd, int pfd, const char *name, char *, size_t);
/* Hard link the file to newdirfd/newname; st is what the file must be. */
int	compat_link(int fd, int pfd, const char *name, const struct stat *st,
	    int newdirfd, const char *newname);

/*
 * utimens.c: set times, ts as for utimensat(2) (UTIME_NOW/UTIME_OMIT
 * honoured; where the platform lacks them the shim emulates them).
 * Symlinks are changed without following them.
 */
int	compat_utimens(int fd, int pfd, const char *name, mode_t type,
	    const struct timespec ts[2]);

/*
 * reopen.c: open the file behind a handle with host open flags (no
 * O_CREAT).  Never by a path string built from client input: through
 * /proc/self/fd where the platform has it, else openat(pfd, name,
 * O_NOFOLLOW) and a check that the result is still dev/ino (ESTALE if a
 * different file was swapped in).
 */
int	compat_reopen(int fd, int pfd, const char *name, dev_t, ino_t,
	    int hostflags);

/*
 * reopen.c: an fd that can do I/O for a handle whose fd may be O_PATH:
 * fd itself, or a new one the caller closes (read-only, write-only if
 * forwrite and reading is refused).  Regular files and directories only
 * (EOPNOTSUPP otherwise); never follows a symlink.
 */
int	compat_iofd(int fd, int pfd, const char *name, int forwrite);

/*
 * xattr.c: extended attributes in the user namespace at least, on a
 * handle triple.  Names are Linux-style ("user.foo").  ENOTSUP where the
 * host has none.  The get/list calls with a NULL buffer and size 0 return
 * the size needed.  flags are host XATTR_CREATE/XATTR_REPLACE encoded as
 * the wire's P9_XATTR_* values.
 */
ssize_t	compat_getxattr(int fd, int pfd, const char *name, const char *attr,
	    void *, size_t);
ssize_t	compat_listxattr(int fd, int pfd, const char *name, char *, size_t);
int	compat_setxattr(int fd, int pfd, const char *name, const char *attr,
	    const void *, size_t, int wireflags);
int	compat_removexattr(int fd, int pfd, const char *name,
	    const char *attr);

/*
 * lock.c: byte-range locks owned by the open file description, so two
 * clients of one daemon really conflict.  F_OFD_* where the platform has
 * it; elsewhere an in-process lock table keyed by dev/ino and owner.
 * type is F_RDLCK/F_WRLCK/F_UNLCK; never blocks: a conflict is EAGAIN.
 * compat_getlock fills *type (F_UNLCK if free), *start, *len, *pid.
 */
int	compat_setlock(int fd, const void *owner, int type, off_t start,
	    off_t len);
int	compat_getlock(int fd, const void *owner, int *type, off_t *start,
	    off_t *len, pid_t *pid);
void	compat_unlock_owner(int fd, const void *owner);

/*
 * wire.c: exact tables between host values and the Linux values on the
 * wire.  Unknown host errnos become EIO, unknown wire errnos EIO too.
 */
uint32_t compat_errno_to_wire(int);
int	 compat_errno_from_wire(uint32_t);
int	 compat_oflags_from_wire(uint32_t);	/* host O_* for open(2) */
uint32_t compat_oflags_to_wire(int);
uint32_t compat_mode_to_wire(mode_t);
mode_t	 compat_mode_from_wire(uint32_t);
uint8_t	 compat_dtype_to_wire(int);		/* host DT_* */
int	 compat_dtype_from_wire(uint8_t);
int	 compat_lktype_from_wire(uint8_t);	/* F_RDLCK... or -1 */
int	 compat_atflags_from_wire(uint32_t);	/* host AT_* or -1 */
uint32_t compat_atflags_to_wire(int);
uint8_t	 compat_lktype_to_wire(int);

/*
 * rdev.c: device numbers.  compat_rdev_to_wire gives Rgetattr's rdev as
 * the Linux client decodes it (0 where Linux cannot hold the number);
 * compat_rdev_from_wire makes the host dev_t for Tmknod's major and
 * minor, -1 with EINVAL where the host cannot hold them.
 */
uint64_t compat_rdev_to_wire(dev_t);
int	 compat_rdev_from_wire(uint32_t major, uint32_t minor, dev_t *);

/*
 * nofollow.c: the errno an open(2) with O_NOFOLLOW gave, with the
 * host's "that is a symlink" (FreeBSD's EMLINK, NetBSD's EFTYPE) made
 * ELOOP; the identity where the host says ELOOP itself.
 */
int	 compat_nofollow_errno(int);

/*
 * setcred.c: this thread's file system identity (uid, gid, groups), for
 * running one request as the attaching user.  ENOSYS where the platform
 * has no per-thread way; compat_cred_supported() says so up front.
 */
int	compat_cred_supported(void);
int	compat_setcred(uid_t, gid_t, int, const gid_t *);

/*
 * sandbox.c: confine the threads that touch the file system for clients
 * to the export roots (read-only ones for reading) where the platform
 * can: Landlock per thread; unveil for the whole process, which may then
 * still remove rmpaths (the pidfile and unix sockets) at exit.
 * compat_sandbox_prepare returns a handle, COMPAT_SANDBOX_PROCESS (the
 * whole process is confined already), COMPAT_SANDBOX_NONE, or -1; each
 * worker then calls compat_sandbox_enter(handle) for a handle >= 0.
 * compat_sandbox_lock drops the system calls serving does not need
 * (pledge), after start-up: 1 done, 0 not on this platform, -1 error.
 */
#define COMPAT_SANDBOX_NONE	(-2)
#define COMPAT_SANDBOX_PROCESS	(-3)
#define COMPAT_NEED_UNIX	0x01
#define COMPAT_NEED_INET	0x02
int	compat_sandbox_prepare(const char *const *paths, const int *readonly,
	    int n, const char *const *rmpaths, int nrm);
int	compat_sandbox_enter(int handle);
int	compat_sandbox_lock(int need);

/*
 * dirstream.c: a directory stream for fd (owned by it on success), read in
 * bulk with getdents64(2) where the host has it, else readdir(3).  Each
 * entry carries the cookie that resumes after it (for compat_dir_seek;
 * 0 is the start).  compat_dir_next returns 1 with an entry, 0 at the
 * end, -1 with errno; ce_name stays valid until the next call.
 * compat_dir_unget pushes the entry just read back, once.
 */
struct compat_dir;
struct compat_dirent {
	uint64_t	 ce_ino;
	uint64_t	 ce_cookie;
	int		 ce_type;		/* host DT_* */
	const char	*ce_name;
};
struct compat_dir *compat_dir_open(int fd);
void	compat_dir_close(struct compat_dir *);
int	compat_dir_seek(struct compat_dir *, uint64_t cookie);
int	compat_dir_next(struct compat_dir *, struct compat_dirent *);
void	compat_dir_unget(struct compat_dir *);
int	compat_dir_fd(const struct compat_dir *);
/*
 * dirstream.c: 1 if the file system holding fd is a local one known to
 * behave: it stamps a directory's change and modification times (to the
 * nanosecond, or at least the clock tick) on every change to its
 * entries, so a listing taken while those stamps stay the same is still
 * its listing, and close(2) never waits on another machine or a
 * user-space server.  0 where that is not known (network and FUSE file
 * systems, overlays).
 */
int	compat_fs_local(int fd);

/*
 * ctlopen.c: 1 if compat_ctlopen's descriptors are path-only (O_PATH):
 * closing one never calls into the file system.
 */
int	compat_ctl_is_path(void);

/*
 * nowait.c: pread(2) from the page cache only: EAGAIN (or a short count)
 * where the data is not there, never a wait for the disk.  Always EAGAIN
 * where the host cannot promise that.
 */
ssize_t	compat_pread_nowait(int fd, void *buf, size_t len, off_t off);

/*
 * mapping.c: map len bytes of fd from off (page aligned) read-only, every
 * page in memory: touching the mapping then never waits for the disk.
 * NULL (nothing mapped) where some page is not, or the host cannot say.
 */
void	*compat_map_resident(int fd, off_t off, size_t len);

/*
 * mapping.c: read-only windows on a file that replies are sent from.
 * compat_window_map: len bytes of fd from off (page aligned), or NULL.
 * compat_window_ready: 1 if [p, p + len) of a window can be sent now:
 * maywait 0, only if every page is in the page cache already (the
 * caller must not wait for the disk, and must itself keep within the
 * file's size); maywait 1, after reading in what is missing, and never
 * past the end of the file where the host can tell.  0 otherwise.
 * compat_copy_safe: copy from a window without ever touching it from
 * user space; pages the file no longer has read as zeros.  How many
 * bytes were zeroed, or -1.
 */
void	*compat_window_map(int fd, off_t off, size_t len);
void	 compat_window_unmap(void *, size_t);
int	 compat_window_ready(const void *, size_t, int maywait);
ssize_t	 compat_copy_safe(void *dst, const void *src, size_t len);

/*
 * sched.c: on: let the calling thread, when woken, wait for the running
 * thread to sleep or use up its time rather than preempt it, if it has
 * the default policy; off: back to the default, if on had changed it.
 * Only that thread.  1 if changed, 0 if left as it was, -1 with ENOSYS
 * where the host has no such policy.
 */
int	compat_sched_nopreempt(int on);

/*
 * peercred.c: the uid and gid of the process at the other end of a
 * connected unix socket, as the kernel recorded them.  -1 with errno set
 * when they cannot be known: EAFNOSUPPORT for any other socket family,
 * ENOSYS on a host with no way to ask.
 */
int	compat_peercred(int fd, uid_t *uidp, gid_t *gidp);

/*
 * A file's times from a struct stat as struct timespec, whatever the C
 * library calls the fields (st_mtim; macOS's st_mtimespec); where it has
 * neither, whole seconds.  The argument is a pointer.
 */
#if defined(HAVE_ST_MTIM)
#define COMPAT_ST_ATIM(st)	((st)->st_atim)
#define COMPAT_ST_MTIM(st)	((st)->st_mtim)
#define COMPAT_ST_CTIM(st)	((st)->st_ctim)
#elif defined(HAVE_ST_MTIMESPEC)
#define COMPAT_ST_ATIM(st)	((st)->st_atimespec)
#define COMPAT_ST_MTIM(st)	((st)->st_mtimespec)
#define COMPAT_ST_CTIM(st)	((st)->st_ctimespec)
#else
#define COMPAT_ST_ATIM(st)	((struct timespec){ (st)->st_atime, 0 })
#define COMPAT_ST_MTIM(st)	((struct timespec){ (st)->st_mtime, 0 })
#define COMPAT_ST_CTIM(st)	((struct timespec){ (st)->st_ctime, 0 })
#endif

/*
 * cloexec.c: socket(2) whose descriptor has FD_CLOEXEC from the start
 * with SOCK_CLOEXEC, else set right after (no exec can come between
 * here: the daemon starts no programs).  compat_socket_fcntl is that
 * fallback, built everywhere so the tests can call it.
 */
int	compat_socket_cloexec(int domain, int type, int protocol);
int	compat_socket_fcntl(int domain, int type, int protocol);

/*
 * setids.c: make uid and gid the real, effective and saved ids, then
 * check that they are (and, unless uid is 0, that root cannot be had
 * back): EPERM if not.  setresgid/setresuid where the host has them; as
 * root elsewhere setgid/setuid change all three (compat_setids_fallback,
 * built everywhere for the tests).  compat_setids_held is the check.
 */
int	compat_setids(uid_t, gid_t);
int	compat_setids_fallback(uid_t, gid_t);
int	compat_setids_held(uid_t, gid_t);

/* grouplist.c: getgrouplist(3) with gid_t, where macOS has int. */
int	compat_getgrouplist(const char *, gid_t, gid_t *, int *);

/*
 * daemon.c: daemon(3), deprecated on macOS: fork, the parent exits, the
 * child makes a new session in "/" with stdin/out/err on /dev/null.
 */
int	compat_daemon(void);

/* fdatasync.c: fdatasync(2), or fsync(2) where the host lacks it. */
int	compat_fdatasync(int);

/*
 * mknodat.c: mkfifoat(2) and mknodat(2); EOPNOTSUPP where the host has
 * no *at form (a path would follow symlinks in the directory's path).
 */
int	compat_mkfifoat(int, const char *, mode_t);
int	compat_mknodat(int, const char *, mode_t, dev_t);

/* string.c: the BSD string helpers glibc may lack. */
#ifndef HAVE_STRLCPY
size_t	strlcpy(char *, const char *, size_t);
size_t	strlcat(char *, const char *, size_t);
#endif
#ifndef HAVE_REALLOCARRAY
void	*reallocarray(void *, size_t, size_t);
#endif

#endif /* COMPAT_H */
