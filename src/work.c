/*
 * Worker threads for blocking file system calls.  The event loop only
 * frames, decodes and dispatches; every request that touches the file
 * system runs here.
 *
 * A worker sends its reply itself, under the connection's bufferevent
 * lock (straight to the socket when nothing is queued before it), and
 * leaves the request on the connection's done list.  The loop settles
 * done requests (fids, counters, memory) before it dispatches anything
 * it reads next, so a client never sees the effects of a reply missing;
 * it is woken for them only when it waits on them (a Tversion, a Tflush,
 * reading stopped, a closing connection) or has to send the reply.
 * That spares a thread hop and a wake-up per request.
 *
 * Fairness: one connection may occupy at most all workers but one, so a
 * client issuing slow requests (a huge write, an fsync) never takes the
 * last worker from everybody else.
 */
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "fsgoferd.h"

/*
 * A worker sleeps on a wake-up of its own (a flag, a mutex and a
 * condition variable private to it), not on a condition variable shared
 * by all: the one woken is the one that went to sleep last (its stack
 * and data still in a CPU's cache, the scheduler's idea of where it runs
 * still right), where a shared condition variable wakes them in turn.
 * And a thread returning from pthread_cond_wait takes the mutex back
 * marked as contended, which costs its next unlock a futex call: on its
 * own mutex that is only the one worker's, not w_lock.  (Not a POSIX
 * semaphore: macOS has no unnamed ones.)
 */
struct worker {
	struct workq		*wk_q;
	pthread_t		 wk_thread;
	pthread_mutex_t		 wk_lock;
	pthread_cond_t		 wk_cv;
	int			 wk_posted;	/* under wk_lock */
	SLIST_ENTRY(worker)	 wk_entry;	/* on w_idlers */
};

/*
 * The lfile of a fid dropped without a Tclunk, to be closed by a worker
 * (work_close).  It names no connection: that may be gone by then.
 */
struct closejob {
	TAILQ_ENTRY(closejob)	 cj_entry;
	struct lfile		*cj_lf;
	struct cred		*cj_cred;	/* a reference; NULL: ours */
};

struct workq {
	struct server		*w_srv;
	pthread_mutex_t		 w_lock;
	pthread_cond_t		 w_cv;		/* startup only */
	struct reqlist		 w_queue;	/* submitted, not started */
	TAILQ_HEAD(, closejob)	 w_closes;	/* before w_queue */
	int			 w_closing;	/* close jobs running */
	struct reqlist		 w_done;	/* finished, reply not sent */
	TAILQ_HEAD(, conn)	 w_wake;	/* conns the loop must drain */
	int			 w_signaled;	/* w_pipe written, not read */
	int			 w_stop;
	int			 w_nthreads;
	int			 w_percon;	/* running cap per connection */
	struct worker		*w_workers;
	SLIST_HEAD(, worker)	 w_idlers;	/* asleep, last in first */
	int			 w_pipe[2];	/* wakes the loop */
	int			 w_sandbox;	/* confinement handle or -2 */
	int			 w_ready;	/* threads that entered it */
	int			 w_idle;	/* workers on w_idlers */
	int			 w_spread;	/* awake workers worth having */
	int			 w_nopreempt;	/* the loop's policy is ours */
	int			 w_nbig;	/* r_bigio requests not finished */
	struct event		*w_wakeev;
	struct event		*w_kickev;	/* queued work nobody woke for */
};

#define WORK_KICK_USEC	1000
#define WORK_BIGIO	65536	/* a copy that is worth another CPU */

