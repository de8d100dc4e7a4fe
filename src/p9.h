/*
 * 9P2000.L wire constants and the codec interface.
 *
 * Everything here is Linux's numbering: the wire speaks Linux on every
 * host, and compat/ translates at the edge.  This header is shared by the
 * daemon, the regress client and the fuzzers, so it depends on nothing
 * but <stdint.h> and <stddef.h>.
 */
#ifndef P9_H
#define P9_H

#include <stddef.h>
#include <stdint.h>

#define P9_VERSION	"9P2000.L"
#define P9_HDRSZ	7		/* size[4] type[1] tag[2] */
#define P9_IOHDRSZ	24		/* what the Linux client reserves */
#define P9_READDIRHDRSZ	24
#define P9_RDATAHDRSZ	11		/* size[4] type[1] tag[2] count[4] */
#define P9_QIDSZ	13
#define P9_NOTAG	0xffffU
#define P9_NOFID	0xffffffffU
#define P9_NONUNAME	0xffffffffU
#define P9_MAXWELEM	16
#define P9_MINMSIZE	4096		/* smaller cannot carry a full walk */

enum p9_type {
	P9_TLERROR = 6,		P9_RLERROR,
	P9_TSTATFS = 8,		P9_RSTATFS,
	P9_TLOPEN = 12,		P9_RLOPEN,
	P9_TLCREATE = 14,	P9_RLCREATE,
	P9_TSYMLINK = 16,	P9_RSYMLINK,
	P9_TMKNOD = 18,		P9_RMKNOD,
	P9_TRENAME = 20,	P9_RRENAME,
	P9_TREADLINK = 22,	P9_RREADLINK,
	P9_TGETATTR = 24,	P9_RGETATTR,
	P9_TSETATTR = 26,	P9_RSETATTR,
	P9_TXATTRWALK = 30,	P9_RXATTRWALK,
	P9_TXATTRCREATE = 32,	P9_RXATTRCREATE,
	P9_TREADDIR = 40,	P9_RREADDIR,
	P9_TFSYNC = 50,		P9_RFSYNC,
	P9_TLOCK = 52,		P9_RLOCK,
	P9_TGETLOCK = 54,	P9_RGETLOCK,
	P9_TLINK = 70,		P9_RLINK,
	P9_TMKDIR = 72,		P9_RMKDIR,
	P9_TRENAMEAT = 74,	P9_RRENAMEAT,
	P9_TUNLINKAT = 76,	P9_RUNLINKAT,
	P9_TVERSION = 100,	P9_RVERSION,
	P9_TAUTH = 102,		P9_RAUTH,
	P9_TATTACH = 104,	P9_RATTACH,
	P9_TFLUSH = 108,	P9_RFLUSH,
	P9_TWALK = 110,		P9_RWALK,
	P9_TREAD = 116,		P9_RREAD,
	P9_TWRITE = 118,	P9_RWRITE,
	P9_TCLUNK = 120,	P9_RCLUNK,
	P9_TREMOVE = 122,	P9_RREMOVE
};

/* qid.type */
#define P9_QTDIR	0x80
#define P9_QTAPPEND	0x40
#define P9_QTEXCL	0x20
#define P9_QTMOUNT	0x10
#define P9_QTAUTH	0x08
#define P9_QTTMP	0x04
#define P9_QTSYMLINK	0x02
#define P9_QTLINK	0x01
#define P9_QTFILE	0x00

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_MODE		0x00000001ULL
#define P9_GETATTR_NLINK	0x00000002ULL
#define P9_GETATTR_UID		0x00000004ULL
#define P9_GETATTR_GID		0x00000008ULL
#define P9_GETATTR_RDEV		0x00000010ULL
#define P9_GETATTR_ATIME	0x00000020ULL
#define P9_GETATTR_MTIME	0x00000040ULL
#define P9_GETATTR_CTIME	0x00000080ULL
#define P9_GETATTR_INO		0x00000100ULL
#define P9_GETATTR_SIZE		0x00000200ULL
#define P9_GETATTR_BLOCKS	0x00000400ULL
#define P9_GETATTR_BASIC	0x000007ffULL
#define P9_GETATTR_BTIME	0x00000800ULL
#define P9_GETATTR_GEN		0x00001000ULL
#define P9_GETATTR_DATA_VERSION	0x00002000ULL
#define P9_GETATTR_ALL		0x00003fffULL

