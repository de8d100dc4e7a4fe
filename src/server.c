/*
 * The server context's shared operations: export lookup and the orderly
 * stop.  Apart from main() so unit tests and fuzzers can link them.
 */
#include <event2/event.h>
#include <event2/thread.h>

#include <string.h>

#include "fsgoferd.h"

/*
 * The event base, with libevent's locking on: workers queue replies on a
 * connection's bufferevent themselves (see work_complete), so bufferevents
 * and the base must be safe to touch from several threads.
 */
struct event_base *
server_base_new(void)
{
	struct event_base	*base;

	if (evthread_use_pthreads() == -1)
		fatalx("evthread_use_pthreads");
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	return base;
}

/* An empty aname (the Linux client's default) means the first export. */
struct export *
export_find(struct server *srv, const char *aname)
{
	struct export	*e;

	if (aname[0] == '\0')
		return TAILQ_FIRST(&srv->s_exports);
	TAILQ_FOREACH(e, &srv->s_exports, e_entry)
		if (strcmp(e->e_aname, aname) == 0)
			return e;
	return NULL;
}

static void
server_loopexit(int fd, short ev, void *arg)
{
	struct server	*srv = arg;

	(void)fd;
	(void)ev;
	if (srv->s_nconns > 0)
		log_warnx("stopping with %d connections still busy",
		    srv->s_nconns);
	event_base_loopexit(srv->s_base, NULL);
}

/*
 * Stop accepting, close every connection (requests in flight finish and
 * are dropped), and leave the loop once they are gone, or after a bound.
 */
void
server_stop(struct server *srv)
{
	struct listener	*li;
	struct conn	*c, *next;
	struct timeval	 tv = { 10, 0 };

	if (!srv->s_stopping) {
		srv->s_stopping = 1;
		while ((li = TAILQ_FIRST(&srv->s_listeners)) != NULL) {
			TAILQ_REMOVE(&srv->s_listeners, li, li_entry);
			listener_free(li);
		}
		for (c = TAILQ_FIRST(&srv->s_conns); c != NULL; c = next) {
			next = TAILQ_NEXT(c, c_entry);
			conn_close(c, "server stopping");
		}
		srv->s_stoptimer = evtimer_new(srv->s_base, server_loopexit,
		    srv);
		if (srv->s_stoptimer != NULL)
			evtimer_add(srv->s_stoptimer, &tv);
	}
	if (srv->s_nconns == 0)
		event_base_loopexit(srv->s_base, NULL);
}
