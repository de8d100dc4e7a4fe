/*
 * compat/dirstream.c against a real directory: every entry exactly once
 * across many buffers, cookies that resume after their entry, the
 * one-entry push-back, and a removed directory that reads as empty.
 * The native build runs the getdents64 stream, PORTABLE=1 the readdir
 * one; both must behave the same.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

/* Enough entries to need several 32 KiB getdents buffers. */
#define NFILES	3000

static void
mkfiles(const char *dir, int n)
{
	char	 path[64];
	int	 i, fd;

	ATF_REQUIRE(mkdir(dir, 0755) == 0);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/file-with-a-long-name-%05d",
		    dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		ATF_REQUIRE_MSG(fd != -1, "%s: %s", path, strerror(errno));
		close(fd);
	}
}

static struct compat_dir *
opendirstream(const char *dir)
{
	struct compat_dir	*cd;
	int			 fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ATF_REQUIRE_MSG(fd != -1, "%s: %s", dir, strerror(errno));
	cd = compat_dir_open(fd);
	ATF_REQUIRE_MSG(cd != NULL, "compat_dir_open: %s", strerror(errno));
	return cd;
}

/* The index of a test file's name, -1 for "." and "..". */
static int
nameidx(const struct compat_dirent *ce)
{
	const char	*p = "file-with-a-long-name-";

	if (strcmp(ce->ce_name, ".") == 0 || strcmp(ce->ce_name, "..") == 0)
		return -1;
	ATF_REQUIRE_MSG(strncmp(ce->ce_name, p, strlen(p)) == 0,
	    "unexpected entry %s", ce->ce_name);
	return atoi(ce->ce_name + strlen(p));
}

ATF_TC_WITHOUT_HEAD(every_entry_once);
ATF_TC_BODY(every_entry_once, tc)
{
	struct compat_dirent	 ce;
	struct compat_dir	*cd;
	struct stat		 st;
	char			 path[64];
	int			*seen, i, rc, dots = 0;

	mkfiles("d", NFILES);
	seen = calloc(NFILES, sizeof(*seen));
	ATF_REQUIRE(seen != NULL);
	cd = opendirstream("d");
	while ((rc = compat_dir_next(cd, &ce)) == 1) {
		if ((i = nameidx(&ce)) == -1) {
			dots++;
			continue;
		}
		ATF_REQUIRE(i >= 0 && i < NFILES);
		seen[i]++;
		/* The entry's inode and type are the file's. */
		snprintf(path, sizeof(path), "d/%s", ce.ce_name);
		ATF_REQUIRE(lstat(path, &st) == 0);
		ATF_CHECK_EQ(ce.ce_ino, (uint64_t)st.st_ino);
		ATF_CHECK(ce.ce_type == DT_REG || ce.ce_type == DT_UNKNOWN);
	}
	ATF_REQUIRE_EQ(rc, 0);
	ATF_CHECK_EQ(dots, 2);
	for (i = 0; i < NFILES; i++)
		ATF_CHECK_EQ_MSG(seen[i], 1, "entry %d seen %d times", i,
		    seen[i]);
	/* At the end it stays at the end. */
	ATF_CHECK_EQ(compat_dir_next(cd, &ce), 0);
	compat_dir_close(cd);
	free(seen);
}

ATF_TC_WITHOUT_HEAD(cookie_resumes);
ATF_TC_BODY(cookie_resumes, tc)
{
	struct compat_dirent	 ce;
	struct compat_dir	*cd;
	uint64_t		 cookie = 0;
	int			*order, n = 0, i, k, half;

	mkfiles("d", NFILES);
	order = calloc(NFILES + 2, sizeof(*order));
	ATF_REQUIRE(order != NULL);
	cd = opendirstream("d");
	half = (NFILES + 2) / 2;
	while (compat_dir_next(cd, &ce) == 1) {
		ATF_REQUIRE(n < NFILES + 2);
		order[n++] = nameidx(&ce);
		if (n == half)
			cookie = ce.ce_cookie;
	}
	ATF_REQUIRE_EQ(n, NFILES + 2);
	ATF_REQUIRE(cookie != 0);

	/* From the cookie after entry half-1: exactly the rest, in order. */
	ATF_REQUIRE(compat_dir_seek(cd, cookie) == 0);
	for (k = half; k < n; k++) {
		ATF_REQUIRE_EQ(compat_dir_next(cd, &ce), 1);
		ATF_CHECK_EQ_MSG(nameidx(&ce), order[k], "position %d", k);
	}
	ATF_CHECK_EQ(compat_dir_next(cd, &ce), 0);

	/* 0 starts over. */
	ATF_REQUIRE(compat_dir_seek(cd, 0) == 0);
	for (i = 0; i < 10; i++) {
		ATF_REQUIRE_EQ(compat_dir_next(cd, &ce), 1);
		ATF_CHECK_EQ(nameidx(&ce), order[i]);
	}
	compat_dir_close(cd);
	free(order);
}

