/*
 * Device numbers between the host's dev_t and the wire.  Rgetattr's
 * rdev is decoded by the Linux client as a 32-bit Linux device number:
 * the minor's low 8 bits in bits 0-7, a 12-bit major in bits 8-19 and
 * the minor's other 12 bits in bits 20-31.  The host packs its dev_t
 * its own way (FreeBSD and OpenBSD differently for minors from 256 on,
 * macOS always), so the number is taken apart with the host's major()
 * and minor() and put together again in Linux's layout.  On Linux the
 * result is the st_rdev it started from: the C library's 64-bit dev_t
 * keeps the kernel's 32-bit layout in its low half.  Tmknod carries
 * major and minor apart, and the host's makedev() joins them.
 */
#include <sys/types.h>
#include <sys/stat.h>
#ifdef HAVE_SYS_SYSMACROS_H
#include <sys/sysmacros.h>
#endif

#include <errno.h>
#include <stdint.h>

#include "compat.h"

#define RDEV_MAJOR_MAX	0xfffU		/* Linux's 12-bit major */
#define RDEV_MINOR_MAX	0xfffffU	/* and 20-bit minor */

/*
 * A number the Linux client cannot hold (FreeBSD's NODEV on a file that
 * is no device, or a major or minor wider than Linux's) goes out as 0,
 * "no device": any other bits would name some other Linux device.
 */
uint64_t
compat_rdev_to_wire(dev_t dev)
{
	uint32_t	 ma, mi;

	ma = (uint32_t)major(dev);
	mi = (uint32_t)minor(dev);
	if (ma > RDEV_MAJOR_MAX || mi > RDEV_MINOR_MAX)
		return 0;
	return (uint64_t)((mi & 0xffU) | (ma << 8) | ((mi & ~0xffU) << 12));
}

/*
 * The host's dev_t for a wire major and minor, EINVAL where the host
 * cannot hold them (OpenBSD's and macOS's 8-bit majors) rather than a
 * node for another device.
 */
int
compat_rdev_from_wire(uint32_t ma, uint32_t mi, dev_t *devp)
{
	dev_t	 dev;

	dev = makedev(ma, mi);
	if ((uint32_t)major(dev) != ma || (uint32_t)minor(dev) != mi) {
		errno = EINVAL;
		return -1;
	}
	*devp = dev;
	return 0;
}
