#!/bin/sh
# Lay out a syntax-check sysroot for regress/bsdcheck.sh from a BSD
# source tree (or the part of one that holds the headers), the way the
# system's "make includes" would install them, for amd64:
#
#	sh regress/bsdsysroot.sh freebsd|openbsd|netbsd SRCTREE SYSROOT
#
# SRCTREE needs at least include/, sys/sys/, the amd64 (and x86)
# machine headers, sys/net/, sys/netinet/ and sys/netinet6/ (and on NetBSD
# lib/libpthread/).  Only headers are
# copied; the one generated header a check needs (FreeBSD's osreldate.h)
# is written from sys/sys/param.h.  Nothing here belongs in the
# repository: keep SYSROOT under /tmp.  See regress/README.

set -eu

usage()
{
	echo "usage: $0 freebsd|openbsd|netbsd SRCTREE SYSROOT" >&2
	exit 2
}

[ $# -eq 3 ] || usage
os=$1
src=$2
root=$3
inc=$root/usr/include

[ -d "$src/include" ] && [ -d "$src/sys/sys" ] || {
	echo "$0: $src: no include/ or sys/sys/" >&2
	exit 1
}

# cphdr FROM TO: every header below FROM into TO, keeping subdirectories.
cphdr()
{
	[ -d "$1" ] || {
		echo "$0: warning: no $1" >&2
		return 0
	}
	mkdir -p "$2"
	(cd "$1" && find . -name '*.h' -print) | while read -r h; do
		mkdir -p "$2/$(dirname "$h")"
		cp "$1/$h" "$2/$h"
	done
}

rm -rf "$root"
mkdir -p "$inc"
cphdr "$src/include" "$inc"
cphdr "$src/sys/sys" "$inc/sys"
cphdr "$src/sys/net" "$inc/net"
cphdr "$src/sys/netinet" "$inc/netinet"
cphdr "$src/sys/netinet6" "$inc/netinet6"

case $os in
freebsd)
	cphdr "$src/sys/amd64/include" "$inc/machine"
	cphdr "$src/sys/x86/include" "$inc/x86"
	cphdr "$src/sys/vm" "$inc/vm"
	cphdr "$src/sys/bsm" "$inc/bsm"
	# include/Makefile's LHDRS and PHDRS: sys/ headers also at the top.
	for h in aio.h errno.h fcntl.h linker_set.h poll.h stdatomic.h \
	    stdint.h syslog.h ucontext.h sched.h _semaphore.h; do
		[ -f "$inc/sys/$h" ] && cp "$inc/sys/$h" "$inc/$h"
	done
	# Generated at build time from sys/sys/param.h.
	v=$(sed -n 's/^#define[[:space:]]*__FreeBSD_version[[:space:]]*\([0-9]*\).*/\1/p' \
	    "$src/sys/sys/param.h")
	printf '#ifndef _OSRELDATE_H_\n#define _OSRELDATE_H_\n#define __FreeBSD_version %s\n#endif\n' \
	    "$v" >"$inc/osreldate.h"
	;;
openbsd)
	cphdr "$src/sys/arch/amd64/include" "$inc/machine"
	cphdr "$src/sys/arch/amd64/include" "$inc/amd64"
	cphdr "$src/sys/uvm" "$inc/uvm"
	# include/Makefile's LFILES and MFILES (symbolic links there).
	for h in endian.h fcntl.h syslog.h termios.h stdarg.h stdint.h \
	    varargs.h; do
		[ -f "$inc/sys/$h" ] && cp "$inc/sys/$h" "$inc/$h"
	done
	cp "$inc/machine/frame.h" "$inc/frame.h"
	;;
netbsd)
	cphdr "$src/sys/arch/amd64/include" "$inc/machine"
	cphdr "$src/sys/arch/amd64/include" "$inc/amd64"
	cphdr "$src/sys/arch/x86/include" "$inc/x86"
	cphdr "$src/sys/uvm" "$inc/uvm"
	for h in pthread.h pthread_types.h pthread_queue.h; do
		cp "$src/lib/libpthread/$h" "$inc/"
	done
	# sys/sys/Makefile's INCSYMLINKS that the check can meet.
	for h in fcntl.h poll.h stdint.h syslog.h termios.h stdbool.h; do
		[ -f "$inc/sys/$h" ] && cp "$inc/sys/$h" "$inc/$h"
	done
	;;
*)
	usage
	;;
esac
echo "$root: $(find "$inc" -name '*.h' | wc -l) headers"
