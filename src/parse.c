/*
 * fsgoferd.conf: a small OpenBSD-style configuration file, read by a
 * hand-written tokenizer and parser (the grammar is in fsgoferd.conf(5)).
 *
 * The file is tokenized once and parsed twice.  The first pass checks
 * everything that can be checked without side effects and reports every
 * error as "file:line: message"; only a clean file gets the second pass,
 * which sets things up through the same functions as the command line
 * (export_setup, listener_add, allow_add, limit_set), so that a setting
 * means the same in both places.
 *
 * export_setup and limit_set live here rather than in fsgoferd.c so that
 * everything but main() can be linked into the unit tests.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsgoferd.h"

#define CONF_MAXSIZE	(1024 * 1024)	/* bytes; a config is small */

/*
 * Limits and sizes the command line and fsgoferd.conf share: one table,
 * so both accept the same names and the same ranges.
 */
static const struct {
	const char	*lt_name;
	long		 lt_min;
	long		 lt_max;
	int		 lt_option;	/* a -o / "limit" name */
} limit_tab[] = {
	{ "maxconn",	1,		1000000,	1 },
	{ "maxfids",	1,		10000000,	1 },
	{ "maxreqs",	1,		65535,		1 },
	{ "outbuf",	65536,		1L << 30,	1 },
	{ "idle",	1,		86400,		1 },
	{ "msize",	P9_MINMSIZE,	MAX_MSIZE,	0 },
	{ "workers",	1,		256,		0 },
};

/*
 * Set limit NAME from the decimal string VALUE.  OPTION restricts NAME
 * to what -o and "limit" take.  On error, -1 with the reason in ERR.
 */
int
limit_set(struct limits *lim, const char *name, const char *value,
    int option, char *err, size_t errlen)
{
	char	*end;
	long	 v;
	size_t	 i;

	for (i = 0; i < sizeof(limit_tab) / sizeof(limit_tab[0]); i++)
		if (strcmp(limit_tab[i].lt_name, name) == 0 &&
		    (!option || limit_tab[i].lt_option))
			break;
	if (i == sizeof(limit_tab) / sizeof(limit_tab[0])) {
		snprintf(err, errlen, "unknown limit \"%s\"", name);
		return -1;
	}
	errno = 0;
	v = strtol(value, &end, 10);
	if (value[0] == '\0' || *end != '\0' || errno != 0 ||
	    v < limit_tab[i].lt_min || v > limit_tab[i].lt_max) {
		snprintf(err, errlen, "%s \"%s\": not a number from %ld to %ld",
		    name, value, limit_tab[i].lt_min, limit_tab[i].lt_max);
		return -1;
	}
	switch (i) {
	case 0:
		lim->l_maxconn = (int)v;
		break;
	case 1:
		lim->l_maxfids = (int)v;
		break;
	case 2:
		lim->l_maxreqs = (int)v;
		break;
	case 3:
		lim->l_outhiwat = (size_t)v;
		break;
	case 4:
		lim->l_idlesecs = (int)v;
		break;
	case 5:
		lim->l_maxmsize = (uint32_t)v;
		break;
	default:
		lim->l_workers = (int)v;
		break;
	}
	return 0;
}

/*
 * A start-up error: "fsgoferd: ..." (err(3) style) for the command line,
 * "file:line: ..." when WHERE names a place in fsgoferd.conf.
 */
static void
conf_vwarn(const char *where, int syserr, const char *fmt, va_list ap)
{
	int	 saved = errno;

	if (where == NULL) {
		errno = saved;
		if (syserr)
			vwarn(fmt, ap);
		else
			vwarnx(fmt, ap);
		return;
	}
	fprintf(stderr, "%s: ", where);
	vfprintf(stderr, fmt, ap);
	if (syserr)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 2, 3)))
