/*
 * Translation between host values and the Linux values the 9P2000.L wire
 * carries.  On Linux nearly everything is the identity, but every value
 * still goes through a table so that a BSD build is right by construction
 * and a missing host constant only removes its own row.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>

#include "p9.h"
#include "compat.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

struct wire_errno {
	int		we_host;
	uint32_t	we_wire;
};

/*
 * Every errno Linux defines (asm-generic numbering in the right column),
 * each present only if the host has it too.  Aliases follow the canonical
 * names so a wire value turns back into the canonical host name.
 */
static const struct wire_errno wire_errnos[] = {
#ifdef EPERM
	{ EPERM,		1 },
#endif
#ifdef ENOENT
	{ ENOENT,		2 },
#endif
#ifdef ESRCH
	{ ESRCH,		3 },
#endif
#ifdef EINTR
	{ EINTR,		4 },
#endif
#ifdef EIO
	{ EIO,			5 },
#endif
#ifdef ENXIO
	{ ENXIO,		6 },
#endif
#ifdef E2BIG
	{ E2BIG,		7 },
#endif
#ifdef ENOEXEC
	{ ENOEXEC,		8 },
#endif
#ifdef EBADF
	{ EBADF,		9 },
#endif
#ifdef ECHILD
	{ ECHILD,		10 },
#endif
#ifdef EAGAIN
	{ EAGAIN,		11 },
#endif
#ifdef ENOMEM
	{ ENOMEM,		12 },
#endif
#ifdef EACCES
	{ EACCES,		13 },
#endif
#ifdef EFAULT
	{ EFAULT,		14 },
#endif
#ifdef ENOTBLK
	{ ENOTBLK,		15 },
#endif
#ifdef EBUSY
	{ EBUSY,		16 },
#endif
#ifdef EEXIST
	{ EEXIST,		17 },
#endif
#ifdef EXDEV
	{ EXDEV,		18 },
#endif
#ifdef ENODEV
	{ ENODEV,		19 },
#endif
#ifdef ENOTDIR
	{ ENOTDIR,		20 },
#endif
#ifdef EISDIR
	{ EISDIR,		21 },
#endif
#ifdef EINVAL
	{ EINVAL,		22 },
#endif
#ifdef ENFILE
	{ ENFILE,		23 },
#endif
#ifdef EMFILE
	{ EMFILE,		24 },
#endif
#ifdef ENOTTY
	{ ENOTTY,		25 },
#endif
#ifdef ETXTBSY
	{ ETXTBSY,		26 },
#endif
#ifdef EFBIG
	{ EFBIG,		27 },
#endif
#ifdef ENOSPC
	{ ENOSPC,		28 },
#endif
#ifdef ESPIPE
	{ ESPIPE,		29 },
#endif
#ifdef EROFS
	{ EROFS,		30 },
#endif
#ifdef EMLINK
	{ EMLINK,		31 },
#endif
#ifdef EPIPE
	{ EPIPE,		32 },
#endif
#ifdef EDOM
	{ EDOM,			33 },
#endif
#ifdef ERANGE
	{ ERANGE,		34 },
#endif
#ifdef EDEADLK
	{ EDEADLK,		35 },
#endif
#ifdef ENAMETOOLONG
	{ ENAMETOOLONG,		36 },
#endif
#ifdef ENOLCK
	{ ENOLCK,		37 },
#endif
#ifdef ENOSYS
	{ ENOSYS,		38 },
#endif
#ifdef ENOTEMPTY
	{ ENOTEMPTY,		39 },
#endif
#ifdef ELOOP
	{ ELOOP,		40 },
#endif
#ifdef ENOMSG
	{ ENOMSG,		42 },
#endif
#ifdef EIDRM
	{ EIDRM,		43 },
#endif
#ifdef ECHRNG
	{ ECHRNG,		44 },
#endif
#ifdef EL2NSYNC
	{ EL2NSYNC,		45 },
#endif
#ifdef EL3HLT
	{ EL3HLT,		46 },
#endif
#ifdef EL3RST
	{ EL3RST,		47 },
#endif
#ifdef ELNRNG
	{ ELNRNG,		48 },
#endif
#ifdef EUNATCH
	{ EUNATCH,		49 },
#endif
#ifdef ENOCSI
	{ ENOCSI,		50 },
#endif
#ifdef EL2HLT
	{ EL2HLT,		51 },
#endif
#ifdef EBADE
	{ EBADE,		52 },
#endif
#ifdef EBADR
	{ EBADR,		53 },
#endif
#ifdef EXFULL
	{ EXFULL,		54 },
#endif
#ifdef ENOANO
	{ ENOANO,		55 },
#endif
#ifdef EBADRQC
	{ EBADRQC,		56 },
#endif
#ifdef EBADSLT
	{ EBADSLT,		57 },
#endif
#ifdef EBFONT
	{ EBFONT,		59 },
#endif
#ifdef ENOSTR
	{ ENOSTR,		60 },
#endif
#ifdef ENODATA
	{ ENODATA,		61 },
#endif
#ifdef ETIME
	{ ETIME,		62 },
#endif
#ifdef ENOSR
	{ ENOSR,		63 },
#endif
#ifdef ENONET
	{ ENONET,		64 },
#endif
#ifdef ENOPKG
	{ ENOPKG,		65 },
#endif
#ifdef EREMOTE
	{ EREMOTE,		66 },
#endif
#ifdef ENOLINK
	{ ENOLINK,		67 },
#endif
#ifdef EADV
	{ EADV,			68 },
#endif
#ifdef ESRMNT
	{ ESRMNT,		69 },
#endif
#ifdef ECOMM
	{ ECOMM,		70 },
#endif
#ifdef EPROTO
	{ EPROTO,		71 },
#endif
#ifdef EMULTIHOP
	{ EMULTIHOP,		72 },
#endif
#ifdef EDOTDOT
	{ EDOTDOT,		73 },
#endif
#ifdef EBADMSG
	{ EBADMSG,		74 },
#endif
#ifdef EOVERFLOW
	{ EOVERFLOW,		75 },
#endif
#ifdef ENOTUNIQ
	{ ENOTUNIQ,		76 },
#endif
#ifdef EBADFD
	{ EBADFD,		77 },
#endif
#ifdef EREMCHG
	{ EREMCHG,		78 },
#endif
#ifdef ELIBACC
	{ ELIBACC,		79 },
#endif
#ifdef ELIBBAD
	{ ELIBBAD,		80 },
#endif
#ifdef ELIBSCN
	{ ELIBSCN,		81 },
#endif
#ifdef ELIBMAX
	{ ELIBMAX,		82 },
#endif
#ifdef ELIBEXEC
	{ ELIBEXEC,		83 },
#endif
#ifdef EILSEQ
	{ EILSEQ,		84 },
#endif
#ifdef ERESTART
	{ ERESTART,		85 },
#endif
#ifdef ESTRPIPE
	{ ESTRPIPE,		86 },
#endif
#ifdef EUSERS
	{ EUSERS,		87 },
#endif
#ifdef ENOTSOCK
	{ ENOTSOCK,		88 },
#endif
#ifdef EDESTADDRREQ
	{ EDESTADDRREQ,		89 },
#endif
#ifdef EMSGSIZE
	{ EMSGSIZE,		90 },
#endif
#ifdef EPROTOTYPE
	{ EPROTOTYPE,		91 },
#endif
#ifdef ENOPROTOOPT
	{ ENOPROTOOPT,		92 },
#endif
#ifdef EPROTONOSUPPORT
	{ EPROTONOSUPPORT,	93 },
#endif
#ifdef ESOCKTNOSUPPORT
	{ ESOCKTNOSUPPORT,	94 },
#endif
#ifdef EOPNOTSUPP
	{ EOPNOTSUPP,		95 },
#endif
#ifdef EPFNOSUPPORT
	{ EPFNOSUPPORT,		96 },
#endif
#ifdef EAFNOSUPPORT
	{ EAFNOSUPPORT,		97 },
#endif
#ifdef EADDRINUSE
	{ EADDRINUSE,		98 },
#endif
#ifdef EADDRNOTAVAIL
	{ EADDRNOTAVAIL,	99 },
#endif
#ifdef ENETDOWN
	{ ENETDOWN,		100 },
#endif
#ifdef ENETUNREACH
	{ ENETUNREACH,		101 },
#endif
#ifdef ENETRESET
	{ ENETRESET,		102 },
#endif
#ifdef ECONNABORTED
	{ ECONNABORTED,		103 },
#endif
#ifdef ECONNRESET
	{ ECONNRESET,		104 },
#endif
#ifdef ENOBUFS
	{ ENOBUFS,		105 },
#endif
#ifdef EISCONN
	{ EISCONN,		106 },
#endif
#ifdef ENOTCONN
	{ ENOTCONN,		107 },
#endif
#ifdef ESHUTDOWN
	{ ESHUTDOWN,		108 },
#endif
#ifdef ETOOMANYREFS
	{ ETOOMANYREFS,		109 },
#endif
#ifdef ETIMEDOUT
	{ ETIMEDOUT,		110 },
#endif
#ifdef ECONNREFUSED
	{ ECONNREFUSED,		111 },
#endif
#ifdef EHOSTDOWN
	{ EHOSTDOWN,		112 },
#endif
#ifdef EHOSTUNREACH
	{ EHOSTUNREACH,		113 },
#endif
#ifdef EALREADY
	{ EALREADY,		114 },
#endif
#ifdef EINPROGRESS
	{ EINPROGRESS,		115 },
#endif
#ifdef ESTALE
	{ ESTALE,		116 },
#endif
#ifdef EUCLEAN
	{ EUCLEAN,		117 },
#endif
#ifdef ENOTNAM
	{ ENOTNAM,		118 },
#endif
#ifdef ENAVAIL
	{ ENAVAIL,		119 },
#endif
#ifdef EISNAM
	{ EISNAM,		120 },
#endif
#ifdef EREMOTEIO
	{ EREMOTEIO,		121 },
#endif
#ifdef EDQUOT
	{ EDQUOT,		122 },
#endif
#ifdef ENOMEDIUM
	{ ENOMEDIUM,		123 },
#endif
#ifdef EMEDIUMTYPE
	{ EMEDIUMTYPE,		124 },
#endif
#ifdef ECANCELED
	{ ECANCELED,		125 },
#endif
#ifdef ENOKEY
	{ ENOKEY,		126 },
#endif
#ifdef EKEYEXPIRED
	{ EKEYEXPIRED,		127 },
#endif
#ifdef EKEYREVOKED
	{ EKEYREVOKED,		128 },
#endif
#ifdef EKEYREJECTED
	{ EKEYREJECTED,		129 },
#endif
#ifdef EOWNERDEAD
	{ EOWNERDEAD,		130 },
#endif
#ifdef ENOTRECOVERABLE
	{ ENOTRECOVERABLE,	131 },
#endif
#ifdef ERFKILL
	{ ERFKILL,		132 },
#endif
#ifdef EHWPOISON
	{ EHWPOISON,		133 },
#endif
#ifdef EWOULDBLOCK
	{ EWOULDBLOCK,		11 },
#endif
#ifdef EDEADLOCK
	{ EDEADLOCK,		35 },
#endif
#ifdef ENOTSUP
	{ ENOTSUP,		95 },
#endif
/*
 * BSD and macOS name Linux's ENODATA for extended attributes ENOATTR;
 * where both exist they may differ, and ENOATTR is what the xattr calls
 * return there.
 */
#if defined(ENOATTR) && (!defined(ENODATA) || ENOATTR != ENODATA)
	{ ENOATTR,		61 },
#endif
/*
 * BSD and macOS errnos Linux has no twin for, as the answer Linux gives
 * for the same refusal; they follow every canonical row, so a wire value
 * never turns back into one of them.  Anything left out here is EIO.
 *
 * EFTYPE: chmod(2) setting the sticky bit on a non-directory without
 * privilege (the BSDs' chmod(2)).  Linux allows that bit, so there is
 * no same call to copy; it is a refusal root would not get, which
 * Linux's chmod(2) says with EPERM (EINVAL would call the mode itself
 * malformed).  NetBSD's other EFTYPE, O_NOFOLLOW on a symlink, is
 * ELOOP by compat_nofollow_errno before it gets here.
 */
#ifdef EFTYPE
	{ EFTYPE,		1 },
#endif
/*
 * ENOTCAPABLE: FreeBSD's Capsicum refused a descriptor right, or a
 * lookup under O_RESOLVE_BENEATH tried to leave its directory.  The
 * Linux counterpart of that fence, Landlock, refuses with EACCES.
 * ECAPMODE, a call capability mode forbids outright, is EPERM as for a
 * seccomp-filtered call.
 */
#ifdef ENOTCAPABLE
	{ ENOTCAPABLE,		13 },
#endif
#ifdef ECAPMODE
	{ ECAPMODE,		1 },
#endif
/*
 * EINTEGRITY: FreeBSD's file systems found a checksum or structure
 * wrong, Linux's EFSCORRUPTED, which is EUCLEAN ("structure needs
 * cleaning").
 */
#ifdef EINTEGRITY
	{ EINTEGRITY,		117 },
#endif
/* EAUTH, ENEEDAUTH: an NFS or RPC server refused the credentials. */
#ifdef EAUTH
	{ EAUTH,		13 },
#endif
#ifdef ENEEDAUTH
	{ ENEEDAUTH,		13 },
#endif
};

