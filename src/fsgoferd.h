/*
 * fsgoferd: the one private header.  Structs, limits and prototypes, by
 * the file that implements them.
 */
#ifndef FSGOFERD_H
#define FSGOFERD_H

#include <sys/types.h>
#ifdef HAVE_SYS_QUEUE_H
#include <sys/queue.h>
#else
#include "compat_queue.h"
#endif
#include <sys/socket.h>
#include <sys/stat.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>

#include "p9.h"
#include "compat.h"

/* Defaults for what a client controls; each has an option. */
#define DEF_MSIZE		(512 * 1024 + P9_IOHDRSZ)
#define MAX_MSIZE		(16 * 1024 * 1024)
#define DEF_MAXCONN		1024
#define DEF_MAXFIDS		16384		/* per connection */
#define DEF_MAXREQS		256		/* outstanding per connection */
#define DEF_OUTHIWAT		(8 * 1024 * 1024) /* queued reply bytes */
#define DEF_WORKERS		8
#define DEF_IDLE_FRAME_SECS	60		/* half-sent frame timeout */
#define LF_NAME_MAX		255
#define LF_READLINK_MAX		4096

/* Who a request runs as, in the "user" and "squash" identity modes. */
struct cred {
	atomic_int	 cr_refs;	/* a close job drops one on a worker */
	uid_t		 cr_uid;
	gid_t		 cr_gid;
	int		 cr_ngroups;
	gid_t		*cr_groups;
};

/*
 * Peers of an identity "user" export that may attach as any uid, not only
 * their own (trust-user, trust-group).
 */
#define EXP_MAXTRUST	16
struct exptrust {
	int			 et_nuids;
	uid_t			 et_uids[EXP_MAXTRUST];
	int			 et_ngids;
	gid_t			 et_gids[EXP_MAXTRUST];
};

/* An attach point: an aname served from a host directory. */
struct export {
	TAILQ_ENTRY(export)	 e_entry;
	char			*e_aname;
	char			*e_path;	/* resolved once at start-up */
	int			 e_rootfd;	/* directory fd of e_path */
	int			 e_flags;
#define EXP_RO		0x01
#define EXP_ABORTWRITE	0x02		/* debug: abort() on a write to RO */
#define EXP_ALLOWDEV	0x04		/* Tmknod may make device nodes */
#define EXP_NOCHOWN	0x08		/* new files keep the host's owner */
#define EXP_NODIRCACHE	0x10		/* list directories afresh each time */
	int			 e_idmode;
#define ID_TRUSTED	0		/* the daemon's credentials (fsgofer) */
#define ID_USER		1		/* each request as the attaching user */
#define ID_SQUASH	2		/* everything as one account */
	uid_t			 e_squid;
	gid_t			 e_sqgid;
	struct exptrust		 e_trust;

	/* Host device -> small number for the top 8 bits of qid.path. */
	pthread_mutex_t		 e_devlock;
	dev_t			 e_devs[256];
	int			 e_ndevs;

	/* Every live lfile, so a rename can update the names below it. */
	pthread_mutex_t		 e_filelock;
	pthread_mutex_t		 e_winlock;	/* every lf_win */
	TAILQ_HEAD(, lfile)	 e_files;

	struct dircache		*e_dcache;	/* NULL: EXP_NODIRCACHE */
};
TAILQ_HEAD(exportlist, export);

/* Not-open marker for lf_omode (no valid wire flags value is all ones). */
#define LF_NOTOPEN	0xffffffffU

/* Extended attribute fid state (Txattrwalk / Txattrcreate). */
struct lxattr {
	int		 x_create;	/* 1: xattrcreate, 0: xattrwalk */
	char		*x_name;
	uint8_t		*x_buf;
	uint64_t	 x_size;	/* value size (walk) or declared size */
	uint64_t	 x_len;		/* bytes written so far (create) */
	int		 x_flags;	/* wire P9_XATTR_* */
};

/*
 * The seed's localFile: what one fid refers to.  lf_fd is the control
 * fd, never opened for write; lf_ofd is the fd opened by Tlopen/Tlcreate.
 * lf_pfd/lf_name locate the file in its parent for operations that need
 * a name (rename, remove, symlink times, portable reopen); they change
 * only under the export's e_filelock, when the file is renamed.
 */
