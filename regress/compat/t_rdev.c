/*
 * compat/rdev.c: a device number goes host -> wire -> host unchanged,
 * and the wire value is what the Linux client decodes.  The decoding
 * is done here on its own, from Linux's layout (minor bits 0-7 and
 * 20-31, major bits 8-19), not with the code under test.
 */
#include <sys/types.h>
#include <sys/stat.h>
#ifdef HAVE_SYS_SYSMACROS_H
#include <sys/sysmacros.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static uint32_t
linux_major(uint64_t w)
{
	return (uint32_t)((w >> 8) & 0xfff);
}

static uint32_t
linux_minor(uint64_t w)
{
	return (uint32_t)((w & 0xff) | ((w >> 12) & 0xfff00));
}

/* Pairs a Linux client can send: 12-bit majors, 20-bit minors. */
static const struct {
	uint32_t	ma;
	uint32_t	mi;
} pairs[] = {
	{ 0, 0 }, { 1, 3 }, { 1, 5 }, { 8, 1 }, { 136, 7 }, { 1, 255 },
	{ 1, 256 }, { 7, 257 }, { 10, 0x1234 }, { 4, 0x12345 },
	{ 255, 0xfffff }, { 256, 0 }, { 259, 3 }, { 300, 1000 },
	{ 0xfff, 0 }, { 0xfff, 0xfffff }, { 0xabc, 0xdef01 },
};

ATF_TC_WITHOUT_HEAD(roundtrip);
ATF_TC_BODY(roundtrip, tc)
{
	uint64_t	 w;
	dev_t		 d;
	size_t		 i;
	int		 made = 0;

	for (i = 0; i < nitems(pairs); i++) {
		if (compat_rdev_from_wire(pairs[i].ma, pairs[i].mi, &d) ==
		    -1) {
			/* Only a host that cannot hold the pair says so. */
			ATF_CHECK_EQ_MSG(errno, EINVAL, "%u:%u: %s",
			    pairs[i].ma, pairs[i].mi, strerror(errno));
#ifdef __linux__
			ATF_CHECK_MSG(0, "%u:%u refused on Linux",
			    pairs[i].ma, pairs[i].mi);
#endif
			continue;
		}
		made++;
		ATF_CHECK_EQ_MSG((uint32_t)major(d), pairs[i].ma, "%u:%u",
		    pairs[i].ma, pairs[i].mi);
		ATF_CHECK_EQ_MSG((uint32_t)minor(d), pairs[i].mi, "%u:%u",
		    pairs[i].ma, pairs[i].mi);
		w = compat_rdev_to_wire(d);
		ATF_CHECK_EQ_MSG(w >> 32, 0, "%u:%u: wire %#jx", pairs[i].ma,
		    pairs[i].mi, (uintmax_t)w);
		ATF_CHECK_EQ_MSG(linux_major(w), pairs[i].ma,
		    "%u:%u: wire %#jx", pairs[i].ma, pairs[i].mi,
		    (uintmax_t)w);
		ATF_CHECK_EQ_MSG(linux_minor(w), pairs[i].mi,
		    "%u:%u: wire %#jx", pairs[i].ma, pairs[i].mi,
		    (uintmax_t)w);
#ifdef __linux__
		/* What went on the wire before: the raw st_rdev. */
		ATF_CHECK_EQ_MSG(w, (uint64_t)d, "%u:%u", pairs[i].ma,
		    pairs[i].mi);
#endif
	}
	ATF_CHECK_MSG(made >= 10, "only %d pairs made", made);
}

/*
 * A number Linux cannot hold goes out as 0, never as some other
 * device: FreeBSD's NODEV (all ones) on a plain file, or a major or
 * minor wider than Linux's where the host's dev_t has room for it.
 */
ATF_TC_WITHOUT_HEAD(too_wide);
ATF_TC_BODY(too_wide, tc)
{
	dev_t	 d;

	ATF_CHECK_EQ(compat_rdev_to_wire((dev_t)-1), 0);
	if (compat_rdev_from_wire(0x1000, 1, &d) == 0)
		ATF_CHECK_EQ(compat_rdev_to_wire(d), 0);
	else
		ATF_CHECK_EQ(errno, EINVAL);
	if (compat_rdev_from_wire(1, 0x100000, &d) == 0)
		ATF_CHECK_EQ(compat_rdev_to_wire(d), 0);
	else
		ATF_CHECK_EQ(errno, EINVAL);
	if (compat_rdev_from_wire(UINT32_MAX, UINT32_MAX, &d) == 0) {
		ATF_CHECK_EQ((uint32_t)major(d), UINT32_MAX);
		ATF_CHECK_EQ(compat_rdev_to_wire(d), 0);
	} else
		ATF_CHECK_EQ(errno, EINVAL);
}

/* /dev/null is 1:3 to a Linux client whatever the host calls it. */
ATF_TC_WITHOUT_HEAD(dev_null);
ATF_TC_BODY(dev_null, tc)
{
	struct stat	 st;
	uint64_t	 w;

	if (stat("/dev/null", &st) == -1 || !S_ISCHR(st.st_mode))
		atf_tc_skip("no /dev/null character device here");
	w = compat_rdev_to_wire(st.st_rdev);
#ifdef __linux__
	ATF_CHECK_EQ(linux_major(w), 1);
	ATF_CHECK_EQ(linux_minor(w), 3);
	ATF_CHECK_EQ(w, (uint64_t)st.st_rdev);
#endif
	ATF_CHECK_EQ(linux_major(w), (uint32_t)major(st.st_rdev));
	ATF_CHECK_EQ(linux_minor(w), (uint32_t)minor(st.st_rdev));
}

/*
 * A real node with a minor past 255 and a major past 255, made the way
 * lf_mknod makes it and read back with stat(2): the file system keeps
 * the host's number, and the wire still carries the pair.  Needs the
 * privilege to make device nodes.
 */
ATF_TC_WITHOUT_HEAD(real_node);
ATF_TC_BODY(real_node, tc)
{
	static const struct {
		uint32_t	ma;
		uint32_t	mi;
	} nodes[] = { { 240, 0x12345 }, { 259, 300 }, { 1, 3 } };
	struct stat	 st;
	uint64_t	 w;
	dev_t		 d;
	size_t		 i;
	char		 name[32];

	for (i = 0; i < nitems(nodes); i++) {
		if (compat_rdev_from_wire(nodes[i].ma, nodes[i].mi, &d) == -1)
			continue;
		(void)snprintf(name, sizeof(name), "node%zu", i);
		if (compat_mknodat(AT_FDCWD, name, S_IFCHR | 0600, d) == -1) {
			if (errno == EPERM || errno == EOPNOTSUPP)
				atf_tc_skip("cannot make device nodes: %s",
				    strerror(errno));
			atf_tc_fail("mknod %s: %s", name, strerror(errno));
		}
		ATF_REQUIRE(fstatat(AT_FDCWD, name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0);
		ATF_REQUIRE(S_ISCHR(st.st_mode));
		w = compat_rdev_to_wire(st.st_rdev);
		ATF_CHECK_EQ_MSG(linux_major(w), nodes[i].ma, "%s", name);
		ATF_CHECK_EQ_MSG(linux_minor(w), nodes[i].mi, "%s", name);
#ifdef __linux__
		ATF_CHECK_EQ_MSG(w, (uint64_t)st.st_rdev, "%s", name);
#endif
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, roundtrip);
	ATF_TP_ADD_TC(tp, too_wide);
	ATF_TP_ADD_TC(tp, dev_null);
	ATF_TP_ADD_TC(tp, real_node);
	return atf_no_error();
}