static void
work_run(struct req *r)
{
	struct fid	*f = r->r_fid, *f2 = r->r_fid2;
	struct cred	*cr;
	int		 err;

	if (f != NULL) {
		if (r->r_excl)
			pthread_rwlock_wrlock(&f->f_lock);
		else
			pthread_rwlock_rdlock(&f->f_lock);
	}
	/* The same fid twice is locked once: a second rdlock could wait
	 * behind a queued writer and deadlock against ourselves. */
	if (f2 != NULL && f2 != f)
		pthread_rwlock_rdlock(&f2->f_lock);
	/* user/squash modes: the request runs as the fid's owner. */
	cr = f != NULL ? f->f_cred : NULL;
	if ((err = cred_enter(r->r_conn->c_srv, cr)) != 0)
		reply_error(r, err);
	else {
		r->r_msg->mt_fn(r);
		cred_leave(r->r_conn->c_srv, cr);
	}
	if (f2 != NULL && f2 != f)
		pthread_rwlock_unlock(&f2->f_lock);
	if (f != NULL)
		pthread_rwlock_unlock(&f->f_lock);
}

/*
 * A dropped fid's close, with its owner's credentials like any request
 * of it, and in our confinement.  Its pending xattr was discarded, so
 * the close writes nothing: should the switch fail, the descriptors are
 * closed all the same rather than leaked.
 */
static void
work_closejob(struct workq *w, struct closejob *cj)
{
	int	 err;

	if ((err = cred_enter(w->w_srv, cj->cj_cred)) != 0) {
		errno = err;
		log_warn("closing a dropped fid as its owner");
		(void)lf_close(cj->cj_lf);
	} else {
		(void)lf_close(cj->cj_lf);
		cred_leave(w->w_srv, cj->cj_cred);
	}
	cred_unref(cj->cj_cred);
	free(cj);
}

/*
 * The next close job, if fewer than a connection's share of workers run
 * one: closes that free huge files must not take every worker either.
 */
static struct closejob *
work_pick_close(struct workq *w)
{
	struct closejob	*cj;

	if (w->w_closing >= w->w_percon ||
	    (cj = TAILQ_FIRST(&w->w_closes)) == NULL)
		return NULL;
	TAILQ_REMOVE(&w->w_closes, cj, cj_entry);
	w->w_closing++;
	return cj;
}

/* The first queued request whose connection is under its cap. */
static struct req *
work_pick(struct workq *w)
{
	struct req	*r;

	TAILQ_FOREACH(r, &w->w_queue, r_qentry) {
		if (r->r_conn->c_running < w->w_percon) {
			TAILQ_REMOVE(&w->w_queue, r, r_qentry);
			r->r_conn->c_running++;
			return r;
		}
	}
	return NULL;
}

/*
 * Under w_lock: take the worker that went to sleep last off the idle
 * list (it counts as awake from now on); NULL if none sleeps.  The
 * caller wakes it with work_post once it has let go of w_lock.
 */
static struct worker *
work_pop(struct workq *w)
{
	struct worker	*wk;

	if ((wk = SLIST_FIRST(&w->w_idlers)) != NULL) {
		SLIST_REMOVE_HEAD(&w->w_idlers, wk_entry);
		w->w_idle--;
	}
	return wk;
}

static void
work_post(struct worker *wk)
{
	if (wk == NULL)
		return;
	pthread_mutex_lock(&wk->wk_lock);
	wk->wk_posted = 1;
	pthread_mutex_unlock(&wk->wk_lock);
	/* After the unlock, so the worker does not wake to a held mutex;
	 * the worker outlives this call (work_shutdown joins first). */
	pthread_cond_signal(&wk->wk_cv);
}

/* Sleep until work_post; a wake-up posted before is not lost. */
static void
work_sleep(struct worker *wk)
{
	pthread_mutex_lock(&wk->wk_lock);
	while (!wk->wk_posted)
		pthread_cond_wait(&wk->wk_cv, &wk->wk_lock);
	wk->wk_posted = 0;
	pthread_mutex_unlock(&wk->wk_lock);
}

/* Under w_lock: make sure the loop wakes up to look at the lists. */
static void
work_signal(struct workq *w)
{
	char	 b = 0;

	if (w->w_signaled)
		return;
	w->w_signaled = 1;
	while (write(w->w_pipe[1], &b, 1) == -1 && errno == EINTR)
		;
}

/*
 * Ask the loop to drain c.  Called with c's bufferevent lock held (by a
 * worker) or on the loop: either way c cannot be freed meanwhile.
 */
