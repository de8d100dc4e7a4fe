/*
 * A directory stream for Treaddir: entries in order, a cookie after each
 * one to resume from, a seek to such a cookie, and a one-entry push-back
 * for the entry that did not fit in a reply.
 *
 * Where getdents64(2) exists the stream reads whole buffers of entries
 * with it and seeks with lseek(2): readdir(3) and telldir(3) take a lock
 * and make a call per entry, which on a 100,000-entry directory costs a
 * third of the listing.  Elsewhere the stream is readdir/telldir/seekdir.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"

/* Like glibc's DIR: large enough for hundreds of entries per call. */
#define DS_BUFSZ	32768

struct compat_dir {
	int		 cd_fd;
#ifdef HAVE_GETDENTS64
	char		*cd_buf;
	size_t		 cd_len;	/* bytes the last call returned */
	size_t		 cd_pos;	/* next entry */
	size_t		 cd_last;	/* the entry last returned */
#else
	DIR		*cd_dir;
	struct dirent	*cd_pushed;	/* valid until the next readdir */
	struct dirent	*cd_lastde;
	long		 cd_lastoff;
	long		 cd_pushoff;
#endif
};

#ifdef HAVE_GETDENTS64

struct compat_dir *
compat_dir_open(int fd)
{
	struct compat_dir	*cd;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return NULL;
	if ((cd->cd_buf = malloc(DS_BUFSZ)) == NULL) {
		free(cd);
		return NULL;
	}
	cd->cd_fd = fd;
	/* The fd may share an offset with another: start at the top. */
	if (lseek(fd, 0, SEEK_SET) == -1) {
		free(cd->cd_buf);
		free(cd);
		return NULL;
	}
	return cd;
}

void
compat_dir_close(struct compat_dir *cd)
{
	if (cd == NULL)
		return;
	(void)close(cd->cd_fd);
	free(cd->cd_buf);
	free(cd);
}

int
compat_dir_seek(struct compat_dir *cd, uint64_t cookie)
{
	cd->cd_len = cd->cd_pos = 0;
	if (cookie > INT64_MAX) {
		errno = EINVAL;
		return -1;
	}
	return lseek(cd->cd_fd, (off_t)cookie, SEEK_SET) == -1 ? -1 : 0;
}

int
compat_dir_next(struct compat_dir *cd, struct compat_dirent *ce)
{
	struct dirent64	*de;
	ssize_t		 n;

	if (cd->cd_pos >= cd->cd_len) {
		if ((n = getdents64(cd->cd_fd, cd->cd_buf, DS_BUFSZ)) == -1) {
			/* A removed directory says ENOENT; readdir(3) calls
			 * that the end, and so do we: it is empty. */
			if (errno == ENOENT)
				return 0;
			return -1;
		}
		cd->cd_len = (size_t)n;
		cd->cd_pos = 0;
		if (n == 0)
			return 0;
	}
	/* The kernel lays records out whole; check anyway before use. */
	if (cd->cd_len - cd->cd_pos < offsetof(struct dirent64, d_name) + 1) {
		errno = EIO;
		return -1;
	}
	de = (struct dirent64 *)(void *)(cd->cd_buf + cd->cd_pos);
	if (de->d_reclen == 0 || de->d_reclen > cd->cd_len - cd->cd_pos) {
		errno = EIO;
		return -1;
	}
	cd->cd_last = cd->cd_pos;
	cd->cd_pos += de->d_reclen;
	ce->ce_ino = (uint64_t)de->d_ino;
	ce->ce_cookie = (uint64_t)de->d_off;
	ce->ce_type = de->d_type;
	ce->ce_name = de->d_name;
	return 1;
}

void
compat_dir_unget(struct compat_dir *cd)
{
	cd->cd_pos = cd->cd_last;
}

int
compat_dir_fd(const struct compat_dir *cd)
{
	return cd->cd_fd;
}

#else /* !HAVE_GETDENTS64 */

