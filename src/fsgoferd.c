/*
 * fsgoferd: serve local directory trees over 9P2000.L.
 *
 * Start-up order: parse options, resolve and open every export root and
 * bind every listener (all before any privilege drop), daemonise, then
 * run the event loop with a pool of workers for file system calls.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <err.h>
#include <grp.h>
#include <pwd.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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
	    "[-e aname=path[,options]] [-l listen]\n"
	    "                [-m msize] [-o limit=value,...] [-p pidfile] "
	    "[-u user]\n                [-w workers]\n"
	    "       export options: ro rw trusted user squash=USER[:GROUP] "
	    "allowdev abortwrite\n"
	    "       listen: unix:/path[,mode=0660][,owner=user[:group]] |\n"
	    "               tcp:HOST:PORT | tcp:[V6ADDR]:PORT\n"
	    "       limits: maxconn maxfids maxreqs outbuf idle\n");
	exit(1);
}

static long
numarg(const char *s, long min, long max, const char *what)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		warnx("%s \"%s\": not a number from %ld to %ld", what, s,
		    min, max);
		usage();
	}
	return v;
}

/* -o maxconn=N,maxfids=N,maxreqs=N,outbuf=BYTES,idle=SECONDS */
static void
limits_parse(struct limits *lim, const char *arg)
{
	char	*buf, *p, *o, *v;

	if ((buf = strdup(arg)) == NULL)
		err(1, NULL);
	p = buf;
	while ((o = strsep(&p, ",")) != NULL) {
		if ((v = strchr(o, '=')) == NULL) {
			warnx("limit \"%s\": expected name=value", o);
			usage();
		}
		*v++ = '\0';
		if (strcmp(o, "maxconn") == 0)
			lim->l_maxconn = (int)numarg(v, 1, 1000000, o);
		else if (strcmp(o, "maxfids") == 0)
			lim->l_maxfids = (int)numarg(v, 1, 10000000, o);
		else if (strcmp(o, "maxreqs") == 0)
			lim->l_maxreqs = (int)numarg(v, 1, 65535, o);
		else if (strcmp(o, "outbuf") == 0)
			lim->l_outhiwat = (size_t)numarg(v, 65536,
			    1L << 30, o);
		else if (strcmp(o, "idle") == 0)
			lim->l_idlesecs = (int)numarg(v, 1, 86400, o);
		else {
			warnx("unknown limit \"%s\"", o);
			usage();
		}
	}
	free(buf);
}

/* squash=USER[:GROUP]: the account every attach of an export becomes. */
static int
squash_parse(struct export *e, const char *spec)
{
	struct passwd	*pw;
	struct group	*gr;
	char		*buf, *grp;

	if ((buf = strdup(spec)) == NULL)
		err(1, NULL);
	if ((grp = strchr(buf, ':')) != NULL)
		*grp++ = '\0';
	if ((pw = getpwnam(buf)) == NULL) {
		warnx("squash=%s: no such user", spec);
		free(buf);
		return -1;
	}
	e->e_squid = pw->pw_uid;
	e->e_sqgid = pw->pw_gid;
	if (grp != NULL) {
		if ((gr = getgrnam(grp)) == NULL) {
			warnx("squash=%s: no such group", spec);
			free(buf);
			return -1;
		}
		e->e_sqgid = gr->gr_gid;
	}
	free(buf);
	return 0;
}

/*
 * -e aname=/abs/path[,ro][,abortwrite][,allowdev], or -e /abs/path[,...]
 * whose aname is the path as given.  The root is resolved and opened
 * once, here: a symlinked root works, and later lookups are all relative
 * to this descriptor.
 */