void
work_wake_conn(struct workq *w, struct conn *c)
{
	pthread_mutex_lock(&w->w_lock);
	if (!c->c_onwake) {
		TAILQ_INSERT_TAIL(&w->w_wake, c, c_wentry);
		c->c_onwake = 1;
		work_signal(w);
	}
	pthread_mutex_unlock(&w->w_lock);
}

/* Loop thread: c is being freed; it must not stay on the wake list. */
void
work_forget_conn(struct workq *w, struct conn *c)
{
	pthread_mutex_lock(&w->w_lock);
	if (c->c_onwake) {
		TAILQ_REMOVE(&w->w_wake, c, c_wentry);
		c->c_onwake = 0;
	}
	pthread_mutex_unlock(&w->w_lock);
}

/*
 * The last of a connection's requests on the workers: send the reply
 * from here and leave r on the connection's done list; 0 if it could
 * not be sent (a closing connection), and the loop must do it all.
 */
static int
work_reply_direct(struct workq *w, struct req *r)
{
	struct conn	*c = r->r_conn;

	bufferevent_lock(c->c_bev);
	/* A mapped Rread went out from its operation already. */
	if (!r->r_replied && c->c_direct && r->r_outlen > 0)
		conn_send_direct(r);
	if (!r->r_replied) {
		bufferevent_unlock(c->c_bev);
		return 0;
	}
	r->r_done = 1;
	TAILQ_INSERT_TAIL(&c->c_done, r, r_qentry);
	if (c->c_wantwake || r->r_wakeloop)
		work_wake_conn(w, c);
	/* c may be freed once this lock is released: touch it no more. */
	bufferevent_unlock(c->c_bev);
	return 1;
}

/*
 * A worker finished r.  A client that waits for each reply gets it from
 * here, a thread hop sooner.  For a pipelining client the loop sends:
 * it writes every reply finished meanwhile in one call and the client
 * reads them in one, which matters more to it than the hop.
 */
static void
work_complete(struct workq *w, struct req *r)
{
	if (atomic_fetch_sub(&r->r_conn->c_wpending, 1) == 1 &&
	    r->r_solo && work_reply_direct(w, r))
		return;
	pthread_mutex_lock(&w->w_lock);
	TAILQ_INSERT_TAIL(&w->w_done, r, r_qentry);
	work_signal(w);
	pthread_mutex_unlock(&w->w_lock);
}

static void *
work_thread(void *arg)
{
	struct worker	*wk = arg, *next;
	struct workq	*w = wk->wk_q;
	struct closejob	*cj;
	struct req	*r = NULL;

	/* Confined before the first request; never serve unconfined. */
	if (w->w_sandbox >= 0 && compat_sandbox_enter(w->w_sandbox) == -1)
		fatal("worker cannot enter its confinement");
	pthread_mutex_lock(&w->w_lock);
	w->w_ready++;
	pthread_cond_broadcast(&w->w_cv);
	for (;;) {
		cj = NULL;
		while (!w->w_stop && (cj = work_pick_close(w)) == NULL &&
		    (r = work_pick(w)) == NULL) {
			/* Whoever takes us off the list posts our wake-up. */
			SLIST_INSERT_HEAD(&w->w_idlers, wk, wk_entry);
			w->w_idle++;
			pthread_mutex_unlock(&w->w_lock);
			work_sleep(wk);
			pthread_mutex_lock(&w->w_lock);
		}
		if (w->w_stop)
			break;
		if (cj != NULL) {
			pthread_mutex_unlock(&w->w_lock);
			work_closejob(w, cj);
			pthread_mutex_lock(&w->w_lock);
			w->w_closing--;
			continue;
		}
		pthread_mutex_unlock(&w->w_lock);

		work_run(r);

		pthread_mutex_lock(&w->w_lock);
		/* Off its cap, that connection's queued requests may run:
		 * only then is another worker worth waking. */
		next = NULL;
		if (r->r_conn->c_running-- == w->w_percon &&
		    !TAILQ_EMPTY(&w->w_queue))
			next = work_pop(w);
		pthread_mutex_unlock(&w->w_lock);
		work_post(next);

		work_complete(w, r);

		pthread_mutex_lock(&w->w_lock);
	}
	pthread_mutex_unlock(&w->w_lock);
	return NULL;
}