struct compat_dir *
compat_dir_open(int fd)
{
	struct compat_dir	*cd;

	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return NULL;
	if ((cd->cd_dir = fdopendir(fd)) == NULL) {
		free(cd);
		return NULL;
	}
	/* The fd may share an offset with another: start at the top. */
	rewinddir(cd->cd_dir);
	cd->cd_fd = fd;
	return cd;
}

void
compat_dir_close(struct compat_dir *cd)
{
	if (cd == NULL)
		return;
	(void)closedir(cd->cd_dir);	/* closes cd_fd too */
	free(cd);
}

int
compat_dir_seek(struct compat_dir *cd, uint64_t cookie)
{
	cd->cd_pushed = NULL;
	if (cookie == 0)
		rewinddir(cd->cd_dir);
	else if (cookie > LONG_MAX) {
		errno = EINVAL;
		return -1;
	} else
		seekdir(cd->cd_dir, (long)cookie);
	return 0;
}

int
compat_dir_next(struct compat_dir *cd, struct compat_dirent *ce)
{
	struct dirent	*de;
	long		 off;

	if ((de = cd->cd_pushed) != NULL) {
		cd->cd_pushed = NULL;
		off = cd->cd_pushoff;
	} else {
		errno = 0;
		if ((de = readdir(cd->cd_dir)) == NULL)
			return errno != 0 ? -1 : 0;
		if ((off = telldir(cd->cd_dir)) == -1)
			return -1;
	}
	cd->cd_lastde = de;
	cd->cd_lastoff = off;
	ce->ce_ino = (uint64_t)de->d_fileno;
	ce->ce_cookie = (uint64_t)off;
	ce->ce_type = de->d_type;
	ce->ce_name = de->d_name;
	return 1;
}

void
compat_dir_unget(struct compat_dir *cd)
{
	/* readdir's entry stays valid until the next readdir call. */
	cd->cd_pushed = cd->cd_lastde;
	cd->cd_pushoff = cd->cd_lastoff;
}

int
compat_dir_fd(const struct compat_dir *cd)
{
	return dirfd(cd->cd_dir);
}

#endif /* HAVE_GETDENTS64 */

/*
 * Only file systems known to stamp a directory on every entry change
 * (create, remove, rename in or out, link) and to report those stamps
 * from the inode, not from a cache that another machine may have made
 * stale.  NFS, SMB, FUSE and overlays say 0: their directory times can
 * lag behind what a listing shows.
 */
#if defined(HAVE_STATFS_MAGIC)
#include <sys/vfs.h>

int
compat_fs_local(int fd)
{
	static const unsigned long local[] = {
		0xef53UL,	/* ext2/3/4 */
		0x58465342UL,	/* xfs */
		0x9123683eUL,	/* btrfs */
		0x01021994UL,	/* tmpfs */
		0xf2f52010UL,	/* f2fs */
	};
	struct statfs	 sf;
	size_t		 i;

	if (fstatfs(fd, &sf) == -1)
		return 0;
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if ((unsigned long)sf.f_type == local[i])
			return 1;
	return 0;
}

#elif defined(HAVE_STATFS_FSTYPENAME) || defined(HAVE_STATVFS_FSTYPENAME)
/* The BSDs name the type: statfs(2), or statvfs(2) on NetBSD. */
#ifdef HAVE_STATVFS_FSTYPENAME
#include <sys/statvfs.h>
#define DS_STATFS	statvfs
#define DS_FSTATFS	fstatvfs
#else
#include <sys/param.h>
#include <sys/mount.h>
#define DS_STATFS	statfs
#define DS_FSTATFS	fstatfs
#endif

int
compat_fs_local(int fd)
{
	static const char *const local[] = { "ufs", "ffs", "zfs", "tmpfs" };
	struct DS_STATFS	 sf;
	size_t			 i;

	if (DS_FSTATFS(fd, &sf) == -1)
		return 0;
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strcmp(sf.f_fstypename, local[i]) == 0)
			return 1;
	return 0;
}

#else

int
compat_fs_local(int fd)
{
	(void)fd;
	return 0;
}

#endif