struct lfile {
	struct export		*lf_exp;
	TAILQ_ENTRY(lfile)	 lf_entry;	/* on lf_exp->e_files */
	int			 lf_fd;		/* control fd or -1 */
	int			 lf_pfd;	/* parent dir, -1 for root */
	char			*lf_name;	/* NULL for root */
	dev_t			 lf_pdev;	/* parent's identity, to find */
	ino_t			 lf_pino;	/* the lfiles a rename moves */
	dev_t			 lf_dev;
	ino_t			 lf_ino;
	mode_t			 lf_type;	/* S_IFMT bits */
	int			 lf_ofd;	/* open fd or -1 */
	int			 lf_ofdslow;	/* its close(2) may wait */
	uint32_t		 lf_omode;	/* wire flags or LF_NOTOPEN */
	uid_t			 lf_uid;	/* attaching user */

	/* Treaddir cursor: resumes exactly where the last reply stopped. */
	struct compat_dir	*lf_dir;	/* stream on a dup of lf_ofd */
	uint64_t		 lf_dirnext;	/* offset of next entry */
	int			 lf_dirlost;	/* lf_dir is not at lf_dirnext */
	struct dclist		*lf_dcl;	/* listing read or being taken */
	int			 lf_dctake;	/* 1: being taken (dircache.c) */
	size_t			 lf_dcpos;	/* read: next entry's byte */

	struct lxattr		*lf_xattr;	/* xattr fids only */
	struct mapwin		*lf_win;	/* mapwin.c; e_winlock */
};

/*
 * localfile.c: the fsgofer logic, written only against compat/.  Called
 * from worker threads.  Each returns 0 or a host errno value; the caller
 * translates to the wire.  The caller serialises calls on one lfile that
 * change it (open, create, readdir, close, walk into itself).
 */
int	lf_export_init(struct export *);
void	lf_export_free(struct export *);
int	lf_attach(struct export *, uid_t, struct lfile **, struct p9_qid *);
int	lf_close_nowait(struct lfile *);
int	lf_walk_cached(struct lfile *, int, char *const *, struct p9_qid *,
	    int *, struct lfile **);
int	lf_walk(struct lfile *, int nwname, char *const *names,
	    struct p9_qid *qids, int *nqids, struct lfile **);
int	lf_getattr(struct lfile *, uint64_t mask, struct p9_fcall *rgetattr);
int	lf_setattr(struct lfile *, const struct p9_fcall *tsetattr);
int	lf_open(struct lfile *, uint32_t wflags, struct p9_qid *);
int	lf_create(struct lfile *, const char *, uint32_t wflags, uint32_t mode,
	    gid_t, struct p9_qid *);
int	lf_read(struct lfile *, uint64_t off, void *, uint32_t, uint32_t *);
int	lf_read_cached(struct lfile *, uint64_t, void *, uint32_t,
	    uint32_t *);
/* A read's bytes in a window on the file (lf_window). */
struct lfwin {
	struct mapwin	*w_win;		/* one reference, the caller's */
	const uint8_t	*w_data;	/* the read's first byte */
	uint32_t	 w_n;		/* bytes there, up to end of file */
};
int	lf_window(struct lfile *, uint64_t off, uint32_t count, int maywait,
	    struct lfwin *);
/* A read's bytes in a mapping of the file (lf_map). */
struct lfmap {
	void		*m_base;	/* what munmap gets */
	size_t		 m_len;
	const uint8_t	*m_data;	/* the read's first byte */
	uint32_t	 m_n;		/* bytes there, up to end of file */
};
int	lf_map(struct lfile *, uint64_t off, uint32_t count, struct lfmap *);
void	lf_unmap(struct lfmap *);
int	lf_map_rest(struct lfile *, uint64_t off, void *, uint32_t);
int	lf_write(struct lfile *, uint64_t off, const void *, uint32_t,
	    uint32_t *);
