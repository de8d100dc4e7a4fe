/*
 * compat/mapping.c: windows on a file that replies are sent from.  A
 * window shows the file; compat_window_ready says yes for cached bytes
 * and no for bytes never in the file; compat_copy_safe copies a window and
 * turns the pages a truncate took away into zeros instead of dying of
 * SIGBUS.
 */
#include <sys/types.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

#define WIN	(1024 * 1024)

/* A file of n pages, byte i being (i * 7 + 3) & 0xff; its descriptor. */
static int
make_file(const char *name, size_t n, size_t pg)
{
	uint8_t	*buf;
	size_t	 i;
	int	 fd;

	ATF_REQUIRE((buf = malloc(n * pg)) != NULL);
	for (i = 0; i < n * pg; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	ATF_REQUIRE((fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644)) !=
	    -1);
	ATF_REQUIRE((size_t)write(fd, buf, n * pg) == n * pg);
	free(buf);
	return fd;
}

static void
check_pattern(const uint8_t *p, size_t from, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)((from + i) * 7 + 3))
			atf_tc_fail("byte %zu is %#x", from + i, p[i]);
}

ATF_TC_WITHOUT_HEAD(window_shows_file);
ATF_TC_BODY(window_shows_file, tc)
{
	size_t		 pg = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t		*w, *copy;
	int		 fd;

	(void)tc;
	fd = make_file("f", 8, pg);
	ATF_REQUIRE((w = compat_window_map(fd, 0, WIN)) != NULL);
	/* A worker may wait: the bytes are ready. */
	ATF_REQUIRE_EQ(compat_window_ready(w + 100, 3 * pg, 1), 1);
	/* Just written, so cached: ready for the loop too. */
	ATF_REQUIRE_EQ(compat_window_ready(w + pg, 7 * pg, 0), 1);
	ATF_REQUIRE((copy = malloc(8 * pg)) != NULL);
	ATF_REQUIRE_EQ(compat_copy_safe(copy, w + 5, 8 * pg - 5), 0);
	check_pattern(copy, 5, 8 * pg - 5);
	/* Written through the file: the window shows it. */
	ATF_REQUIRE(pwrite(fd, "XYZ", 3, 10) == 3);
	ATF_REQUIRE_EQ(compat_copy_safe(copy, w, 16), 0);
	ATF_REQUIRE(memcmp(copy + 10, "XYZ", 3) == 0);
	/* A window at an offset. */
	compat_window_unmap(w, WIN);
	ATF_REQUIRE((w = compat_window_map(fd, (off_t)(2 * pg), WIN)) !=
	    NULL);
	ATF_REQUIRE_EQ(compat_copy_safe(copy, w, pg), 0);
	check_pattern(copy, 2 * pg, pg);
	compat_window_unmap(w, WIN);
	free(copy);
	close(fd);
}

ATF_TC_WITHOUT_HEAD(ready_not_past_end);
ATF_TC_BODY(ready_not_past_end, tc)
{
	size_t		 pg = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t		*w;
	int		 fd;

	(void)tc;
	fd = make_file("f", 4, pg);
	ATF_REQUIRE((w = compat_window_map(fd, 0, WIN)) != NULL);
	/* Wholly past the end, or running past it: never ready. */
	ATF_REQUIRE_EQ(compat_window_ready(w + 8 * pg, pg, 1), 0);
	ATF_REQUIRE_EQ(compat_window_ready(w + 8 * pg, pg, 0), 0);
	ATF_REQUIRE_EQ(compat_window_ready(w + 2 * pg, 4 * pg, 0), 0);
	ATF_REQUIRE_EQ(compat_window_ready(w, 0, 1), 0);
	/* Shrunk under the window: a worker's check fails (the loop's
	 * asks only whether pages are cached, and a large folio can keep
	 * pages past the new end cached; lf_window clamps a read at the
	 * size fstat gives first). */
	ATF_REQUIRE_EQ(compat_window_ready(w + 2 * pg, 2 * pg, 0), 1);
	ATF_REQUIRE(ftruncate(fd, (off_t)pg) == 0);
#if defined(MADV_POPULATE_READ) && !defined(PORTABLE_FALLBACKS)
	/* Only Linux's populate knows the size; mincore alone does not. */
	ATF_REQUIRE_EQ(compat_window_ready(w + 2 * pg, 2 * pg, 1), 0);
#endif
	compat_window_unmap(w, WIN);
	close(fd);
}

ATF_TC_WITHOUT_HEAD(copy_after_truncate);
ATF_TC_BODY(copy_after_truncate, tc)
{
	size_t		 pg = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t		*w, *copy;
	size_t		 i;
	int		 fd;

	(void)tc;
	fd = make_file("f", 6, pg);
	ATF_REQUIRE((w = compat_window_map(fd, 0, WIN)) != NULL);
	ATF_REQUIRE_EQ(compat_window_ready(w, 6 * pg, 1), 1);
	/* The host cuts the file to a page and a half: the window's later
	 * pages are gone (a user-space read of them raises SIGBUS). */
	ATF_REQUIRE(ftruncate(fd, (off_t)(pg + pg / 2)) == 0);
	ATF_REQUIRE((copy = malloc(6 * pg)) != NULL);
	memset(copy, 0xee, 6 * pg);
	/* Four whole pages past the end are zeroed; the half page past
	 * the end in the second page reads as zeros from the kernel. */
	ATF_REQUIRE_EQ(compat_copy_safe(copy, w + 10, 6 * pg - 10),
	    (ssize_t)(4 * pg));
	check_pattern(copy, 10, pg + pg / 2 - 10);
	for (i = pg + pg / 2 - 10; i < 6 * pg - 10; i++)
		if (copy[i] != 0)
			atf_tc_fail("byte %zu past the end is %#x", i + 10,
			    copy[i]);
	/* All of it past the end. */
	memset(copy, 0xee, 6 * pg);
	ATF_REQUIRE_EQ(compat_copy_safe(copy, w + 3 * pg, 2 * pg),
	    (ssize_t)(2 * pg));
	for (i = 0; i < 2 * pg; i++)
		ATF_REQUIRE_EQ(copy[i], 0);
	/* Grown again: the pages come back, with the file's new bytes. */
	ATF_REQUIRE(ftruncate(fd, (off_t)(6 * pg)) == 0);
	ATF_REQUIRE(pwrite(fd, "back", 4, (off_t)(4 * pg)) == 4);
	ATF_REQUIRE_EQ(compat_copy_safe(copy, w + 4 * pg, pg), 0);
	ATF_REQUIRE(memcmp(copy, "back", 4) == 0);
	ATF_REQUIRE_EQ(copy[4], 0);
	compat_window_unmap(w, WIN);
	free(copy);
	close(fd);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, window_shows_file);
	ATF_TP_ADD_TC(tp, ready_not_past_end);
	ATF_TP_ADD_TC(tp, copy_after_truncate);
	return atf_no_error();
}