/*
 * Loop thread: settle what the workers finished, then drain the
 * connections that asked for it.
 */
static void
work_wake(int fd, short ev, void *arg)
{
	struct workq	*w = arg;
	struct reqlist	 done;
	struct conn	*c;
	struct req	*r;
	char		 buf[64];

	(void)ev;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	TAILQ_INIT(&done);
	pthread_mutex_lock(&w->w_lock);
	w->w_signaled = 0;
	TAILQ_CONCAT(&done, &w->w_done, r_qentry);
	pthread_mutex_unlock(&w->w_lock);
	/* A request keeps its connection: none is freed under us here. */
	while ((r = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, r, r_qentry);
		dispatch_done(r);
	}
	/* One at a time: a freed connection takes itself off the list. */
	for (;;) {
		pthread_mutex_lock(&w->w_lock);
		if ((c = TAILQ_FIRST(&w->w_wake)) != NULL) {
			TAILQ_REMOVE(&w->w_wake, c, c_wentry);
			c->c_onwake = 0;
		}
		pthread_mutex_unlock(&w->w_lock);
		if (c == NULL)
			break;
		conn_drain(c);
		conn_resume(c);		/* may free c */
	}
}

/*
 * Under w_lock: how many sleepers to wake for n new jobs (the caller
 * signals them once it has let go of w_lock), but only as many as keep
 * w_spread workers awake.  An awake worker takes the next job when it
 * is done with its own, without a sleep and a wake-up; more threads than
 * CPUs running short jobs only take turns (a create+unlink loop runs at
 * twice the rate with one awake worker than with eight).  Large reads
 * and writes are mostly copying, which one more CPU does alongside: a
 * batch with one may keep one more worker awake.  A worker that blocks
 * for long (an fsync) would hold the queue up, so queued work that
 * nobody was woken for wakes a sleeper after WORK_KICK_USEC (work_kick).
 */
static int
work_wakeup(struct workq *w, int n, int bigio)
{
	struct timeval	 tv = { 0, WORK_KICK_USEC };
	int		 awake = w->w_nthreads - w->w_idle, i;

	/* The fewest of: the jobs, the sleepers, the room under spread. */
	i = w->w_spread + (bigio ? 1 : 0) - awake;
	if (i > n)
		i = n;
	if (i > w->w_idle)
		i = w->w_idle;
	if (i < 0)
		i = 0;
	if (i < n && w->w_idle > i && !evtimer_pending(w->w_kickev, NULL))
		evtimer_add(w->w_kickev, &tv);
	return i;
}

/* Loop thread: work is still queued; wake one more sleeper for it. */
static void
work_kick(int fd, short ev, void *arg)
{
	struct workq	*w = arg;
	struct worker	*wk = NULL;
	struct timeval	 tv = { 0, WORK_KICK_USEC };

	(void)fd;
	(void)ev;
	pthread_mutex_lock(&w->w_lock);
	if (!TAILQ_EMPTY(&w->w_queue) && (wk = work_pop(w)) != NULL)
		evtimer_add(w->w_kickev, &tv);
	pthread_mutex_unlock(&w->w_lock);
	work_post(wk);
}

/*
 * Loop thread: how the loop is scheduled.  A request wakes the loop while
 * the client that sent it is still on its way to sleep: preempting it
 * there costs two context switches per request, and with a CPU kept busy
 * doubled the CPU time of each lone 4 KiB write.  So the loop does not
 * preempt when woken, except while large reads or writes of pipelining
 * clients are in flight: then it is the one thread that moves their
 * bytes, and the sooner it runs the sooner the next ones start (1 MiB
 * reads four at a time ran 5-8 % slower with it waiting its turn).
 */
static void
work_sched(struct workq *w, int nopreempt)
{
	if (w->w_nopreempt && compat_sched_nopreempt(nopreempt) == -1) {
		log_warn("cannot change the event loop's scheduling");
		w->w_nopreempt = 0;
	}
}