ATF_TC_WITHOUT_HEAD(unget_once);
ATF_TC_BODY(unget_once, tc)
{
	struct compat_dirent	 ce;
	struct compat_dir	*cd;
	uint64_t		 cookie;
	char			 name[256];
	int			 n = 0, rc;

	mkfiles("d", NFILES);
	cd = opendirstream("d");
	/* Push back every 7th entry, across buffer boundaries too. */
	while ((rc = compat_dir_next(cd, &ce)) == 1) {
		n++;
		if (n % 7 != 0)
			continue;
		strlcpy(name, ce.ce_name, sizeof(name));
		cookie = ce.ce_cookie;
		compat_dir_unget(cd);
		ATF_REQUIRE_EQ(compat_dir_next(cd, &ce), 1);
		ATF_CHECK_STREQ(ce.ce_name, name);
		ATF_CHECK_EQ(ce.ce_cookie, cookie);
	}
	ATF_REQUIRE_EQ(rc, 0);
	ATF_CHECK_EQ(n, NFILES + 2);

	/* A seek drops the pushed-back entry. */
	ATF_REQUIRE(compat_dir_seek(cd, 0) == 0);
	ATF_REQUIRE_EQ(compat_dir_next(cd, &ce), 1);
	strlcpy(name, ce.ce_name, sizeof(name));
	compat_dir_unget(cd);
	ATF_REQUIRE(compat_dir_seek(cd, 0) == 0);
	ATF_REQUIRE_EQ(compat_dir_next(cd, &ce), 1);
	ATF_CHECK_STREQ(ce.ce_name, name);
	ATF_REQUIRE_EQ(compat_dir_next(cd, &ce), 1);
	ATF_CHECK(strcmp(ce.ce_name, name) != 0);
	compat_dir_close(cd);
}

ATF_TC_WITHOUT_HEAD(removed_is_empty);
ATF_TC_BODY(removed_is_empty, tc)
{
	struct compat_dirent	 ce;
	struct compat_dir	*cd;

	ATF_REQUIRE(mkdir("gone", 0755) == 0);
	cd = opendirstream("gone");
	ATF_REQUIRE(rmdir("gone") == 0);
	ATF_CHECK_EQ(compat_dir_next(cd, &ce), 0);
	compat_dir_close(cd);
}

ATF_TC_WITHOUT_HEAD(not_a_directory);
ATF_TC_BODY(not_a_directory, tc)
{
	struct compat_dirent	 ce;
	struct compat_dir	*cd;
	int			 fd, rc;

	fd = open("f", O_RDWR | O_CREAT, 0644);
	ATF_REQUIRE(fd != -1);
	/* Either the open or the first read refuses a regular file. */
	if ((cd = compat_dir_open(fd)) == NULL) {
		ATF_CHECK_EQ(errno, ENOTDIR);
		close(fd);
		return;
	}
	rc = compat_dir_next(cd, &ce);
	ATF_CHECK_EQ(rc, -1);
	ATF_CHECK_EQ(errno, ENOTDIR);
	compat_dir_close(cd);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, every_entry_once);
	ATF_TP_ADD_TC(tp, cookie_resumes);
	ATF_TP_ADD_TC(tp, unget_once);
	ATF_TP_ADD_TC(tp, removed_is_empty);
	ATF_TP_ADD_TC(tp, not_a_directory);
	return atf_no_error();
}