/* Tsetattr valid */
#define P9_SETATTR_MODE		0x00000001U
#define P9_SETATTR_UID		0x00000002U
#define P9_SETATTR_GID		0x00000004U
#define P9_SETATTR_SIZE		0x00000008U
#define P9_SETATTR_ATIME	0x00000010U
#define P9_SETATTR_MTIME	0x00000020U
#define P9_SETATTR_CTIME	0x00000040U
#define P9_SETATTR_ATIME_SET	0x00000080U
#define P9_SETATTR_MTIME_SET	0x00000100U

/* Linux open flags as carried by Tlopen/Tlcreate */
#define P9_L_O_RDONLY		000000000U
#define P9_L_O_WRONLY		000000001U
#define P9_L_O_RDWR		000000002U
#define P9_L_O_NOACCESS		000000003U
#define P9_L_O_ACCMODE		000000003U
#define P9_L_O_CREAT		000000100U
#define P9_L_O_EXCL		000000200U
#define P9_L_O_NOCTTY		000000400U
#define P9_L_O_TRUNC		000001000U
#define P9_L_O_APPEND		000002000U
#define P9_L_O_NONBLOCK		000004000U
#define P9_L_O_DSYNC		000010000U
#define P9_L_O_FASYNC		000020000U
#define P9_L_O_DIRECT		000040000U
#define P9_L_O_LARGEFILE	000100000U
#define P9_L_O_DIRECTORY	000200000U
#define P9_L_O_NOFOLLOW		000400000U
#define P9_L_O_NOATIME		001000000U
#define P9_L_O_CLOEXEC		002000000U
#define P9_L_O_SYNC		004000000U

/* Linux AT_* flags */
#define P9_L_AT_REMOVEDIR	0x200U

/* Linux mode bits (S_IFMT family) */
#define P9_L_S_IFMT		0170000U
#define P9_L_S_IFSOCK		0140000U
#define P9_L_S_IFLNK		0120000U
#define P9_L_S_IFREG		0100000U
#define P9_L_S_IFBLK		0060000U
#define P9_L_S_IFDIR		0040000U
#define P9_L_S_IFCHR		0020000U
#define P9_L_S_IFIFO		0010000U

/* Linux dirent types */
#define P9_L_DT_UNKNOWN		0
#define P9_L_DT_FIFO		1
#define P9_L_DT_CHR		2
#define P9_L_DT_DIR		4
#define P9_L_DT_BLK		6
#define P9_L_DT_REG		8
#define P9_L_DT_LNK		10
#define P9_L_DT_SOCK		12

/* Tlock/Tgetlock */
#define P9_LOCK_TYPE_RDLCK	0
#define P9_LOCK_TYPE_WRLCK	1
#define P9_LOCK_TYPE_UNLCK	2
#define P9_LOCK_FLAGS_BLOCK	1
#define P9_LOCK_FLAGS_RECLAIM	2
#define P9_LOCK_SUCCESS		0
#define P9_LOCK_BLOCKED		1
#define P9_LOCK_ERROR		2
#define P9_LOCK_GRACE		3

/* Txattrcreate flags */
#define P9_XATTR_CREATE		1
#define P9_XATTR_REPLACE	2

#define P9_V9FS_MAGIC		0x01021997U