static int
export_add(struct server *srv, const char *arg)
{
	struct export	*e;
	struct stat	 st;
	char		*spec, *opts, *path, *o, resolved[PATH_MAX];

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
		goto fail;
	}
	if (path[0] != '/') {
		warnx("export \"%s\": path must be absolute", arg);
		goto fail;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		err(1, NULL);
	e->e_rootfd = -1;
	while (opts != NULL && (o = strsep(&opts, ",")) != NULL) {
		if (strcmp(o, "ro") == 0)
			e->e_flags |= EXP_RO;
		else if (strcmp(o, "rw") == 0)
			e->e_flags &= ~EXP_RO;
		else if (strcmp(o, "abortwrite") == 0)
			e->e_flags |= EXP_ABORTWRITE;
		else if (strcmp(o, "allowdev") == 0)
			e->e_flags |= EXP_ALLOWDEV;
		else if (strcmp(o, "trusted") == 0)
			e->e_idmode = ID_TRUSTED;
		else if (strcmp(o, "user") == 0)
			e->e_idmode = ID_USER;
		else if (strncmp(o, "squash=", 7) == 0) {
			e->e_idmode = ID_SQUASH;
			if (squash_parse(e, o + 7) == -1) {
				free(e);
				goto fail;
			}
		} else {
			warnx("export \"%s\": unknown option \"%s\"", arg, o);
			free(e);
			goto fail;
		}
	}
	if (spec[0] == '\0') {
		warnx("export \"%s\": empty aname", arg);
		free(e);
		goto fail;
	}
	if (!TAILQ_EMPTY(&srv->s_exports) && export_find(srv, spec) != NULL) {
		warnx("export \"%s\": aname given twice", arg);
		free(e);
		goto fail;
	}
	if (realpath(path, resolved) == NULL) {
		warn("export \"%s\"", path);
		free(e);
		goto fail;
	}
	if ((e->e_rootfd = open(resolved, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || fstat(e->e_rootfd, &st) == -1) {
		warn("export \"%s\"", resolved);
		if (e->e_rootfd != -1)
			close(e->e_rootfd);
		free(e);
		goto fail;
	}
	/* Only the trusted mode hands out ownership; the others keep what
	 * the kernel gives the acting user. */
	if (e->e_idmode != ID_TRUSTED)
		e->e_flags |= EXP_NOCHOWN;
	if ((e->e_aname = strdup(spec)) == NULL ||
	    (e->e_path = strdup(resolved)) == NULL)
		err(1, NULL);
	if (lf_export_init(e) != 0)
		errx(1, "export \"%s\": cannot initialise", arg);
	TAILQ_INSERT_TAIL(&srv->s_exports, e, e_entry);
	free(spec);
	return 0;
fail:
	free(spec);
	return -1;
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
			    li->li_path);
		else
			log_info("mount with: mount -t 9p -o trans=tcp,"
			    "port=%d,version=9p2000.L,aname=%s 127.0.0.1 /mnt",
			    li->li_port, e->e_aname);
	}
}

/*
 * Check that every export's identity mode can work as started, before
 * anything is served.
 */
static void
idmodes_check(struct server *srv, const char *user)
{
	struct export	*e;

	TAILQ_FOREACH(e, &srv->s_exports, e_entry) {
		if (e->e_idmode == ID_TRUSTED)
			continue;
		if (e->e_idmode == ID_USER && !compat_cred_supported())
			errx(1, "export \"%s\": identity mode \"user\" needs "
			    "per-thread credentials, which this platform "
			    "lacks", e->e_aname);
		if (geteuid() == 0 && user != NULL)
			errx(1, "export \"%s\": identity mode \"%s\" needs "
			    "root to act as other users; -u would drop it",
			    e->e_aname, e->e_idmode == ID_USER ? "user" :
			    "squash");
		if (geteuid() != 0 && (e->e_idmode == ID_USER ||
		    e->e_squid != geteuid()))
			errx(1, "export \"%s\": identity mode \"%s\" needs "
			    "root (or squash to the daemon's own account)",
			    e->e_aname, e->e_idmode == ID_USER ? "user" :
			    "squash");
	}
}

/* -u: give up root once sockets are bound and export roots are open. */
static void
drop_privileges(const char *user)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL)
		errx(1, "-u %s: no such user", user);
	if (geteuid() != 0)
		errx(1, "-u %s: only root can change user", user);
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		err(1, "cannot drop privileges to %s", user);
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getegid() != pw->pw_gid ||
	    (pw->pw_uid != 0 && setuid(0) != -1))
		errx(1, "privilege drop to %s did not hold", user);
}