conf_warnx(const char *where, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conf_vwarn(where, 0, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
conf_warn(const char *where, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conf_vwarn(where, 1, fmt, ap);
	va_end(ap);
}

/* USER[:GROUP]: the account every attach of an export becomes. */
static int
export_squash(struct export *e, const char *where, const char *spec)
{
	struct passwd	*pw;
	struct group	*gr;
	char		*buf, *grp;

	if ((buf = strdup(spec)) == NULL)
		err(1, NULL);
	if ((grp = strchr(buf, ':')) != NULL)
		*grp++ = '\0';
	if ((pw = getpwnam(buf)) == NULL) {
		conf_warnx(where, "squash=%s: no such user", spec);
		free(buf);
		return -1;
	}
	e->e_squid = pw->pw_uid;
	e->e_sqgid = pw->pw_gid;
	if (grp != NULL) {
		if ((gr = getgrnam(grp)) == NULL) {
			conf_warnx(where, "squash=%s: no such group", spec);
			free(buf);
			return -1;
		}
		e->e_sqgid = gr->gr_gid;
	}
	free(buf);
	return 0;
}

/*
 * trust-user NAME (ISGROUP 0) or trust-group NAME (1): add an account or
 * group, by name or number, to ET.  WHERE as for export_setup.
 */
int
export_trust_add(struct exptrust *et, const char *where, int isgroup,
    const char *name)
{
	struct passwd	*pw;
	struct group	*gr;
	const char	*what = isgroup ? "trust-group" : "trust-user";
	char		*end;
	unsigned long	 id;

	if ((isgroup ? et->et_ngids : et->et_nuids) >= EXP_MAXTRUST) {
		conf_warnx(where, "%s \"%s\": more than %d", what, name,
		    EXP_MAXTRUST);
		return -1;
	}
	if (isgroup && (gr = getgrnam(name)) != NULL)
		id = gr->gr_gid;
	else if (!isgroup && (pw = getpwnam(name)) != NULL)
		id = pw->pw_uid;
	else {
		/* A number need not have a name: ids from a directory
		 * service, containers. */
		errno = 0;
		id = strtoul(name, &end, 10);
		if (name[0] < '0' || name[0] > '9' || *end != '\0' ||
		    errno != 0 || id >= UINT32_MAX) {
			conf_warnx(where, "%s \"%s\": no such %s", what, name,
			    isgroup ? "group" : "user");
			return -1;
		}
	}
	if (isgroup)
		et->et_gids[et->et_ngids++] = (gid_t)id;
	else
		et->et_uids[et->et_nuids++] = (uid_t)id;
	return 0;
}

/*
 * Serve PATH as ANAME, with EXP_* FLAGS and identity mode IDMODE
 * (SQUASH is USER[:GROUP] for ID_SQUASH; TRUST, or NULL, the peers
 * that may attach as anybody under ID_USER).  LABEL names the export in
 * messages; WHERE is NULL for the command line, "file:line" for the
 * configuration file.  The root is resolved and opened once, here: a
 * symlinked root works, and later lookups are all relative to this
 * descriptor.
 */
int
export_setup(struct server *srv, const char *where, const char *label,
    const char *aname, const char *path, int flags, int idmode,
    const char *squash, const struct exptrust *trust)
{
	struct export	*e;
	struct stat	 st;
	char		 resolved[PATH_MAX];

	if (path[0] != '/') {
		conf_warnx(where, "export \"%s\": path must be absolute",
		    label);
		return -1;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		err(1, NULL);
	e->e_rootfd = -1;
	e->e_flags = flags;
	e->e_idmode = idmode;
	if (idmode == ID_SQUASH && export_squash(e, where, squash) == -1)
		goto fail;
	if (trust != NULL && (trust->et_nuids > 0 || trust->et_ngids > 0)) {
		/* Only "user" checks the peer; elsewhere trust would be a
		 * promise the daemon does not keep. */
		if (idmode != ID_USER) {
			conf_warnx(where, "export \"%s\": trust-user and "
			    "trust-group need identity user", label);
			goto fail;
		}
		e->e_trust = *trust;
	}
	if (aname[0] == '\0') {
		conf_warnx(where, "export \"%s\": empty aname", label);
		goto fail;
	}
	if (!TAILQ_EMPTY(&srv->s_exports) && export_find(srv, aname) != NULL) {
		conf_warnx(where, "export \"%s\": aname given twice", label);
		goto fail;
	}
	if (realpath(path, resolved) == NULL) {
		conf_warn(where, "export \"%s\"", path);
		goto fail;
	}
	if ((e->e_rootfd = open(resolved, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || fstat(e->e_rootfd, &st) == -1) {
		conf_warn(where, "export \"%s\"", resolved);
		goto fail;
	}
	/* Only the trusted mode hands out ownership; the others keep what
	 * the kernel gives the acting user. */
	if (e->e_idmode != ID_TRUSTED)
		e->e_flags |= EXP_NOCHOWN;
	if ((e->e_aname = strdup(aname)) == NULL ||
	    (e->e_path = strdup(resolved)) == NULL)
		err(1, NULL);
	if (lf_export_init(e) != 0)
		errx(1, "export \"%s\": cannot initialise", label);
	TAILQ_INSERT_TAIL(&srv->s_exports, e, e_entry);
	return 0;
fail:
	if (e->e_rootfd != -1)
		close(e->e_rootfd);
	free(e);
	return -1;
}

enum {
	T_WORD,		/* bare word: a keyword, number, name or path */
	T_STRING,	/* "quoted string": never a keyword */
	T_NL,		/* end of a statement */
	T_EOF,
	T_BAD		/* what the tokenizer found wrong, as text */
};

struct tok {
	int	 t_type;
	int	 t_line;
	char	*t_text;	/* NULL for T_NL and T_EOF */
};

struct parser {
	const char	*p_file;
	struct server	*p_srv;
	struct conf	*p_conf;
	struct tok	*p_toks;
	size_t		 p_ntoks;
	size_t		 p_pos;
	int		 p_apply;	/* second pass: set things up */
	int		 p_errors;
	struct limits	 p_scratch;	/* first pass: limits go here */
	const char	**p_names;	/* first pass: export names seen */
	int		*p_nameline;
	size_t		 p_nnames;
};

static void __attribute__((format(printf, 3, 4)))
parse_error(struct parser *p, int line, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "%s:%d: ", p->p_file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	p->p_errors++;
}

static void
tok_add(struct parser *p, int type, int line, char *text)
{
	struct tok	*t;

	t = reallocarray(p->p_toks, p->p_ntoks + 1, sizeof(*t));
	if (t == NULL)
		err(1, NULL);
	p->p_toks = t;
	t = &p->p_toks[p->p_ntoks++];
	t->t_type = type;
	t->t_line = line;
	t->t_text = text;
}

static char *
tok_copy(const char *s, size_t len)
{
	char	*t;

	if ((t = malloc(len + 1)) == NULL)
		err(1, NULL);
	memcpy(t, s, len);
	t[len] = '\0';
	return t;
}

/*
 * Split BUF into tokens.  Blanks separate words, '#' starts a comment
 * that runs to the end of the line, a backslash before a newline joins
 * two lines, and a double-quoted string may hold blanks, '#', \" and \\
 * but not a newline.
 */
static void
tokenize(struct parser *p, const char *buf, size_t len)
{
	size_t	 i = 0, j, n;
	char	*s;
	int	 line = 1, start;

	while (i < len) {
		switch (buf[i]) {
		case '\n':
			tok_add(p, T_NL, line++, NULL);
			i++;
			continue;
		case ' ':
		case '\t':
		case '\r':
			i++;
			continue;
		case '#':
			while (i < len && buf[i] != '\n')
				i++;
			continue;
		case '\0':
			tok_add(p, T_BAD, line, tok_copy("NUL byte", 8));
			i++;
			continue;
		case '\\':
			if (i + 1 < len && buf[i + 1] == '\n') {
				line++;
				i += 2;
				continue;
			}
			break;
		case '"':
			start = line;
			if ((s = malloc(len - i)) == NULL)
				err(1, NULL);
			for (n = 0, j = i + 1; j < len && buf[j] != '"' &&
			    buf[j] != '\n' && buf[j] != '\0'; j++) {
				if (buf[j] == '\\' && j + 1 < len &&
				    (buf[j + 1] == '"' || buf[j + 1] == '\\'))
					j++;
				s[n++] = buf[j];
			}
			if (j == len || buf[j] != '"') {
				free(s);
				tok_add(p, T_BAD, start, tok_copy("unterminated"
				    " quoted string", 26));
				i = j;	/* the newline still ends the line */
				continue;
			}
			s[n] = '\0';
			tok_add(p, T_STRING, start, s);
			i = j + 1;
			continue;
		}
		for (j = i; j < len && strchr(" \t\r\n#\"", buf[j]) == NULL &&
		    buf[j] != '\0'; j++)
			;
		tok_add(p, T_WORD, line, tok_copy(buf + i, j - i));
		i = j;
	}
	tok_add(p, T_NL, line, NULL);
	tok_add(p, T_EOF, line, NULL);
}

static struct tok *
tok_peek(struct parser *p)
{
	return &p->p_toks[p->p_pos];
}

/* The next token; the end of a statement is never consumed. */
static struct tok *
tok_next(struct parser *p)
{
	struct tok	*t = &p->p_toks[p->p_pos];

	if (t->t_type != T_NL && t->t_type != T_EOF)
		p->p_pos++;
	return t;
}

static int
tok_is(const struct tok *t, const char *kw)
{
	return t->t_type == T_WORD && strcmp(t->t_text, kw) == 0;
}

/* A word or a quoted string, which WHAT describes if it is missing. */
static const char *
tok_arg(struct parser *p, const char *what)
{
	struct tok	*t = tok_next(p);

	if (t->t_type == T_WORD || t->t_type == T_STRING)
		return t->t_text;
	parse_error(p, t->t_line, "%s expected", what);
	return NULL;
}

/* USER or USER:GROUP, both known to the host. */
static int
parse_account(struct parser *p, int line, const char *what,
    const char *spec)
{
	char	*buf, *grp;
	int	 rc = 0;

	if ((buf = strdup(spec)) == NULL)
		err(1, NULL);
	if ((grp = strchr(buf, ':')) != NULL)
		*grp++ = '\0';
	if (getpwnam(buf) == NULL) {
		parse_error(p, line, "%s \"%s\": no such user", what, buf);
		rc = -1;
	} else if (grp != NULL && getgrnam(grp) == NULL) {
		parse_error(p, line, "%s \"%s\": no such group", what, grp);
		rc = -1;
	}
	free(buf);
	return rc;
}

static int
parse_path(struct parser *p, int line, const char *what, const char *path)
{
	if (path[0] != '/') {
		parse_error(p, line, "%s \"%s\": path must be absolute", what,
		    path);
		return -1;
	}
	return 0;
}

/* user NAME */
static int
parse_user(struct parser *p, int line)
{
	const char	*name;

	if ((name = tok_arg(p, "user name")) == NULL)
		return -1;
	if (!p->p_apply) {
		if (getpwnam(name) == NULL) {
			parse_error(p, line, "user \"%s\": no such user", name);
			return -1;
		}
		return 0;
	}
	free(p->p_conf->cf_user);
	if ((p->p_conf->cf_user = strdup(name)) == NULL)
		err(1, NULL);
	return 0;
}

/* pidfile PATH */
static int
parse_pidfile(struct parser *p, int line)
{
	const char	*path;

	if ((path = tok_arg(p, "pidfile path")) == NULL ||
	    parse_path(p, line, "pidfile", path) == -1)
		return -1;
	if (p->p_apply) {
		free(p->p_conf->cf_pidfile);
		if ((p->p_conf->cf_pidfile = strdup(path)) == NULL)
			err(1, NULL);
	}
	return 0;
}

static int
parse_setlimit(struct parser *p, int line, const char *name, int option)
{
	struct limits	*lim;
	const char	*v;
	char		 msg[128];

	if ((v = tok_arg(p, "number")) == NULL)
		return -1;
	lim = p->p_apply ? &p->p_srv->s_lim : &p->p_scratch;
	if (limit_set(lim, name, v, option, msg, sizeof(msg)) == -1) {
		parse_error(p, line, "%s", msg);
		return -1;
	}
	return 0;
}

/* limit NAME NUMBER [NAME NUMBER ...] */
static int
parse_limit(struct parser *p)
{
	struct tok	*t;

	do {
		t = tok_next(p);
		if (t->t_type != T_WORD) {
			parse_error(p, t->t_line, "limit name expected");
			return -1;
		}
		if (parse_setlimit(p, t->t_line, t->t_text, 1) == -1)
			return -1;
	} while (tok_peek(p)->t_type != T_NL);
	return 0;
}

/* allow ADDRESS[/BITS] */
static int
parse_allow(struct parser *p, int line)
{
	const char	*spec;
	char		 addr[64], *slash, *end;
	uint8_t		 bin[16];
	long		 bits;
	int		 max;

	if ((spec = tok_arg(p, "address")) == NULL)
		return -1;
	if (strlcpy(addr, spec, sizeof(addr)) >= sizeof(addr))
		goto bad;
	if ((slash = strchr(addr, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, addr, bin) == 1)
		max = 128;
	else
		goto bad;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || errno != 0 ||
		    bits < 0 || bits > max)
			goto bad;
	}
	if (p->p_apply && allow_add(p->p_srv, spec) == -1) {
		parse_error(p, line, "allow %s: cannot be set up", spec);
		return -1;
	}
	return 0;
bad:
	parse_error(p, line, "allow \"%s\": expected ADDRESS or ADDRESS/BITS",
	    spec);
	return -1;
}

/*
 * listen on unix PATH [mode OCTAL] [owner USER[:GROUP]]
 * listen on tcp ADDRESS port NUMBER
 */
static int
parse_listen(struct parser *p, int line)
{
	struct sockaddr_un	 sun;
	struct tok		*t;
	const char		*path, *addr, *port, *mode = NULL;
	const char		*owner = NULL;
	char			 spec[512], msg[512], *end;
	uint8_t			 bin[16];
	long			 v;
	int			 n;

	t = tok_next(p);
	if (!tok_is(t, "on")) {
		parse_error(p, t->t_line, "\"on\" expected after listen");
		return -1;
	}
	t = tok_next(p);
	if (tok_is(t, "unix")) {
		if ((path = tok_arg(p, "socket path")) == NULL)
			return -1;
		if (path[0] != '/' || strlen(path) >= sizeof(sun.sun_path) ||
		    strchr(path, ',') != NULL) {
			parse_error(p, line, "listen on unix \"%s\": the path "
			    "must be absolute, short and free of commas",
			    path);
			return -1;
		}
		while ((t = tok_peek(p))->t_type != T_NL) {
			tok_next(p);
			if (tok_is(t, "mode") && mode == NULL) {
				if ((mode = tok_arg(p, "octal mode")) == NULL)
					return -1;
				errno = 0;
				v = strtol(mode, &end, 8);
				if (mode[0] == '\0' || *end != '\0' ||
				    errno != 0 || v < 0 || v > 0777) {
					parse_error(p, t->t_line, "mode \"%s\": "
					    "not an octal mode from 0 to 0777",
					    mode);
					return -1;
				}
			} else if (tok_is(t, "owner") && owner == NULL) {
				if ((owner = tok_arg(p, "owner")) == NULL ||
				    parse_account(p, t->t_line, "owner",
				    owner) == -1)
					return -1;
			} else {
				parse_error(p, t->t_line, "unexpected \"%s\" in"
				    " listen on unix", t->t_text ? t->t_text :
				    "");
				return -1;
			}
		}
		n = snprintf(spec, sizeof(spec), "unix:%s%s%s%s%s", path,
		    mode ? ",mode=" : "", mode ? mode : "",
		    owner ? ",owner=" : "", owner ? owner : "");
	} else if (tok_is(t, "tcp")) {
		if ((addr = tok_arg(p, "address")) == NULL)
			return -1;
		if (inet_pton(AF_INET, addr, bin) != 1 &&
		    inet_pton(AF_INET6, addr, bin) != 1) {
			parse_error(p, line, "listen on tcp \"%s\": not a "
			    "numeric IPv4 or IPv6 address", addr);
			return -1;
		}
		t = tok_next(p);
		if (!tok_is(t, "port")) {
			parse_error(p, t->t_line, "\"port\" expected after "
			    "the address");
			return -1;
		}
		if ((port = tok_arg(p, "port number")) == NULL)
			return -1;
		errno = 0;
		v = strtol(port, &end, 10);
		if (port[0] == '\0' || *end != '\0' || errno != 0 || v < 0 ||
		    v > 65535) {
			parse_error(p, line, "port \"%s\": not a number from 0 "
			    "to 65535", port);
			return -1;
		}
		n = snprintf(spec, sizeof(spec), strchr(addr, ':') != NULL ?
		    "tcp:[%s]:%ld" : "tcp:%s:%ld", addr, v);
	} else {
		parse_error(p, t->t_line, "\"unix\" or \"tcp\" expected after "
		    "listen on");
		return -1;
	}
	if (n < 0 || (size_t)n >= sizeof(spec)) {
		parse_error(p, line, "listen: too long");
		return -1;
	}
	if (p->p_apply && listener_add(p->p_srv, spec, msg,
	    sizeof(msg)) != 0) {
		parse_error(p, line, "%s", msg);
		return -1;
	}
	return 0;
}

/*
 * export NAME path PATH [read-only | read-write]
 *     [identity trusted | identity user | identity squash USER[:GROUP]]
 *     [allow-devices] [abort-write]
 *     [trust-user USER] ... [trust-group GROUP] ...
 */
static int
parse_export(struct parser *p, int line)
{
	struct tok	*t;
	struct exptrust	 trust;
	const char	*name, *path = NULL, *squash = NULL, *tname, **names;
	char		 where[PATH_MAX + 32];
	int		 flags = 0, idmode = ID_TRUSTED, *lines, isgroup;
	size_t		 i;

	memset(&trust, 0, sizeof(trust));
	snprintf(where, sizeof(where), "%s:%d", p->p_file, line);
	if ((name = tok_arg(p, "export name")) == NULL)
		return -1;
	if (name[0] == '\0') {
		parse_error(p, line, "export name must not be empty");
		return -1;
	}
	while ((t = tok_next(p))->t_type != T_NL) {
		if (tok_is(t, "path") && path == NULL) {
			if ((path = tok_arg(p, "export path")) == NULL ||
			    parse_path(p, t->t_line, "export path", path) == -1)
				return -1;
		} else if (tok_is(t, "read-only"))
			flags |= EXP_RO;
		else if (tok_is(t, "read-write"))
			flags &= ~EXP_RO;
		else if (tok_is(t, "allow-devices"))
			flags |= EXP_ALLOWDEV;
		else if (tok_is(t, "abort-write"))
			flags |= EXP_ABORTWRITE;
		else if (tok_is(t, "no-dir-cache"))
			flags |= EXP_NODIRCACHE;
		else if (tok_is(t, "trust-user") || tok_is(t, "trust-group")) {
			isgroup = tok_is(t, "trust-group");
			tname = tok_arg(p, isgroup ? "group name" :
			    "user name");
			if (tname == NULL)
				return -1;
			if (export_trust_add(&trust, where, isgroup,
			    tname) == -1) {
				p->p_errors++;
				return -1;
			}
		} else if (tok_is(t, "identity")) {
			t = tok_next(p);
			squash = NULL;
			if (tok_is(t, "trusted"))
				idmode = ID_TRUSTED;
			else if (tok_is(t, "user"))
				idmode = ID_USER;
			else if (tok_is(t, "squash")) {
				idmode = ID_SQUASH;
				if ((squash = tok_arg(p, "squash account")) ==
				    NULL || parse_account(p, t->t_line,
				    "squash", squash) == -1)
					return -1;
			} else {
				parse_error(p, t->t_line, "\"trusted\", \"user\""
				    " or \"squash\" expected after identity");
				return -1;
			}
		} else {
			parse_error(p, t->t_line, "export \"%s\": unexpected "
			    "\"%s\"", name, t->t_text ? t->t_text : "");
			return -1;
		}
	}
	if (path == NULL) {
		parse_error(p, line, "export \"%s\": missing path", name);
		return -1;
	}
	if (!p->p_apply) {
		for (i = 0; i < p->p_nnames; i++)
			if (strcmp(p->p_names[i], name) == 0) {
				parse_error(p, line, "export \"%s\": name "
				    "already used on line %d", name,
				    p->p_nameline[i]);
				return -1;
			}
		names = reallocarray(p->p_names, p->p_nnames + 1,
		    sizeof(*names));
		if (names == NULL)
			err(1, NULL);
		p->p_names = names;
		lines = reallocarray(p->p_nameline, p->p_nnames + 1,
		    sizeof(*lines));
		if (lines == NULL)
			err(1, NULL);
		p->p_nameline = lines;
		p->p_names[p->p_nnames] = name;
		p->p_nameline[p->p_nnames++] = line;
		return 0;
	}
	if (export_setup(p->p_srv, where, name, name, path, flags, idmode,
	    squash, &trust) == -1) {
		p->p_errors++;
		return -1;
	}
	return 0;
}

static int
parse_statement(struct parser *p)
{
	struct tok	*t = tok_next(p);

	if (t->t_type != T_WORD) {
		parse_error(p, t->t_line, "keyword expected, not a quoted "
		    "string");
		return -1;
	}
	if (strcmp(t->t_text, "user") == 0)
		return parse_user(p, t->t_line);
	if (strcmp(t->t_text, "pidfile") == 0)
		return parse_pidfile(p, t->t_line);
	if (strcmp(t->t_text, "msize") == 0 ||
	    strcmp(t->t_text, "workers") == 0)
		return parse_setlimit(p, t->t_line, t->t_text, 0);
	if (strcmp(t->t_text, "limit") == 0)
		return parse_limit(p);
	if (strcmp(t->t_text, "listen") == 0)
		return parse_listen(p, t->t_line);
	if (strcmp(t->t_text, "allow") == 0)
		return parse_allow(p, t->t_line);
	if (strcmp(t->t_text, "export") == 0)
		return parse_export(p, t->t_line);
	parse_error(p, t->t_line, "unknown keyword \"%s\"", t->t_text);
	return -1;
}

/* One pass over the tokens: a statement per line, errors skip the line. */
static void
parse_pass(struct parser *p)
{
	struct tok	*t;
	size_t		 i;
	int		 bad;

	p->p_pos = 0;
	while ((t = tok_peek(p))->t_type != T_EOF) {
		if (t->t_type == T_NL) {
			p->p_pos++;
			continue;
		}
		/* Lexical errors, reported in line order with the rest. */
		for (bad = 0, i = p->p_pos; p->p_toks[i].t_type != T_NL; i++)
			if (p->p_toks[i].t_type == T_BAD) {
				parse_error(p, p->p_toks[i].t_line, "%s",
				    p->p_toks[i].t_text);
				bad = 1;
			}
		if (!bad && parse_statement(p) == 0 &&
		    (t = tok_peek(p))->t_type != T_NL)
			parse_error(p, t->t_line, "unexpected \"%s\"",
			    t->t_text ? t->t_text : "");
		while (tok_peek(p)->t_type != T_NL)
			p->p_pos++;
	}
}

/*
 * Read FILE into SRV and CONF.  Errors go to stderr as "file:line:
 * message"; -1 if there was any.
 */
int
parse_config(struct server *srv, const char *file, struct conf *conf)
{
	struct parser	 p;
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 len = 0, i;
	int		 fd;

	memset(&p, 0, sizeof(p));
	p.p_file = file;
	p.p_srv = srv;
	p.p_conf = conf;
	p.p_scratch = srv->s_lim;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		warn("%s", file);
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_MAXSIZE) {
		warnx("%s: not a regular file of at most %d bytes", file,
		    CONF_MAXSIZE);
		close(fd);
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		err(1, NULL);
	/* One byte more than fstat said, to notice a file that grew. */
	while (len <= (size_t)st.st_size) {
		if ((n = read(fd, buf + len, (size_t)st.st_size + 1 - len)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			warn("%s", file);
			close(fd);
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > (size_t)st.st_size) {
		warnx("%s: changed while being read", file);
		free(buf);
		return -1;
	}
	tokenize(&p, buf, len);
	free(buf);
	parse_pass(&p);
	if (p.p_errors == 0) {
		p.p_apply = 1;
		parse_pass(&p);
	}
	for (i = 0; i < p.p_ntoks; i++)
		free(p.p_toks[i].t_text);
	free(p.p_toks);
	free(p.p_names);
	free(p.p_nameline);
	return p.p_errors == 0 ? 0 : -1;
}