/* Linux errno values used on the wire (asm-generic/errno*.h) */
#define P9_L_EPERM		1
#define P9_L_ENOENT		2
#define P9_L_EIO		5
#define P9_L_ENXIO		6
#define P9_L_E2BIG		7
#define P9_L_EBADF		9
#define P9_L_EAGAIN		11
#define P9_L_ENOMEM		12
#define P9_L_EACCES		13
#define P9_L_EFAULT		14
#define P9_L_EBUSY		16
#define P9_L_EEXIST		17
#define P9_L_EXDEV		18
#define P9_L_ENODEV		19
#define P9_L_ENOTDIR		20
#define P9_L_EISDIR		21
#define P9_L_EINVAL		22
#define P9_L_ENFILE		23
#define P9_L_EMFILE		24
#define P9_L_ETXTBSY		26
#define P9_L_EFBIG		27
#define P9_L_ENOSPC		28
#define P9_L_ESPIPE		29
#define P9_L_EROFS		30
#define P9_L_EMLINK		31
#define P9_L_ERANGE		34
#define P9_L_EDEADLK		35
#define P9_L_ENAMETOOLONG	36
#define P9_L_ENOLCK		37
#define P9_L_ENOSYS		38
#define P9_L_ENOTEMPTY		39
#define P9_L_ELOOP		40
#define P9_L_ENODATA		61
#define P9_L_EOVERFLOW		75
#define P9_L_EPROTO		71
#define P9_L_EBADMSG		74
#define P9_L_EOPNOTSUPP		95
#define P9_L_ENOTSUP		95
#define P9_L_ECONNREFUSED	111
#define P9_L_ESTALE		116
#define P9_L_EUCLEAN		117
#define P9_L_EDQUOT		122

struct p9_qid {
	uint8_t		type;
	uint32_t	version;
	uint64_t	path;
};

/*
 * A decoded message.  Strings are NUL-terminated copies made in the
 * caller's arena (decode) or the caller's own strings (encode); they never
 * contain NUL.  Bulk data (Twrite, Rread, Rreaddir) points into the frame.
 */
struct p9_fcall {
	uint8_t		type;
	uint16_t	tag;
	union {
		struct { uint32_t ecode; } rlerror;
		struct { uint32_t msize; char *version; } version;	/* T and R */
		struct { uint32_t afid; char *uname; char *aname;
		    uint32_t n_uname; } tauth;
		struct { struct p9_qid aqid; } rauth;
		struct { uint32_t fid; uint32_t afid; char *uname;
		    char *aname; uint32_t n_uname; } tattach;
		struct { struct p9_qid qid; } rattach;
		struct { uint16_t oldtag; } tflush;
		struct { uint32_t fid; uint32_t newfid; uint16_t nwname;
		    char *wname[P9_MAXWELEM]; } twalk;
		struct { uint16_t nwqid; struct p9_qid wqid[P9_MAXWELEM]; } rwalk;
		struct { uint32_t fid; uint64_t offset; uint32_t count; } tread;
		struct { uint32_t count; const uint8_t *data; } rread;
		struct { uint32_t fid; uint64_t offset; uint32_t count;
		    const uint8_t *data; } twrite;
		struct { uint32_t count; } rwrite;
		struct { uint32_t fid; } tclunk;	/* also Tremove, Treadlink */
		struct { uint32_t fid; } tremove;
		struct { uint32_t fid; } tstatfs;
		struct { uint32_t type; uint32_t bsize; uint64_t blocks;
		    uint64_t bfree; uint64_t bavail; uint64_t files;
		    uint64_t ffree; uint64_t fsid; uint32_t namelen; } rstatfs;
		struct { uint32_t fid; uint32_t flags; } tlopen;
		struct { struct p9_qid qid; uint32_t iounit; } rlopen; /* and Rlcreate */
		struct { uint32_t fid; char *name; uint32_t flags;
		    uint32_t mode; uint32_t gid; } tlcreate;
		struct { uint32_t dfid; char *name; char *symtgt;
		    uint32_t gid; } tsymlink;
		struct { uint32_t dfid; char *name; uint32_t mode;
		    uint32_t major; uint32_t minor; uint32_t gid; } tmknod;
		struct { struct p9_qid qid; } rqid;	/* Rsymlink Rmknod Rmkdir */
		struct { uint32_t fid; uint32_t dfid; char *name; } trename;
		struct { uint32_t fid; } treadlink;
		struct { char *target; } rreadlink;
		struct { uint32_t fid; uint64_t request_mask; } tgetattr;
		struct { uint64_t valid; struct p9_qid qid; uint32_t mode;
		    uint32_t uid; uint32_t gid; uint64_t nlink; uint64_t rdev;
		    uint64_t size; uint64_t blksize; uint64_t blocks;
		    uint64_t atime_sec; uint64_t atime_nsec;
		    uint64_t mtime_sec; uint64_t mtime_nsec;
		    uint64_t ctime_sec; uint64_t ctime_nsec;
		    uint64_t btime_sec; uint64_t btime_nsec;
		    uint64_t gen; uint64_t data_version; } rgetattr;
		struct { uint32_t fid; uint32_t valid; uint32_t mode;
		    uint32_t uid; uint32_t gid; uint64_t size;
		    uint64_t atime_sec; uint64_t atime_nsec;
		    uint64_t mtime_sec; uint64_t mtime_nsec; } tsetattr;
		struct { uint32_t fid; uint32_t newfid; char *name; } txattrwalk;
		struct { uint64_t size; } rxattrwalk;
		struct { uint32_t fid; char *name; uint64_t attr_size;
		    uint32_t flags; } txattrcreate;
		struct { uint32_t fid; uint64_t offset; uint32_t count; } treaddir;
		struct { uint32_t count; const uint8_t *data; } rreaddir;
		struct { uint32_t fid; uint32_t datasync; } tfsync;
		struct { uint32_t fid; uint8_t type; uint32_t flags;
		    uint64_t start; uint64_t length; uint32_t proc_id;
		    char *client_id; } tlock;
		struct { uint8_t status; } rlock;
		struct { uint32_t fid; uint8_t type; uint64_t start;
		    uint64_t length; uint32_t proc_id; char *client_id; } getlock; /* T and R */
		struct { uint32_t dfid; uint32_t fid; char *name; } tlink;
		struct { uint32_t dfid; char *name; uint32_t mode;
		    uint32_t gid; } tmkdir;
		struct { uint32_t olddirfid; char *oldname; uint32_t newdirfid;
		    char *newname; } trenameat;
		struct { uint32_t dirfid; char *name; uint32_t flags; } tunlinkat;
	} u;
};

