/*
 * fsgoferd: serve local directory trees over 9P2000.L.
 *
 * Start-up order: parse options, resolve and open every export root and
 * bind every listener (all before any privilege drop), daemonise, then
 * run the event loop with a pool of workers for file system calls.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <grp.h>
#include <pwd.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "fsgoferd.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: fsgoferd [-dinSv] [-a addr[/bits]] "
	    "[-e aname=path[,options]] [-f file]\n"
	    "                [-l listen] [-m msize] [-o limit=value,...] "
	    "[-p pidfile]\n                [-u user] [-w workers]\n"
	    "       export options: ro rw trusted user squash=USER[:GROUP] "
	    "allowdev abortwrite\n                       nodircache "
	    "trust-user=USER trust-group=GROUP\n"
	    "       listen: unix:/path[,mode=0660][,owner=user[:group]] |\n"
	    "               tcp:HOST:PORT | tcp:[V6ADDR]:PORT\n"
	    "       limits: maxconn maxfids maxreqs outbuf idle\n");
	exit(1);
}

/* A number option (-m, -w): the range is limit_set's, as in the file. */
static void
numarg(struct limits *lim, const char *name, const char *value)
{
	char	 msg[128];

	if (limit_set(lim, name, value, 0, msg, sizeof(msg)) == -1) {
		warnx("%s", msg);
		usage();
	}
}

/* -o maxconn=N,maxfids=N,maxreqs=N,outbuf=BYTES,idle=SECONDS */
static void
limits_parse(struct limits *lim, const char *arg)
{
	char	*buf, *p, *o, *v, msg[128];

	if ((buf = strdup(arg)) == NULL)
		err(1, NULL);
	p = buf;
	while ((o = strsep(&p, ",")) != NULL) {
		if ((v = strchr(o, '=')) == NULL) {
			warnx("limit \"%s\": expected name=value", o);
			usage();
		}
		*v++ = '\0';
		if (limit_set(lim, o, v, 1, msg, sizeof(msg)) == -1) {
			warnx("%s", msg);
			usage();
		}
	}
	free(buf);
}

/*
 * -e aname=/abs/path[,ro][,abortwrite][,allowdev], or -e /abs/path[,...]
 * whose aname is the path as given.  export_setup (parse.c) does the
 * rest, for fsgoferd.conf too.
 */
static int
export_add(struct server *srv, const char *arg)
{
	struct exptrust	 trust;
	char		*spec, *opts, *path, *o, *squash = NULL;
	int		 flags = 0, idmode = ID_TRUSTED, rc = -1;

	memset(&trust, 0, sizeof(trust));

	if ((spec = strdup(arg)) == NULL)
		err(1, NULL);
	if ((opts = strchr(spec, ',')) != NULL)
		*opts++ = '\0';
	if (spec[0] == '/')
		path = spec;
	else if ((path = strchr(spec, '=')) != NULL)
		*path++ = '\0';
	else {
		warnx("export \"%s\": expected aname=/path or /path", arg);
		goto out;
	}
	if (path[0] != '/') {
		warnx("export \"%s\": path must be absolute", arg);
		goto out;
	}
	while (opts != NULL && (o = strsep(&opts, ",")) != NULL) {
		if (strcmp(o, "ro") == 0)
			flags |= EXP_RO;
		else if (strcmp(o, "rw") == 0)
			flags &= ~EXP_RO;
		else if (strcmp(o, "abortwrite") == 0)
			flags |= EXP_ABORTWRITE;
		else if (strcmp(o, "allowdev") == 0)
			flags |= EXP_ALLOWDEV;
		else if (strcmp(o, "nodircache") == 0)
			flags |= EXP_NODIRCACHE;
		else if (strcmp(o, "trusted") == 0)
			idmode = ID_TRUSTED;
		else if (strcmp(o, "user") == 0)
			idmode = ID_USER;
		else if (strncmp(o, "squash=", 7) == 0) {
			idmode = ID_SQUASH;
			squash = o + 7;
		} else if (strncmp(o, "trust-user=", 11) == 0) {
			if (export_trust_add(&trust, NULL, 0, o + 11) == -1)
				goto out;
		} else if (strncmp(o, "trust-group=", 12) == 0) {
			if (export_trust_add(&trust, NULL, 1, o + 12) == -1)
				goto out;
		} else {
			warnx("export \"%s\": unknown option \"%s\"", arg, o);
			goto out;
		}
	}
	rc = export_setup(srv, NULL, arg, spec, path, flags, idmode, squash,
	    &trust);
out:
	free(spec);
	return rc;
}

