/*
 * Identity modes.  trusted: requests run with the daemon's credentials
 * (gVisor's fsgofer model: one trusted client).  user: each request runs
 * as the user named in Tattach, with that user's groups, so the kernel
 * makes every permission decision.  squash: every attach is one account.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsgoferd.h"

#define CRED_MAXGROUPS	256

static struct cred *
cred_new(uid_t uid, gid_t gid, const gid_t *groups, int ngroups)
{
	struct cred	*cr;

	if ((cr = calloc(1, sizeof(*cr))) == NULL)
		return NULL;
	if ((cr->cr_groups = calloc(ngroups > 0 ? ngroups : 1,
	    sizeof(gid_t))) == NULL) {
		free(cr);
		return NULL;
	}
	cr->cr_refs = 1;
	cr->cr_uid = uid;
	cr->cr_gid = gid;
	cr->cr_ngroups = ngroups;
	if (ngroups > 0)
		memcpy(cr->cr_groups, groups, ngroups * sizeof(gid_t));
	return cr;
}

/*
 * The credentials an attach runs with; NULL with *errp 0 means the
 * daemon's own.  Worker thread (it may consult the user database).  In
 * user mode an account the host does not know is refused with EPERM:
 * there is nobody to run as.
 */
struct cred *
cred_for_attach(const struct export *e, const struct p9_fcall *t, int *errp)
{
	struct passwd	 pw, *res = NULL;
	struct cred	*cr;
	gid_t		 groups[CRED_MAXGROUPS];
	char		 buf[4096];
	int		 ngroups = CRED_MAXGROUPS, rc;

	*errp = 0;
	switch (e->e_idmode) {
	case ID_TRUSTED:
		return NULL;
	case ID_SQUASH:
		groups[0] = e->e_sqgid;
		cr = cred_new(e->e_squid, e->e_sqgid, groups, 1);
		break;
	case ID_USER:
		if (t->u.tattach.n_uname != P9_NONUNAME)
			rc = getpwuid_r((uid_t)t->u.tattach.n_uname, &pw, buf,
			    sizeof(buf), &res);
		else
			rc = getpwnam_r(t->u.tattach.uname, &pw, buf,
			    sizeof(buf), &res);
		if (rc != 0 || res == NULL) {
			*errp = EPERM;
			return NULL;
		}
		if (compat_getgrouplist(pw.pw_name, pw.pw_gid, groups,
		    &ngroups) == -1)
			ngroups = CRED_MAXGROUPS;	/* truncated: the first */
		cr = cred_new(pw.pw_uid, pw.pw_gid, groups, ngroups);
		break;
	default:
		*errp = EPERM;
		return NULL;
	}
	if (cr == NULL)
		*errp = ENOMEM;
	return cr;
}

void
cred_unref(struct cred *cr)
{
	if (cr == NULL || --cr->cr_refs > 0)
		return;
	free(cr->cr_groups);
	free(cr);
}

/*
 * Take on cr for one request; 0 or a host errno.  Only root can switch;
 * a daemon that is not root serves everybody as itself, which start-up
 * only allows for squash to its own account.
 */
int
cred_enter(const struct server *srv, const struct cred *cr)
{
	(void)srv;
	if (cr == NULL || geteuid() != 0)
		return 0;
	if (compat_setcred(cr->cr_uid, cr->cr_gid, cr->cr_ngroups,
	    cr->cr_groups) == -1)
		return errno;
	return 0;
}

void
cred_leave(const struct server *srv, const struct cred *cr)
{
	if (cr == NULL || geteuid() != 0)
		return;
	if (compat_setcred(0, getegid(), srv->s_ngroups, srv->s_groups) == -1)
		fatal("cannot return a worker to the daemon's credentials");
}