uint32_t
compat_errno_to_wire(int e)
{
	size_t	i;

	for (i = 0; i < nitems(wire_errnos); i++)
		if (wire_errnos[i].we_host == e)
			return wire_errnos[i].we_wire;
	/* Also for 0: an error reply must never say "no error". */
	return P9_L_EIO;
}

int
compat_errno_from_wire(uint32_t w)
{
	size_t	i;

	for (i = 0; i < nitems(wire_errnos); i++)
		if (wire_errnos[i].we_wire == w)
			return wire_errnos[i].we_host;
	return EIO;
}

/*
 * Open flags.  ow_test is the wire bit that selects the host flag,
 * ow_wire what the host flag becomes on the wire: Linux's O_SYNC is
 * __O_SYNC|O_DSYNC, and a lone __O_SYNC bit still means O_SYNC to the
 * Linux kernel.  Flags a server must not honour for a client are left
 * out: FASYNC (signals to the daemon), NOCTTY, LARGEFILE (implicit),
 * O_TMPFILE's private bit (it would turn O_DIRECTORY into a create) and
 * O_PATH.  No row but O_CREAT's can produce O_CREAT.
 */
struct wire_oflag {
	int		ow_host;
	uint32_t	ow_test;
	uint32_t	ow_wire;
};

static const struct wire_oflag wire_oflags[] = {
	{ O_CREAT,	P9_L_O_CREAT,		P9_L_O_CREAT },
	{ O_EXCL,	P9_L_O_EXCL,		P9_L_O_EXCL },
	{ O_TRUNC,	P9_L_O_TRUNC,		P9_L_O_TRUNC },
	{ O_APPEND,	P9_L_O_APPEND,		P9_L_O_APPEND },
	{ O_NONBLOCK,	P9_L_O_NONBLOCK,	P9_L_O_NONBLOCK },
#ifdef O_DSYNC
	{ O_DSYNC,	P9_L_O_DSYNC,		P9_L_O_DSYNC },
#endif
#ifdef O_DIRECT
	{ O_DIRECT,	P9_L_O_DIRECT,		P9_L_O_DIRECT },
#endif
	{ O_DIRECTORY,	P9_L_O_DIRECTORY,	P9_L_O_DIRECTORY },
	{ O_NOFOLLOW,	P9_L_O_NOFOLLOW,	P9_L_O_NOFOLLOW },
#ifdef O_NOATIME
	{ O_NOATIME,	P9_L_O_NOATIME,		P9_L_O_NOATIME },
#endif
	{ O_CLOEXEC,	P9_L_O_CLOEXEC,		P9_L_O_CLOEXEC },
	{ O_SYNC,	P9_L_O_SYNC,		P9_L_O_SYNC | P9_L_O_DSYNC },
};