/* Loop thread: an r_bigio request is finished. */
void
work_big_done(struct workq *w)
{
	if (--w->w_nbig == 0)
		work_sched(w, 1);
}

/* Start n workers, each confined by the sandbox handle if >= 0. */
struct workq *
work_init(struct server *srv, int n, int sandbox)
{
	struct workq	*w;
	int		 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("work_init");
	w->w_srv = srv;
	TAILQ_INIT(&w->w_queue);
	TAILQ_INIT(&w->w_closes);
	TAILQ_INIT(&w->w_done);
	TAILQ_INIT(&w->w_wake);
	SLIST_INIT(&w->w_idlers);
	if (pthread_mutex_init(&w->w_lock, NULL) != 0 ||
	    pthread_cond_init(&w->w_cv, NULL) != 0)
		fatalx("work_init: mutex");
	if (pipe(w->w_pipe) == -1)
		fatal("work_init: pipe");
	for (i = 0; i < 2; i++) {
		if (fcntl(w->w_pipe[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(w->w_pipe[i], F_SETFD, FD_CLOEXEC) == -1)
			fatal("work_init: fcntl");
	}
	w->w_wakeev = event_new(srv->s_base, w->w_pipe[0],
	    EV_READ | EV_PERSIST, work_wake, w);
	if (w->w_wakeev == NULL || event_add(w->w_wakeev, NULL) == -1)
		fatalx("work_init: event");
	w->w_kickev = evtimer_new(srv->s_base, work_kick, w);
	if (w->w_kickev == NULL)
		fatalx("work_init: event");
	w->w_nthreads = n;
	w->w_percon = n > 1 ? n - 1 : 1;
	/* The loop has a CPU of its own; the rest are the workers'. */
	w->w_spread = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	if (w->w_spread < 1)
		w->w_spread = 1;
	w->w_sandbox = sandbox;
	if ((w->w_workers = calloc(n, sizeof(*w->w_workers))) == NULL)
		fatal("work_init");
	for (i = 0; i < n; i++) {
		w->w_workers[i].wk_q = w;
		if (pthread_mutex_init(&w->w_workers[i].wk_lock, NULL) != 0 ||
		    pthread_cond_init(&w->w_workers[i].wk_cv, NULL) != 0)
			fatalx("work_init: pthread_mutex_init");
		if (pthread_create(&w->w_workers[i].wk_thread, NULL,
		    work_thread, &w->w_workers[i]) != 0)
			fatalx("work_init: pthread_create");
	}
	/* The caller closes the handle once every worker holds it. */
	pthread_mutex_lock(&w->w_lock);
	while (w->w_ready < n)
		pthread_cond_wait(&w->w_cv, &w->w_lock);
	pthread_mutex_unlock(&w->w_lock);
	/* This thread runs the loop; the workers keep the policy they were
	 * started with. */
	switch (compat_sched_nopreempt(1)) {
	case 1:
		w->w_nopreempt = 1;
		log_debug("event loop thread: no wake-up preemption");
		break;
	case -1:
		if (errno != ENOSYS)
			log_warn("cannot change the event loop's scheduling");
		break;
	}
	return w;
}

/*
 * Hand a batch of requests to the workers under one lock: a read that
 * brought many pipelined requests costs one lock, not one each.
 */
void
work_submit(struct workq *w, struct reqlist *batch, int quiet)
{
	SLIST_HEAD(, worker) wake = SLIST_HEAD_INITIALIZER(wake);
	struct worker	*wk;
	struct conn	*c;
	struct req	*r;
	int		 n = 0, bigio = 0;

	TAILQ_FOREACH(r, batch, r_qentry) {
		n++;
		if ((r->r_msg->mt_flags & MSG_BIGIO) &&
		    MSG_U32(&r->r_t, r->r_msg->mt_count) >= WORK_BIGIO) {
			bigio = 1;
			r->r_bigio = 1;
		}
	}
	if (n == 0)
		return;
	/*
	 * A batch is one connection's.  A lone request from a quiet
	 * connection, nothing else of it on the workers, is a client waiting
	 * for each reply: its worker sends the reply (work_complete), and
	 * the loop has nothing to move for it.
	 */
	r = TAILQ_FIRST(batch);
	c = r->r_conn;
	if (atomic_fetch_add(&c->c_wpending, n) == 0 && n == 1 && quiet) {
		r->r_solo = 1;
		r->r_bigio = 0;
	}
	TAILQ_FOREACH(r, batch, r_qentry) {
		if (r->r_bigio && w->w_nbig++ == 0)
			work_sched(w, 0);
	}
	pthread_mutex_lock(&w->w_lock);
	TAILQ_CONCAT(&w->w_queue, batch, r_qentry);
	for (n = work_wakeup(w, n, bigio); n > 0; n--) {
		wk = work_pop(w);	/* work_wakeup counted it idle */
		SLIST_INSERT_HEAD(&wake, wk, wk_entry);
	}
	pthread_mutex_unlock(&w->w_lock);
	/* Posted under the lock, a worker would wake only to wait for it:
	 * two wake-ups for one job, each a trip through the scheduler on a
	 * machine whose other CPUs are busy. */
	while ((wk = SLIST_FIRST(&wake)) != NULL) {
		SLIST_REMOVE_HEAD(&wake, wk_entry);
		work_post(wk);
	}
}

/*
 * Loop thread (fid_unref's closer): close the lfile of a fid dropped
 * without a Tclunk, taking over the reference to its credentials.  The
 * loop closes it only if that cannot wait (lf_close_nowait: nothing to
 * write, no network file system, no unlinked file's blocks to free);
 * otherwise a worker does, as a job of its own that outlives the
 * connection.
 */
void
work_close(void *arg, struct lfile *lf, struct cred *cr)
{
	struct workq	*w = arg;
	struct closejob	*cj;
	struct worker	*wk;

	if (lf_close_nowait(lf) != EAGAIN) {
		cred_unref(cr);
		return;
	}
	if ((cj = calloc(1, sizeof(*cj))) == NULL) {
		/* Nothing is written: the worst is a wait. */
		log_warn("closing a dropped fid on the event loop");
		(void)lf_close(lf);
		cred_unref(cr);
		return;
	}
	cj->cj_lf = lf;
	cj->cj_cred = cr;
	pthread_mutex_lock(&w->w_lock);
	TAILQ_INSERT_TAIL(&w->w_closes, cj, cj_entry);
	/* A busy worker looks at the list when it is done. */
	wk = work_pop(w);
	pthread_mutex_unlock(&w->w_lock);
	work_post(wk);
}

/*
 * Stop the threads; requests still queued were never started.  Close
 * jobs still queued are done here: they write nothing.
 */
void
work_shutdown(struct workq *w)
{
	struct closejob	*cj;
	struct worker	*wk;
	int		 i;

	pthread_mutex_lock(&w->w_lock);
	w->w_stop = 1;
	/* Each sleeper looks at w_stop once woken; the busy ones see it
	 * when they finish. */
	while ((wk = work_pop(w)) != NULL)
		work_post(wk);
	pthread_mutex_unlock(&w->w_lock);
	for (i = 0; i < w->w_nthreads; i++) {
		pthread_join(w->w_workers[i].wk_thread, NULL);
		pthread_mutex_destroy(&w->w_workers[i].wk_lock);
		pthread_cond_destroy(&w->w_workers[i].wk_cv);
	}
	while ((cj = TAILQ_FIRST(&w->w_closes)) != NULL) {
		TAILQ_REMOVE(&w->w_closes, cj, cj_entry);
		(void)lf_close(cj->cj_lf);
		cred_unref(cj->cj_cred);
		free(cj);
	}
	event_free(w->w_wakeev);
	event_free(w->w_kickev);
	close(w->w_pipe[0]);
	close(w->w_pipe[1]);
	pthread_mutex_destroy(&w->w_lock);
	pthread_cond_destroy(&w->w_cv);
	free(w->w_workers);
	free(w);
}