int	lf_readdir(struct lfile *, uint64_t off, void *, uint32_t, uint32_t *);
int	lf_readdir_cached(struct lfile *, uint64_t, void *, uint32_t,
	    uint32_t *);
int	lf_mkdir(struct lfile *, const char *, uint32_t mode, gid_t,
	    struct p9_qid *);
int	lf_symlink(struct lfile *, const char *, const char *target, gid_t,
	    struct p9_qid *);
int	lf_mknod(struct lfile *, const char *, uint32_t mode, uint32_t major,
	    uint32_t minor, gid_t, struct p9_qid *);
int	lf_link(struct lfile *dir, struct lfile *target, const char *);
int	lf_rename(struct lfile *, struct lfile *newdir, const char *);
int	lf_renameat(struct lfile *olddir, const char *, struct lfile *newdir,
	    const char *);
int	lf_unlinkat(struct lfile *, const char *, uint32_t wflags);
int	lf_remove(struct lfile *);
int	lf_readlink(struct lfile *, char *, size_t);
int	lf_statfs(struct lfile *, struct p9_fcall *rstatfs);
int	lf_fsync(struct lfile *, int datasync);
int	lf_xattrwalk(struct lfile *, const char *, struct lfile **,
	    uint64_t *);
int	lf_xattrcreate(struct lfile *, const char *, uint64_t, uint32_t);
int	lf_lock(struct lfile *, const void *owner, const struct p9_fcall *,
	    uint8_t *status);
int	lf_getlock(struct lfile *, const void *owner, struct p9_fcall *);
int	lf_close(struct lfile *);	/* frees; xattr set happens here */
void	lf_xattr_discard(struct lfile *);
int	lf_name_ok(const char *);	/* one component: not "", ".", "..", no '/' */
int	lf_name_err(const char *);	/* 0, EINVAL or ENAMETOOLONG */
int	lf_is_ro(const struct lfile *);

struct event_base;
struct bufpool;
struct workq;
struct event;
struct bufferevent;
struct evconnlistener;

/* Limits a client cannot exceed; each has an option. */
struct limits {
	uint32_t	l_maxmsize;
	int		l_maxconn;
	int		l_maxfids;	/* per connection */
	int		l_maxreqs;	/* outstanding per connection */
	size_t		l_outhiwat;	/* reply bytes queued per connection */
	int		l_workers;
	int		l_idlesecs;	/* a half-sent frame times out */
};

/* A TCP client address range that may connect (-a). */
struct allow {
	int		a_family;
	uint8_t		a_addr[16];
	int		a_bits;
};

/* The daemon's own context: the only mutable state beyond the stack. */
struct server {
	struct event_base	*s_base;
	struct exportlist	 s_exports;
	TAILQ_HEAD(, listener)	 s_listeners;
	TAILQ_HEAD(, conn)	 s_conns;
	int			 s_nconns;
	struct limits		 s_lim;
	struct workq		*s_wq;
	int			 s_stopping;
	int			 s_dryrun;	/* -n: parse, bind nothing */
	struct event		*s_sigev[4];
	struct event		*s_stoptimer;
	struct event		*s_flushev;	/* runs conn_flush_all */
	TAILQ_HEAD(, conn)	 s_flushq;	/* conns with c_pend bytes */
	pthread_mutex_t		 s_xattrlock;	/* xattr fid buffers */
	gid_t			*s_groups;	/* the daemon's own groups */
	int			 s_ngroups;
	struct bufpool		*s_pool;	/* msize-class buffers */
	struct allow		*s_allow;	/* empty: any TCP peer */
	int			 s_nallow;
};

struct listener {
	TAILQ_ENTRY(listener)	 li_entry;
	struct server		*li_srv;
	char			*li_spec;	/* as given, for logs */
	char			 li_name[128];	/* bound address, for logs */
	int			 li_fd;
	int			 li_unix;
	char			*li_path;	/* unix socket to unlink */
	int			 li_port;	/* TCP: the bound port */
	struct evconnlistener	*li_evl;
	struct event		*li_retry;	/* accept paused on EMFILE */
	char			*li_msg;	/* listener_add's error text */
	size_t			 li_msglen;
	int			 li_sysfail;	/* refused by the system */
};