int
compat_oflags_from_wire(uint32_t w)
{
	size_t	i;
	int	h;

	switch (w & P9_L_O_ACCMODE) {
	case P9_L_O_RDONLY:
		h = O_RDONLY;
		break;
	case P9_L_O_WRONLY:
		h = O_WRONLY;
		break;
	case P9_L_O_RDWR:
		h = O_RDWR;
		break;
	default:
		/*
		 * Linux's "no access" mode; hosts without it reject the
		 * value in open(2), which is the answer the client gets.
		 */
		h = O_ACCMODE;
		break;
	}
	for (i = 0; i < nitems(wire_oflags); i++)
		if (w & wire_oflags[i].ow_test)
			h |= wire_oflags[i].ow_host;
	return h;
}

uint32_t
compat_oflags_to_wire(int h)
{
	size_t		i;
	uint32_t	w;

	if ((h & O_ACCMODE) == O_RDONLY)
		w = P9_L_O_RDONLY;
	else if ((h & O_ACCMODE) == O_WRONLY)
		w = P9_L_O_WRONLY;
	else if ((h & O_ACCMODE) == O_RDWR)
		w = P9_L_O_RDWR;
	else
		w = P9_L_O_NOACCESS;
	for (i = 0; i < nitems(wire_oflags); i++)
		if ((h & wire_oflags[i].ow_host) == wire_oflags[i].ow_host)
			w |= wire_oflags[i].ow_wire;
	return w;
}