/*
 * -n and -f act before getopt(3) reaches any -e, -l or -a: -n binds
 * nothing, and the file is read first so that the command line adds to
 * it and overrides it.  Walks argv the way getopt does.
 */
static void
prescan(int argc, char *argv[], const char *optstr, int *check,
    const char **file)
{
	const char	*o;
	char		*p;
	int		 i, nfile = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (argv[i][0] != '-')
			continue;
		for (p = argv[i] + 1; *p != '\0'; p++) {
			if (*p == ':' || (o = strchr(optstr, *p)) == NULL)
				continue;
			if (*p == 'n')
				*check = 1;
			if (o[1] != ':')
				continue;
			if (*p == 'f') {
				*file = p[1] != '\0' ? p + 1 :
				    i + 1 < argc ? argv[i + 1] : NULL;
				nfile++;
			}
			if (p[1] == '\0')
				i++;
			break;
		}
	}
	if (nfile > 1) {
		warnx("-f given more than once");
		usage();
	}
}

static void
server_signal(int sig, short ev, void *arg)
{
	struct server	*srv = arg;

	(void)ev;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: stopping", sig);
		server_stop(srv);
		break;
	case SIGHUP:
		/* syslog(3) needs no reopening; say we saw it. */
		log_info("SIGHUP: nothing to reload");
		break;
	}
}

static void
print_mount_hint(struct server *srv)
{
	struct listener	*li;
	struct export	*e = TAILQ_FIRST(&srv->s_exports);

	TAILQ_FOREACH(li, &srv->s_listeners, li_entry) {
		if (li->li_unix)
			log_info("mount with: mount -t 9p -o trans=unix,"
			    "version=9p2000.L,aname=%s %s /mnt", e->e_aname,
			    li->li_path != NULL ? li->li_path : li->li_name);
		else
			log_info("mount with: mount -t 9p -o trans=tcp,"
			    "port=%d,version=9p2000.L,aname=%s 127.0.0.1 /mnt",
			    li->li_port, e->e_aname);
	}
}

static int __attribute__((format(printf, 1, 2)))
idmode_refuse(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Check that every export's identity mode can work as started, before
 * anything is served.
 */
static int
idmodes_check(struct server *srv, const char *user)
{
	struct export	*e;

	TAILQ_FOREACH(e, &srv->s_exports, e_entry) {
		if (e->e_idmode == ID_TRUSTED)
			continue;
		if (e->e_idmode == ID_USER && !compat_cred_supported())
			return idmode_refuse("export \"%s\": identity mode \"user\" needs "
			    "per-thread credentials, which this platform "
			    "lacks", e->e_aname);
		if (geteuid() == 0 && user != NULL)
			return idmode_refuse("export \"%s\": identity mode \"%s\" needs "
			    "root to act as other users; -u would drop it",
			    e->e_aname, e->e_idmode == ID_USER ? "user" :
			    "squash");
		if (geteuid() != 0 && (e->e_idmode == ID_USER ||
		    e->e_squid != geteuid()))
			return idmode_refuse("export \"%s\": identity mode \"%s\" needs "
			    "root (or squash to the daemon's own account)",
			    e->e_aname, e->e_idmode == ID_USER ? "user" :
			    "squash");
	}
	return 0;
}

/* -u: give up root once sockets are bound and export roots are open. */
static void
drop_privileges(const char *user)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL)
		fatalx("-u %s: no such user", user);
	if (geteuid() != 0)
		fatalx("-u %s: only root can change user", user);
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    compat_setids(pw->pw_uid, pw->pw_gid) == -1)
		fatal("cannot drop privileges to %s", user);
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getegid() != pw->pw_gid ||
	    (pw->pw_uid != 0 && setuid(0) != -1))
		fatalx("privilege drop to %s did not hold", user);
}