/* A fid: a connection's name for an lfile. */
struct fid {
	uint32_t		 f_fid;
	struct fid		*f_next;	/* hash chain */
	struct lfile		*f_lf;		/* NULL until attach/walk done */
	struct cred		*f_cred;	/* NULL: the daemon's own */
	pthread_rwlock_t	 f_lock;	/* held by workers using f_lf */
	int			 f_refs;	/* loop thread only */
	int			 f_state;
#define FID_PENDING	0		/* being made by an in-flight request */
#define FID_LIVE	1
#define FID_GONE	2		/* clunked: off the table */
};

struct fidtab {
	struct fid	**ft_tab;
	size_t		  ft_size;	/* power of two */
	size_t		  ft_count;
};

/* One request, from decode to reply. */
struct req {
	TAILQ_ENTRY(req)	 r_entry;	/* conn's in-flight list */
	TAILQ_ENTRY(req)	 r_qentry;	/* work or done queue */
	struct conn		*r_conn;
	struct p9_fcall		 r_t;
	uint8_t			*r_frame;	/* frame + string arena */
	size_t			 r_framecap;	/* what r_frame was asked for */
	struct fid		*r_fid;		/* main fid */
	struct fid		*r_fid2;	/* second fid, or NULL */
	struct fid		*r_newfid;	/* fid being made, or NULL */
	int			 r_excl;	/* r_fid locked exclusively */
	const struct msgtype	*r_msg;		/* its type's row */
	int			 r_err;		/* host errno, 0 on success */
	size_t			 r_reserve;	/* counted in c_reserved */
	uint8_t			*r_out;		/* encoded reply */
	size_t			 r_outlen;
	uint8_t			*r_outheap;	/* r_out when not r_outbuf */
	size_t			 r_outcap;	/* what r_outheap was asked for */
	TAILQ_HEAD(, req)	 r_flushes;	/* Tflush waiting for us */
	TAILQ_ENTRY(req)	 r_fentry;
	int			 r_solo;	/* alone on the workers */
	int			 r_bigio;	/* counted in the workq's w_nbig */
	/* Under the connection's bufferevent lock: */
	int			 r_replied;	/* a worker queued or sent it */
	int			 r_done;	/* on c_done */
	int			 r_wakeloop;	/* a Tflush waits: wake the loop */
	struct mapwin		*r_win;		/* the data's window, or NULL */
	const uint8_t		*r_wdata;	/* the data follows r_out */
	uint32_t		 r_wlen;
	uint8_t			 r_outbuf[256];
};
TAILQ_HEAD(reqlist, req);

struct conn {
	TAILQ_ENTRY(conn)	 c_entry;
	struct server		*c_srv;
	int			 c_fd;
	struct bufferevent	*c_bev;		/* writes replies */
	struct event		*c_rev;		/* reads: conn_readev */
	struct evbuffer		*c_in;		/* read, not yet framed */
	struct req		*c_big;		/* large frame being read in */
	size_t			 c_bigoff;	/* of it read so far */
	size_t			 c_bigsize;
	char			 c_peer[128];
	int			 c_peerknown;	/* c_peeruid/gid valid? */
#define PEER_KNOWN	1		/* a unix socket's peer */
#define PEER_NOTUNIX	0		/* TCP: nothing is known */
#define PEER_UNREADABLE	(-1)		/* unix, but no answer: refuse */
	uid_t			 c_peeruid;
	gid_t			 c_peergid;
	uint32_t		 c_msize;	/* 0 until Tversion */
	int			 c_nreqs;	/* in flight */
	int			 c_dead;	/* closing; freed at c_nreqs 0 */
	int			 c_inetd;	/* -i: exit when it closes */
	int			 c_running;	/* on workers; workq lock */
	int			 c_inframes;	/* inside conn_frames() */
	size_t			 c_reserved;	/* replies in flight may need */
	struct reqlist		 c_batch;	/* decoded, for the workers */
	struct evbuffer		*c_pend;	/* loop's replies, to flush */
	int			 c_onflush;	/* on s_flushq */
	int			 c_npend;	/* replies in c_pend */
	int			 c_pendref;	/* c_pend holds a reference */
	int			 c_rstopped;	/* reading off for backpressure */
	int64_t			 c_framedl;	/* half frame due, ms; 0: none */
	TAILQ_ENTRY(conn)	 c_fentry;
	struct req		*c_version;	/* Tversion waiting to drain */
	struct fidtab		 c_fids;
	struct reqlist		 c_reqs;
	/* Under the bufferevent's lock, shared with the workers: */
	struct reqlist		 c_done;	/* finished, not yet settled */
	int			 c_direct;	/* workers may send replies */
	int			 c_wantwake;	/* loop waits on completions */
	atomic_int		 c_wpending;	/* handed to workers, not done */
	/* Under the work queue's lock: */
	int			 c_onwake;	/* on the workq's wake list */
	TAILQ_ENTRY(conn)	 c_wentry;
};