/* File types; permission bits are listed one by one below. */
struct wire_pair {
	unsigned int	wp_host;
	uint32_t	wp_wire;
};

static const struct wire_pair wire_types[] = {
	{ S_IFSOCK,	P9_L_S_IFSOCK },
	{ S_IFLNK,	P9_L_S_IFLNK },
	{ S_IFREG,	P9_L_S_IFREG },
	{ S_IFBLK,	P9_L_S_IFBLK },
	{ S_IFDIR,	P9_L_S_IFDIR },
	{ S_IFCHR,	P9_L_S_IFCHR },
	{ S_IFIFO,	P9_L_S_IFIFO },
};

static const struct wire_pair wire_perms[] = {
	{ S_ISUID,	04000 },
	{ S_ISGID,	02000 },
	{ S_ISVTX,	01000 },
	{ S_IRUSR,	00400 },
	{ S_IWUSR,	00200 },
	{ S_IXUSR,	00100 },
	{ S_IRGRP,	00040 },
	{ S_IWGRP,	00020 },
	{ S_IXGRP,	00010 },
	{ S_IROTH,	00004 },
	{ S_IWOTH,	00002 },
	{ S_IXOTH,	00001 },
};

/* A type the other side lacks (BSD's S_IFWHT, say) becomes no type. */
uint32_t
compat_mode_to_wire(mode_t m)
{
	size_t		i;
	uint32_t	w = 0;

	for (i = 0; i < nitems(wire_types); i++)
		if ((m & S_IFMT) == wire_types[i].wp_host) {
			w = wire_types[i].wp_wire;
			break;
		}
	for (i = 0; i < nitems(wire_perms); i++)
		if (m & wire_perms[i].wp_host)
			w |= wire_perms[i].wp_wire;
	return w;
}