/*
 * Prepare the confinement of the workers to the exports, unless -S said
 * not to.  Where it holds for the whole process (unveil), the process
 * itself must still remove rmfile (its pidfile, or NULL) and its unix
 * sockets at exit, unless a keeper does (keeper is set).  Returns the
 * handle work_init passes to each worker, COMPAT_SANDBOX_PROCESS or
 * COMPAT_SANDBOX_NONE.
 */
static int
sandbox_prepare(struct server *srv, int nosandbox, int keeper,
    const char *rmfile)
{
	struct export	*e;
	struct listener	*li;
	const char	**paths, **rm;
	int		 *ro, n = 0, nrm = 0, h;

	if (nosandbox)
		return COMPAT_SANDBOX_NONE;
	TAILQ_FOREACH(e, &srv->s_exports, e_entry)
		n++;
	TAILQ_FOREACH(li, &srv->s_listeners, li_entry)
		nrm++;
	if ((paths = calloc(n, sizeof(*paths))) == NULL ||
	    (ro = calloc(n, sizeof(*ro))) == NULL ||
	    (rm = calloc(nrm + 1, sizeof(*rm))) == NULL)
		fatal(NULL);
	n = 0;
	TAILQ_FOREACH(e, &srv->s_exports, e_entry) {
		paths[n] = e->e_path;
		ro[n++] = (e->e_flags & EXP_RO) != 0;
	}
	nrm = 0;
	if (!keeper) {
		TAILQ_FOREACH(li, &srv->s_listeners, li_entry)
			if (li->li_path != NULL)
				rm[nrm++] = li->li_path;
		if (rmfile != NULL)
			rm[nrm++] = rmfile;
	}
	if ((h = compat_sandbox_prepare(paths, ro, n, rm, nrm)) == -1)
		fatal("cannot confine the workers to the exports");
	if (h >= 0)
		log_info("workers confined to the export roots");
	else if (h == COMPAT_SANDBOX_PROCESS)
		log_info("process confined to the export roots");
	else
		log_info("not confined: this system has no way to");
	free(paths);
	free(ro);
	free(rm);
	return h;
}

/*
 * Once start-up is over, drop the system calls serving does not need,
 * where the platform can (pledge), unless -S said not to.
 */
static void
sandbox_lock(struct server *srv, int nosandbox, int inetd)
{
	struct listener	*li;
	int		 need = 0, rc;

	if (nosandbox)
		return;
	if (inetd)
		need = COMPAT_NEED_UNIX | COMPAT_NEED_INET;
	TAILQ_FOREACH(li, &srv->s_listeners, li_entry)
		need |= li->li_unix ? COMPAT_NEED_UNIX : COMPAT_NEED_INET;
	if ((rc = compat_sandbox_lock(need)) == -1)
		fatal("cannot restrict the system calls (pledge)");
	if (rc == 1)
		log_info("system calls restricted to what serving needs");
}

/*
 * With -u the daemon forks.  The child drops privileges and serves.  The
 * parent keeps root for one job: when the child is gone, remove the
 * pidfile and unix sockets, which an unprivileged process could not.
 * It writes its own pid to the pidfile and passes signals on, so a
 * service manager talks to it like to any daemon.  Returns in the child.
 */
static void	write_pidfile(const char *);

static void
keeper_fork(struct server *srv, const char *pidfile)
{
	struct listener	*li;
	sigset_t	 set, old;
	pid_t		 pid;
	int		 sig, status;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old) == -1)
		fatal("sigprocmask");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		if (sigprocmask(SIG_SETMASK, &old, NULL) == -1)
			fatal("sigprocmask");
		return;
	}
	/* The child serves the sockets; here they only need removing. */
	TAILQ_FOREACH(li, &srv->s_listeners, li_entry) {
		if (li->li_fd != -1)
			close(li->li_fd);
		li->li_fd = -1;
	}
	if (pidfile != NULL)
		write_pidfile(pidfile);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGCHLD) {
			kill(pid, sig);
			continue;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	while ((li = TAILQ_FIRST(&srv->s_listeners)) != NULL) {
		TAILQ_REMOVE(&srv->s_listeners, li, li_entry);
		listener_free(li);
	}
	if (pidfile != NULL)
		unlink(pidfile);
	if (WIFSIGNALED(status)) {
		log_warnx("server process killed by signal %d",
		    WTERMSIG(status));
		exit(1);
	}
	exit(WEXITSTATUS(status));
}

