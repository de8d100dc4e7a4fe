#!/bin/sh
# Syntax-check every file of src/, compat/ and regress/client against a
# BSD's real headers, with the HAVE_* set Makefile.bsd gives that system,
# the project's warnings and -Werror.  Nothing is linked or run:
#
#	sh regress/bsdcheck.sh SYSROOT TARGET [EXTRA_CFLAGS...]
#
# SYSROOT is laid out by regress/bsdsysroot.sh (see regress/README);
# TARGET is a clang triple, e.g. x86_64-unknown-freebsd14,
# x86_64-unknown-openbsd7.5, x86_64-unknown-netbsd10.  The OS release
# Makefile.bsd's per-release choices see is the triple's version (override
# with FSG_OSREL=14.0).  libevent's headers are the host's, with
# regress/xcheck/event-config.h standing in for the generated one, as
# "make -f Makefile.linux xcheck" does.  Run from the top of the tree;
# CC (clang), BMAKE (bmake) and PKG_CONFIG may be set.

set -u

[ $# -ge 2 ] || {
	echo "usage: $0 SYSROOT TARGET [EXTRA_CFLAGS...]" >&2
	exit 2
}
sysroot=$1
target=$2
shift 2
cc=${CC:-clang}
bmake=${BMAKE:-bmake}

[ -f Makefile.bsd ] && [ -f Makefile.srcs ] || {
	echo "$0: run from the top of the source tree" >&2
	exit 2
}
[ -d "$sysroot/usr/include/sys" ] || {
	echo "$0: $sysroot: no usr/include/sys (see regress/bsdsysroot.sh)" >&2
	exit 2
}

case $target in
*freebsd*)	os=FreeBSD ;;
*openbsd*)	os=OpenBSD ;;
*netbsd*)	os=NetBSD ;;
*)	echo "$0: $target: not a BSD triple" >&2; exit 2 ;;
esac
# "x86_64-unknown-freebsd14" -> "14.0".
rel=${FSG_OSREL:-$(echo "$target" | sed -n 's/.*bsd\([0-9][0-9.]*\)$/\1/p')}
case $rel in
"")	rel=0.0 ;;
*.*)	;;
*)	rel=$rel.0 ;;
esac

# The HAVE_* set and the source lists, as Makefile.bsd has them for that
# system (its != lines run here too, so pkg-config must find libevent).
have=$($bmake -f Makefile.bsd FSG_OS=$os FSG_OSREL=$rel \
    -V '${FSG_OS_HAVE}') || exit 1
srcs=$($bmake -f Makefile.bsd FSG_OS=$os FSG_OSREL=$rel \
    -V '${DAEMON_SRCS:S,^,src/,} ${CODEC_SRCS:S,^,src/,} ${COMPAT_SRCS:S,^,compat/,} ${CLIENT_SRCS:S,^,regress/client/,}') ||
    exit 1

evinc=$(${PKG_CONFIG:-pkg-config} --variable=includedir libevent \
    2>/dev/null || echo /usr/include)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bsdcheck.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/inc"
ln -s "$evinc/event2" "$tmp/inc/event2"

echo "bsdcheck $target ($os $rel):$have"
n=0
bad=0
for f in $srcs; do
	n=$((n + 1))
	# $have and "$@" unquoted/quoted on purpose: lists of flags.
	$cc --target="$target" --sysroot="$sysroot" -fsyntax-only \
	    $have -Isrc -Icompat -include regress/xcheck/event-config.h \
	    -I"$tmp/inc" -Wall -Wextra -Werror -pthread "$@" "$f" || {
		bad=$((bad + 1))
		echo "bsdcheck $target: $f FAILED"
	}
done
echo "bsdcheck $target: $n files, $bad failed"
[ "$bad" -eq 0 ]
