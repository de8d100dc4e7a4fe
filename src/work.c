/*
 * Worker threads for blocking file system calls.  The event loop only
 * frames, decodes and dispatches; every request that touches the file
 * system runs here, and its reply goes back to the loop through a done
 * queue and a wake-up pipe.
 *
 * Fairness: one connection may occupy at most all workers but one, so a
 * client issuing slow requests (a huge write, an fsync) never takes the
 * last worker from everybody else.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "fsgoferd.h"

struct workq {
	struct server		*w_srv;
	pthread_mutex_t		 w_lock;
	pthread_cond_t		 w_cv;
	struct reqlist		 w_queue;	/* submitted, not started */
	struct reqlist		 w_done;	/* finished, not replied */
	int			 w_stop;
	int			 w_nthreads;
	int			 w_percon;	/* running cap per connection */
	pthread_t		*w_threads;
	int			 w_wake[2];	/* done queue became non-empty */
	int			 w_sandbox;	/* confinement handle or -2 */
	int			 w_ready;	/* threads that entered it */
	struct event		*w_wakeev;
};

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
		r->r_fn(r);
		cred_leave(r->r_conn->c_srv, cr);
	}
	if (f2 != NULL && f2 != f)
		pthread_rwlock_unlock(&f2->f_lock);
	if (f != NULL)
		pthread_rwlock_unlock(&f->f_lock);
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

static void *
work_thread(void *arg)
{
	struct workq	*w = arg;
	struct req	*r;
	int		 wake;
	char		 c = 0;

	/* Confined before the first request; never serve unconfined. */
	if (w->w_sandbox >= 0 && compat_sandbox_enter(w->w_sandbox) == -1)
		fatal("worker cannot enter its confinement");
	pthread_mutex_lock(&w->w_lock);
	w->w_ready++;
	pthread_cond_broadcast(&w->w_cv);
	for (;;) {
		while (!w->w_stop && (r = work_pick(w)) == NULL)
			pthread_cond_wait(&w->w_cv, &w->w_lock);
		if (w->w_stop)
			break;
		pthread_mutex_unlock(&w->w_lock);

		work_run(r);

		pthread_mutex_lock(&w->w_lock);
		/* Off its cap, that connection's queued requests may run:
		 * only then is another worker worth waking. */
		if (r->r_conn->c_running-- == w->w_percon &&
		    !TAILQ_EMPTY(&w->w_queue))
			pthread_cond_signal(&w->w_cv);
		wake = TAILQ_EMPTY(&w->w_done);
		TAILQ_INSERT_TAIL(&w->w_done, r, r_qentry);
		if (wake) {
			while (write(w->w_wake[1], &c, 1) == -1 &&
			    errno == EINTR)
				;
		}
	}
	pthread_mutex_unlock(&w->w_lock);
	return NULL;
}

/* Loop thread: hand finished requests back to their connections. */
static void
work_wake(int fd, short ev, void *arg)
{
	struct workq	*w = arg;
	struct reqlist	 done;
	struct req	*r;
	char		 buf[64];

	(void)ev;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	TAILQ_INIT(&done);
	pthread_mutex_lock(&w->w_lock);
	TAILQ_CONCAT(&done, &w->w_done, r_qentry);
	pthread_mutex_unlock(&w->w_lock);
	while ((r = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, r, r_qentry);
		dispatch_done(r);
	}
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
	TAILQ_INIT(&w->w_done);
	if (pthread_mutex_init(&w->w_lock, NULL) != 0 ||
	    pthread_cond_init(&w->w_cv, NULL) != 0)
		fatalx("work_init: mutex");
	if (pipe(w->w_wake) == -1)
		fatal("work_init: pipe");
	for (i = 0; i < 2; i++) {
		if (fcntl(w->w_wake[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(w->w_wake[i], F_SETFD, FD_CLOEXEC) == -1)
			fatal("work_init: fcntl");
	}
	w->w_wakeev = event_new(srv->s_base, w->w_wake[0],
	    EV_READ | EV_PERSIST, work_wake, w);
	if (w->w_wakeev == NULL || event_add(w->w_wakeev, NULL) == -1)
		fatalx("work_init: event");
	w->w_nthreads = n;
	w->w_percon = n > 1 ? n - 1 : 1;
	w->w_sandbox = sandbox;
	if ((w->w_threads = calloc(n, sizeof(pthread_t))) == NULL)
		fatal("work_init");
	for (i = 0; i < n; i++) {
		if (pthread_create(&w->w_threads[i], NULL, work_thread, w) != 0)
			fatalx("work_init: pthread_create");
	}
	/* The caller closes the handle once every worker holds it. */
	pthread_mutex_lock(&w->w_lock);
	while (w->w_ready < n)
		pthread_cond_wait(&w->w_cv, &w->w_lock);
	pthread_mutex_unlock(&w->w_lock);
	return w;
}

/*
 * Hand a batch of requests to the workers under one lock: a read that
 * brought many pipelined requests costs one lock, not one each.
 */
void
work_submit(struct workq *w, struct reqlist *batch)
{
	struct req	*r;
	int		 n = 0;

	TAILQ_FOREACH(r, batch, r_qentry)
		n++;
	if (n == 0)
		return;
	pthread_mutex_lock(&w->w_lock);
	TAILQ_CONCAT(&w->w_queue, batch, r_qentry);
	if (n == 1)
		pthread_cond_signal(&w->w_cv);
	else
		pthread_cond_broadcast(&w->w_cv);
	pthread_mutex_unlock(&w->w_lock);
}

/* Stop the threads; requests still queued were never started. */
void
work_shutdown(struct workq *w)
{
	int	 i;

	pthread_mutex_lock(&w->w_lock);
	w->w_stop = 1;
	pthread_cond_broadcast(&w->w_cv);
	pthread_mutex_unlock(&w->w_lock);
	for (i = 0; i < w->w_nthreads; i++)
		pthread_join(w->w_threads[i], NULL);
	event_free(w->w_wakeev);
	close(w->w_wake[0]);
	close(w->w_wake[1]);
	pthread_mutex_destroy(&w->w_lock);
	pthread_cond_destroy(&w->w_cv);
	free(w->w_threads);
	free(w);
}