/* The groups a worker returns to after acting as another user. */
static void
save_groups(struct server *srv)
{
	int	 n;

	if ((n = getgroups(0, NULL)) < 0)
		err(1, "getgroups");
	if ((srv->s_groups = calloc(n > 0 ? n : 1, sizeof(gid_t))) == NULL)
		err(1, NULL);
	if ((srv->s_ngroups = getgroups(n, srv->s_groups)) < 0)
		err(1, "getgroups");
}

static void
write_pidfile(const char *path)
{
	FILE	*fp;
	int	 fd;

	/* Explicit mode: the daemon runs with umask 0. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		log_warn("pidfile %s", path);
		if (fd != -1)
			close(fd);
		return;
	}
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);
}

/* Every fid holds descriptors: take all the kernel lets us have. */
static void
raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char *argv[])
{
	struct server	 srv;
	struct export	*e;
	struct conn	*c;
	struct listener	*li;
	struct conf	 conf;
	const char	*pidfile = NULL, *user = NULL, *conffile = NULL;
	const char	*optstr = "a:de:f:il:m:no:p:Su:vw:";
	char		 msg[512];
	int		 ch, debug = 0, verbose = 0, inetd = 0, check = 0;
	int		 nosandbox = 0, sbx;
	int		 i, rc, sigs[] = { SIGTERM, SIGINT, SIGHUP };

	memset(&srv, 0, sizeof(srv));
	TAILQ_INIT(&srv.s_exports);
	TAILQ_INIT(&srv.s_listeners);
	TAILQ_INIT(&srv.s_conns);
	srv.s_lim.l_maxmsize = DEF_MSIZE;
	srv.s_lim.l_maxconn = DEF_MAXCONN;
	srv.s_lim.l_maxfids = DEF_MAXFIDS;
	srv.s_lim.l_maxreqs = DEF_MAXREQS;
	srv.s_lim.l_outhiwat = DEF_OUTHIWAT;
	srv.s_lim.l_workers = DEF_WORKERS;
	srv.s_lim.l_idlesecs = DEF_IDLE_FRAME_SECS;

	prescan(argc, argv, optstr, &srv.s_dryrun, &conffile);
	memset(&conf, 0, sizeof(conf));
	if (conffile != NULL && parse_config(&srv, conffile, &conf) == -1)
		exit(1);
	user = conf.cf_user;
	pidfile = conf.cf_pidfile;
	while ((ch = getopt(argc, argv, optstr)) != -1) {
		switch (ch) {
		case 'a':
			if (allow_add(&srv, optarg) == -1)
				usage();
			break;
		case 'd':
			debug = 1;
			break;
		case 'e':
			if (export_add(&srv, optarg) == -1)
				usage();
			break;
		case 'f':
			break;		/* read by prescan() */
		case 'i':
			inetd = 1;
			break;
		case 'l':
			if ((rc = listener_add(&srv, optarg, msg,
			    sizeof(msg))) != 0) {
				warnx("%s", msg);
				if (rc == -1)
					usage();
				exit(1);
			}
			break;
		case 'm':
			numarg(&srv.s_lim, "msize", optarg);
			break;
		case 'n':
			check = 1;
			break;
		case 'o':
			limits_parse(&srv.s_lim, optarg);
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'S':
			nosandbox = 1;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'w':
			numarg(&srv.s_lim, "workers", optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc) {
		warnx("unexpected argument \"%s\"", argv[optind]);
		usage();
	}
	if (TAILQ_EMPTY(&srv.s_exports)) {
		warnx("nothing to serve: give at least one -e export");
		usage();
	}
	if (inetd && !TAILQ_EMPTY(&srv.s_listeners)) {
		warnx("-i and -l are exclusive");
		usage();
	}
	if (!inetd && !check && listener_inherit(&srv) == -1)
		usage();
	if (!inetd && TAILQ_EMPTY(&srv.s_listeners) &&
	    listener_add(&srv, "unix:/var/run/fsgoferd.sock", msg,
	    sizeof(msg)) != 0)
		errx(1, "%s", msg);
	if (idmodes_check(&srv, user) == -1) {
		/* Nothing served: take back the sockets already bound. */
		while ((li = TAILQ_FIRST(&srv.s_listeners)) != NULL) {
			TAILQ_REMOVE(&srv.s_listeners, li, li_entry);
			listener_free(li);
		}
		exit(1);
	}
	if (check) {
		fprintf(stderr, "configuration OK\n");
		/* exit, not return: what was set up stays reachable. */
		exit(0);
	}
	/* A peer that goes away mid-reply must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	/* Clients send modes with their own umask applied already. */
	umask(0);
	raise_nofile();
	log_init(debug || inetd, LOG_DAEMON);
	log_setverbose(verbose);
	/* FSGOFERD_VERSION: Makefile.srcs's VERSION, from the Makefiles. */
	log_info("version %s starting", FSGOFERD_VERSION);
	if (!debug && !inetd && compat_daemon() == -1)
		err(1, "daemon");
	if (user != NULL) {
		keeper_fork(&srv, pidfile);
		pidfile = NULL;		/* the keeper's to write and remove */
	} else if (pidfile != NULL)
		write_pidfile(pidfile);
	if (pthread_mutex_init(&srv.s_xattrlock, NULL) != 0)
		fatalx("mutex");

	srv.s_base = server_base_new();
	srv.s_pool = bufpool_new(srv.s_lim.l_maxmsize + 64);
	/*
	 * Still root here: the pidfile is written, and the confinement is
	 * built from paths root may need to search.  Then drop.
	 */
	sbx = sandbox_prepare(&srv, nosandbox, user != NULL, pidfile);
	if (user != NULL)
		drop_privileges(user);
	save_groups(&srv);
	srv.s_wq = work_init(&srv, srv.s_lim.l_workers, sbx);
	if (sbx >= 0)
		close(sbx);
	/* A fid dropped without a Tclunk is closed off the loop. */
	fid_set_closer(work_close, srv.s_wq);
	for (i = 0; i < 3; i++) {
		srv.s_sigev[i] = evsignal_new(srv.s_base, sigs[i],
		    server_signal, &srv);
		if (srv.s_sigev[i] == NULL ||
		    evsignal_add(srv.s_sigev[i], NULL) == -1)
			fatalx("evsignal");
	}
	TAILQ_FOREACH(e, &srv.s_exports, e_entry)
		log_info("serving %s as aname \"%s\" (%s)", e->e_path,
		    e->e_aname, e->e_flags & EXP_RO ? "read-only" : "read-write");
	if (listener_start(&srv) == -1)
		fatalx("cannot start listeners");
	if (inetd) {
		if ((c = conn_new(&srv, STDIN_FILENO, "stdin")) == NULL)
			fatalx("stdin");
		c->c_inetd = 1;
	} else
		print_mount_hint(&srv);
	sandbox_lock(&srv, nosandbox, inetd);

	event_base_dispatch(srv.s_base);

	fid_set_closer(NULL, NULL);
	work_shutdown(srv.s_wq);
	for (i = 0; i < 3; i++)
		event_free(srv.s_sigev[i]);
	if (srv.s_stoptimer != NULL)
		event_free(srv.s_stoptimer);
	if (srv.s_flushev != NULL)
		event_free(srv.s_flushev);
	while ((e = TAILQ_FIRST(&srv.s_exports)) != NULL) {
		TAILQ_REMOVE(&srv.s_exports, e, e_entry);
		lf_export_free(e);
		close(e->e_rootfd);
		free(e->e_aname);
		free(e->e_path);
		free(e);
	}
	event_base_free(srv.s_base);
	bufpool_free(srv.s_pool);
	free(srv.s_allow);
	free(srv.s_groups);
	if (pidfile != NULL)
		unlink(pidfile);
	free(conf.cf_user);
	free(conf.cf_pidfile);
	log_info("stopped");
	return 0;
}
