/*
 * cred_for_attach in the "user" identity mode: which peers of which
 * kind of socket may attach as whom.  The peer states are set by hand
 * here; conn_new derives them from compat_peercred (t_peercred).
 */
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "fsgoferd.h"

#define NOBODY	65534

/* Attach as uid on a user-mode export through a connection whose peer
 * is in state known (uid peer); the errno, 0 when it was allowed. */
static int
try_attach(int known, uid_t peer, uint32_t uid)
{
	struct export	 e;
	struct conn	*c;
	struct p9_fcall	 t;
	struct cred	*cr;
	int		 err;

	if (getpwuid(NOBODY) == NULL)
		atf_tc_skip("no account with uid %d", NOBODY);
	memset(&e, 0, sizeof(e));
	e.e_idmode = ID_USER;
	ATF_REQUIRE((c = calloc(1, sizeof(*c))) != NULL);
	c->c_peerknown = known;
	c->c_peeruid = peer;
	c->c_peergid = peer;
	memset(&t, 0, sizeof(t));
	t.u.tattach.uname = "";
	t.u.tattach.n_uname = uid;
	cr = cred_for_attach(&e, c, &t, &err);
	if (cr != NULL)
		cred_unref(cr);
	free(c);
	return err;
}

ATF_TC_WITHOUT_HEAD(peer_states);
ATF_TC_BODY(peer_states, tc)
{
	/* Over TCP nothing is known: the uname is taken on trust. */
	ATF_CHECK_EQ(try_attach(PEER_NOTUNIX, 0, 0), 0);
	/* A unix peer may be itself, and root anyone. */
	ATF_CHECK_EQ(try_attach(PEER_KNOWN, NOBODY, NOBODY), 0);
	ATF_CHECK_EQ(try_attach(PEER_KNOWN, 0, NOBODY), 0);
	ATF_CHECK_EQ(try_attach(PEER_KNOWN, NOBODY, 0), EPERM);
	/* A unix socket whose peer the kernel did not tell is refused,
	 * never treated like TCP. */
	ATF_CHECK_EQ(try_attach(PEER_UNREADABLE, 0, NOBODY), EPERM);
	ATF_CHECK_EQ(try_attach(PEER_UNREADABLE, 0, 0), EPERM);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, peer_states);
	return atf_no_error();
}