/*
 * Prepare the confinement of the workers to the exports, unless -S said
 * not to.  Returns the handle work_init passes to each worker, or
 * COMPAT_SANDBOX_NONE.
 */
static int
sandbox_prepare(struct server *srv, int nosandbox)
{
	struct export	*e;
	const char	**paths;
	int		 *ro, n = 0, h;

	if (nosandbox)
		return COMPAT_SANDBOX_NONE;
	TAILQ_FOREACH(e, &srv->s_exports, e_entry)
		n++;
	if ((paths = calloc(n, sizeof(*paths))) == NULL ||
	    (ro = calloc(n, sizeof(*ro))) == NULL)
		fatal(NULL);
	n = 0;
	TAILQ_FOREACH(e, &srv->s_exports, e_entry) {
		paths[n] = e->e_path;
		ro[n++] = (e->e_flags & EXP_RO) != 0;
	}
	if ((h = compat_sandbox_prepare(paths, ro, n)) == -1)
		fatal("cannot confine the workers to the exports");
	log_info(h >= 0 ? "workers confined to the export roots" :
	    "no per-thread confinement on this platform");
	free(paths);
	free(ro);
	return h;
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
	const char	*pidfile = NULL, *user = NULL;
	int		 ch, debug = 0, verbose = 0, inetd = 0, check = 0;
	int		 nosandbox = 0, sbx;
	int		 i, sigs[] = { SIGTERM, SIGINT, SIGHUP };

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

	/* -n binds nothing, so it must be known before any -l is seen. */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (argv[i][0] == '-' && argv[i][1] != '-' &&
		    strchr(argv[i], 'n') != NULL &&
		    strspn(argv[i] + 1, "dinSv") == strlen(argv[i] + 1))
			srv.s_dryrun = 1;
	while ((ch = getopt(argc, argv, "a:de:il:m:no:p:Su:vw:")) != -1) {
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
		case 'i':
			inetd = 1;
			break;
		case 'l':
			if (listener_add(&srv, optarg) == -1)
				usage();
			break;
		case 'm':
			srv.s_lim.l_maxmsize = (uint32_t)numarg(optarg,
			    P9_MINMSIZE, MAX_MSIZE, "msize");
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
			srv.s_lim.l_workers = (int)numarg(optarg, 1, 256,
			    "workers");
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
	    listener_add(&srv, "unix:/var/run/fsgoferd.sock") == -1)
		usage();
	idmodes_check(&srv, user);
	if (check) {
		fprintf(stderr, "configuration OK\n");
		return 0;
	}
	if (user != NULL)
		drop_privileges(user);
	save_groups(&srv);

	/* A peer that goes away mid-reply must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	/* Clients send modes with their own umask applied already. */
	umask(0);
	raise_nofile();
	log_init(debug || inetd, LOG_DAEMON);
	log_setverbose(verbose);
	if (!debug && !inetd && daemon(0, 0) == -1)
		err(1, "daemon");
	if (pidfile != NULL)
		write_pidfile(pidfile);
	if (pthread_mutex_init(&srv.s_xattrlock, NULL) != 0)
		fatalx("mutex");

	if ((srv.s_base = event_base_new()) == NULL)
		fatalx("event_base_new");
	sbx = sandbox_prepare(&srv, nosandbox);
	srv.s_wq = work_init(&srv, srv.s_lim.l_workers, sbx);
	if (sbx >= 0)
		close(sbx);
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

	event_base_dispatch(srv.s_base);

	work_shutdown(srv.s_wq);
	for (i = 0; i < 3; i++)
		event_free(srv.s_sigev[i]);
	if (srv.s_stoptimer != NULL)
		event_free(srv.s_stoptimer);
	while ((e = TAILQ_FIRST(&srv.s_exports)) != NULL) {
		TAILQ_REMOVE(&srv.s_exports, e, e_entry);
		lf_export_free(e);
		close(e->e_rootfd);
		free(e->e_aname);
		free(e->e_path);
		free(e);
	}
	event_base_free(srv.s_base);
	free(srv.s_allow);
	free(srv.s_groups);
	if (pidfile != NULL)
		unlink(pidfile);
	log_info("stopped");
	return 0;
}