/* conn.c */
struct conn	*conn_new(struct server *, int, const char *);
void		 conn_close(struct conn *, const char *);
void		 conn_reply(struct req *);
void		 conn_resume(struct conn *);
void		 conn_reap(struct conn *);
void		 conn_drain(struct conn *);
void		 conn_send_direct(struct req *);
int		 conn_send_mapped(struct req *, const uint8_t *, size_t,
		    int (*)(void *, uint8_t *, size_t, size_t), void *);

/* listen.c */
int		 listener_add(struct server *, const char *, char *, size_t);
int		 listener_inherit(struct server *);
int		 allow_add(struct server *, const char *);
int		 allow_check(const struct server *, const struct sockaddr *);
int		 listener_start(struct server *);
void		 listener_free(struct listener *);

/* dispatch.c */
void		 dispatch(struct conn *, struct req *);
void		 dispatch_done(struct req *);
void		 dispatch_finish(struct req *);
void		 req_free(struct req *);
void		 version_run(struct conn *);

/*
 * ops.c: handlers run on worker threads, and the table that says, for
 * each T-message type, which handler answers it and how it uses fids.
 * A row names its fids by their offset in struct p9_fcall.
 */
struct msgtype {
	uint8_t		  mt_type;	/* the row's own index */
	void		(*mt_fn)(struct req *);	/* NULL: not served here */
	/* On the loop, fid locked without waiting: 1 if it answered, 0
	 * if it would have to wait (then mt_fn runs on a worker). */
	int		(*mt_inline)(struct req *);
	uint16_t	  mt_fid;	/* MSG_FID: the main fid */
	uint16_t	  mt_fid2;	/* MSG_FID2: a second, locked shared */
	uint16_t	  mt_newfid;	/* MSG_NEWFID: the fid it makes */
	uint16_t	  mt_count;	/* MSG_BIGIO, MSG_RESERVE: data bytes */
	int		  mt_flags;
#define MSG_FID		0x01
#define MSG_EXCL	0x02	/* the main fid is locked exclusively */
#define MSG_DROP	0x04	/* the main fid leaves the table at once */
#define MSG_FID2	0x08
#define MSG_NEWFID	0x10
#define MSG_MOVE	0x20	/* newfid == fid: that fid moves, exclusive */
#define MSG_BIGIO	0x40	/* a large count is worth another CPU */
#define MSG_RESERVE	0x80	/* the reply carries up to count bytes */
};
const struct msgtype *ops_msg(uint8_t);
/* The uint32_t a row names in a decoded message (mt_fid, mt_count). */
#define MSG_U32(t, off) \
	(*(const uint32_t *)(const void *)((const char *)(t) + (off)))
void		 reply_fcall(struct req *, struct p9_fcall *);
void		 reply_error(struct req *, int);
int		 reply_alloc(struct req *, size_t);

/* mapwin.c: windows on open files that large Rreads are sent from. */
#define MAPWIN_SIZE	(64 * 1024 * 1024)
#define MAPWIN_MAX	1024		/* windows mapped at once */
#define MAPWIN_MAXBYTES	(sizeof(void *) >= 8 ?	/* and their bytes */ \
			    (16ULL << 30) : (256ULL << 20))