/* Bounds-checked little-endian reader; the first short read sets rb_err. */
struct p9_rbuf {
	const uint8_t	*rb_p;
	size_t		 rb_len;
	size_t		 rb_off;
	int		 rb_err;
};

/* Writer into a fixed buffer; running out of room sets wb_err. */
struct p9_wbuf {
	uint8_t		*wb_p;
	size_t		 wb_cap;
	size_t		 wb_len;
	int		 wb_err;
};

/* p9buf.c */
void		 p9_rinit(struct p9_rbuf *, const void *, size_t);
uint8_t		 p9_get8(struct p9_rbuf *);
uint16_t	 p9_get16(struct p9_rbuf *);
uint32_t	 p9_get32(struct p9_rbuf *);
uint64_t	 p9_get64(struct p9_rbuf *);
const uint8_t	*p9_getbytes(struct p9_rbuf *, size_t);
char		*p9_getstr(struct p9_rbuf *, char **, size_t *);
void		 p9_getqid(struct p9_rbuf *, struct p9_qid *);
size_t		 p9_remain(const struct p9_rbuf *);

void		 p9_winit(struct p9_wbuf *, void *, size_t);
void		 p9_put8(struct p9_wbuf *, uint8_t);
void		 p9_put16(struct p9_wbuf *, uint16_t);
void		 p9_put32(struct p9_wbuf *, uint32_t);
void		 p9_put64(struct p9_wbuf *, uint64_t);
void		 p9_putbytes(struct p9_wbuf *, const void *, size_t);
void		 p9_putstr(struct p9_wbuf *, const char *);
void		 p9_putqid(struct p9_wbuf *, const struct p9_qid *);
void		 p9_poke32(struct p9_wbuf *, size_t, uint32_t);

/* p9msg.c: p9_decode returns 0, or one of these */
#define P9_EMALFORMED	(-1)	/* short, long, bad string, bad count */
#define P9_EUNKNOWN	(-2)	/* well framed but not a 9P2000.L type */
int		 p9_decode(const void *, size_t, struct p9_fcall *, char *,
		    size_t);
size_t		 p9_encode(void *, size_t, const struct p9_fcall *);
size_t		 p9_dirent_put(struct p9_wbuf *, const struct p9_qid *,
		    uint64_t, uint8_t, const char *);
int		 p9_dirent_get(struct p9_rbuf *, struct p9_qid *, uint64_t *,
		    uint8_t *, char *, size_t);
const char	*p9_typename(uint8_t);

#endif /* P9_H */
