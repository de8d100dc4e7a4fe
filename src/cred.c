/*
 * Identity modes.  trusted: requests run with the daemon's credentials
 * (gVisor's fsgofer model: one trusted client).  user: each request runs
 * as the user named in Tattach, with that user's groups, so the kernel
 * makes every permission decision.  squash: every attach is one account.
 *
 * In user mode the uname is the client's word, so on a unix socket it is
 * checked against the peer's credentials: a peer that is not root may
 * attach only as itself unless the export trusts it (trust-user,
 * trust-group).  Over TCP nothing is known of the peer; the allow list
 * and the listener are all the gate there is.
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

/* 1 if gid is one of the export's trusted groups. */
static int
cred_gid_trusted(const struct exptrust *et, gid_t gid)
{
	int	 i;

	for (i = 0; i < et->et_ngids; i++)
		if (et->et_gids[i] == gid)
			return 1;
	return 0;
}

/*
 * May connection c attach as uid on export e?  Yes for a peer nothing
 * can be known of (TCP), root, the uid itself, and peers the export trusts: by uid, by
 * the gid the kernel reported, or by membership of a trusted group in
 * the host's group database (a member could take that gid with sg(1)
 * anyway).  No for a unix socket whose peer the kernel did not tell.
 * Worker thread.
 */
static int
cred_peer_may(const struct export *e, const struct conn *c, uid_t uid)
{
	const struct exptrust	*et = &e->e_trust;
	struct passwd		 pw, *res = NULL;
	gid_t			 groups[CRED_MAXGROUPS];
	char			 buf[4096];
	int			 i, ngroups = CRED_MAXGROUPS;

	if (c->c_peerknown == PEER_NOTUNIX)
		return 1;
	if (c->c_peerknown != PEER_KNOWN)
		return 0;
	if (c->c_peeruid == 0 || c->c_peeruid == uid)
		return 1;
	for (i = 0; i < et->et_nuids; i++)
		if (et->et_uids[i] == c->c_peeruid)
			return 1;
	if (et->et_ngids == 0)
		return 0;
	if (cred_gid_trusted(et, c->c_peergid))
		return 1;
	if (getpwuid_r(c->c_peeruid, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		return 0;
	if (compat_getgrouplist(pw.pw_name, pw.pw_gid, groups, &ngroups) == -1)
		ngroups = CRED_MAXGROUPS;
	for (i = 0; i < ngroups; i++)
		if (cred_gid_trusted(et, groups[i]))
			return 1;
	return 0;
}

/*
 * The credentials an attach runs with; NULL with *errp 0 means the
 * daemon's own.  Worker thread (it may consult the user database).  In
 * user mode an account the host does not know is refused with EPERM:
 * there is nobody to run as; so is one that connection c may not act as.
 */
struct cred *
cred_for_attach(const struct export *e, const struct conn *c,
    const struct p9_fcall *t, int *errp)
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
		if (rc != 0 || res == NULL ||
		    !cred_peer_may(e, c, pw.pw_uid)) {
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

/*
 * Do two fids act as one identity?  A request on two fids runs with the
 * first one's credentials, so the second must not belong to anybody
 * else.  NULL, the daemon's own, only matches NULL.
 */
int
cred_same(const struct cred *a, const struct cred *b)
{
	if (a == b)
		return 1;
	if (a == NULL || b == NULL)
		return 0;
	return a->cr_uid == b->cr_uid && a->cr_gid == b->cr_gid &&
	    a->cr_ngroups == b->cr_ngroups &&
	    memcmp(a->cr_groups, b->cr_groups,
	    a->cr_ngroups * sizeof(gid_t)) == 0;
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