struct mapwin {
	atomic_int	 mw_refs;
	uint8_t		*mw_base;
	uint64_t	 mw_off;	/* the file offset of mw_base */
	size_t		 mw_len;
	LIST_ENTRY(mapwin) mw_entry;	/* mw_lock, while mw_listed */
	int		 mw_listed;	/* the file's current window */
	const struct export *mw_exp;
	dev_t		 mw_dev;	/* of the open file */
	ino_t		 mw_ino;
};
struct mapwin	*mapwin_get(struct lfile *, int fd, const struct stat *,
		    uint64_t off, uint32_t, int create);
void		 mapwin_put(struct mapwin *);
void		 mapwin_drop(struct lfile *);
void		 mapwin_stats(int *count, uint64_t *bytes);

/* bufpool.c */
struct bufpool	*bufpool_new(size_t);
void		 bufpool_free(struct bufpool *);
void		*bufpool_get(struct bufpool *, size_t);
size_t		 bufpool_size(const struct bufpool *, size_t);
void		 bufpool_put(struct bufpool *, void *, size_t);

/* cred.c */
struct cred	*cred_for_attach(const struct export *, const struct conn *,
		    const struct p9_fcall *, int *);
int		 cred_same(const struct cred *, const struct cred *);
void		 cred_unref(struct cred *);
int		 cred_enter(const struct server *, const struct cred *);
void		 cred_leave(const struct server *, const struct cred *);

/* fid.c */
void		 fid_init(struct fidtab *);
struct fid	*fid_get(struct fidtab *, uint32_t);
struct fid	*fid_new(struct fidtab *, uint32_t, int);
void		 fid_remove(struct fidtab *, struct fid *);
void		 fid_ref(struct fid *);
void		 fid_unref(struct fid *);
void		 fid_clear(struct fidtab *);
void		 fid_set_closer(void (*)(void *, struct lfile *, struct cred *),
		    void *);

/* work.c */
struct workq	*work_init(struct server *, int, int);
void		 work_submit(struct workq *, struct reqlist *, int);
void		 work_shutdown(struct workq *);
void		 work_wake_conn(struct workq *, struct conn *);
void		 work_big_done(struct workq *);
void		 work_forget_conn(struct workq *, struct conn *);
void		 work_close(void *, struct lfile *, struct cred *);

/* parse.c: fsgoferd.conf, and the set-up it shares with the command line */
struct conf {
	char		*cf_user;	/* user */
	char		*cf_pidfile;	/* pidfile */
};
int		 parse_config(struct server *, const char *, struct conf *);
int		 limit_set(struct limits *, const char *, const char *, int,
		    char *, size_t);
int		 export_setup(struct server *, const char *, const char *,
		    const char *, const char *, int, int, const char *,
		    const struct exptrust *);
int		 export_trust_add(struct exptrust *, const char *, int,
		    const char *);

/* server.c: apart from main() so unit tests and fuzzers link it */
struct export	*export_find(struct server *, const char *);
void		 server_stop(struct server *);
struct event_base *server_base_new(void);

/*
 * dircache.c: per-export cache of complete directory listings, valid
 * while the directory's identity, size and times stay as they were.
 */
struct dircache;
struct dclist;
struct dircache	*dircache_new(void);
void		 dircache_free(struct dircache *);
struct dclist	*dircache_get(struct dircache *, const struct stat *);
void		 dircache_put(struct dircache *, struct dclist *);
struct dclist	*dircache_capture(struct dircache *, int dirfd,
		    const struct stat *);
int		 dircache_append(struct dclist *, const void *, size_t,
		    uint32_t nent, int eof);
void		 dircache_publish(struct dircache *, struct dclist *);
int		 dircache_read(const struct dclist *, size_t *pos, void *,
		    size_t count, uint64_t *cookie, uint32_t *np);

/* log.c: the OpenBSD log API. */
void	log_init(int debug, int facility);
void	log_setverbose(int);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2)))
	    __attribute__((noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2)))
	    __attribute__((noreturn));
void	log_escape(char *, size_t, const char *);

#endif /* FSGOFERD_H */