mode_t
compat_mode_from_wire(uint32_t w)
{
	size_t	i;
	mode_t	m = 0;

	for (i = 0; i < nitems(wire_types); i++)
		if ((w & P9_L_S_IFMT) == wire_types[i].wp_wire) {
			m = wire_types[i].wp_host;
			break;
		}
	for (i = 0; i < nitems(wire_perms); i++)
		if (w & wire_perms[i].wp_wire)
			m |= wire_perms[i].wp_host;
	return m;
}

/* Linux's DT_WHT has no name in p9.h; the Linux value is 14. */
static const struct wire_pair wire_dtypes[] = {
	{ DT_UNKNOWN,	P9_L_DT_UNKNOWN },
	{ DT_FIFO,	P9_L_DT_FIFO },
	{ DT_CHR,	P9_L_DT_CHR },
	{ DT_DIR,	P9_L_DT_DIR },
	{ DT_BLK,	P9_L_DT_BLK },
	{ DT_REG,	P9_L_DT_REG },
	{ DT_LNK,	P9_L_DT_LNK },
	{ DT_SOCK,	P9_L_DT_SOCK },
#ifdef DT_WHT
	{ DT_WHT,	14 },
#endif
};

uint8_t
compat_dtype_to_wire(int t)
{
	size_t	i;

	for (i = 0; i < nitems(wire_dtypes); i++)
		if ((unsigned int)t == wire_dtypes[i].wp_host)
			return wire_dtypes[i].wp_wire;
	return P9_L_DT_UNKNOWN;
}

int
compat_dtype_from_wire(uint8_t w)
{
	size_t	i;

	for (i = 0; i < nitems(wire_dtypes); i++)
		if (w == wire_dtypes[i].wp_wire)
			return wire_dtypes[i].wp_host;
	return DT_UNKNOWN;
}

int
compat_lktype_from_wire(uint8_t w)
{
	switch (w) {
	case P9_LOCK_TYPE_RDLCK:
		return F_RDLCK;
	case P9_LOCK_TYPE_WRLCK:
		return F_WRLCK;
	case P9_LOCK_TYPE_UNLCK:
		return F_UNLCK;
	}
	return -1;
}

/* Only the three lock types exist; anything else reads as "no lock". */
uint8_t
compat_lktype_to_wire(int t)
{
	if (t == F_RDLCK)
		return P9_LOCK_TYPE_RDLCK;
	if (t == F_WRLCK)
		return P9_LOCK_TYPE_WRLCK;
	return P9_LOCK_TYPE_UNLCK;
}

/*
 * AT_* flags.  On the wire only Tunlinkat carries them (AT_REMOVEDIR,
 * Linux's 0x200); the host's value differs on the BSDs (0x800 on
 * FreeBSD, 0x08 on OpenBSD).  A wire bit with no host meaning makes the
 * whole value unusable: -1, so the caller can say EINVAL.
 */
int
compat_atflags_from_wire(uint32_t w)
{
	int	 h = 0;

	if (w & ~(uint32_t)P9_L_AT_REMOVEDIR)
		return -1;
	if (w & P9_L_AT_REMOVEDIR)
		h |= AT_REMOVEDIR;
	return h;
}

uint32_t
compat_atflags_to_wire(int h)
{
	uint32_t	 w = 0;

	if (h & AT_REMOVEDIR)
		w |= P9_L_AT_REMOVEDIR;
	return w;
}
