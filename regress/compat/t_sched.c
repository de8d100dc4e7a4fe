/*
 * compat_sched_nopreempt: the event loop thread gives up wake-up
 * preemption and takes it back, and only that thread.  Each case runs
 * in a child process so that the test program's own policy never
 * changes.  Where the host has no such policy (PORTABLE=1, the BSDs)
 * the shim says ENOSYS and changes nothing.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "compat.h"

/*
 * This thread's policy: from the kernel where the host has SCHED_BATCH
 * (Linux), else pthread's call, which every platform has (glibc's may
 * answer from what it last set, not what the kernel has).
 */
static int
policy(void)
{
#ifdef HAVE_SCHED_BATCH
	return sched_getscheduler(0);
#else
	struct sched_param	 sp;
	int			 pol;

	if (pthread_getschedparam(pthread_self(), &pol, &sp) != 0)
		return -1;
	return pol;
#endif
}

/* A thread that exists before the call and reports its policy after. */
struct other {
	pthread_mutex_t	 o_lock;
	pthread_cond_t	 o_cv;
	int		 o_go;
	int		 o_policy;
};

static void *
other_thread(void *arg)
{
	struct other	*o = arg;

	pthread_mutex_lock(&o->o_lock);
	while (!o->o_go)
		pthread_cond_wait(&o->o_cv, &o->o_lock);
	pthread_mutex_unlock(&o->o_lock);
	o->o_policy = policy();
	return NULL;
}

/* Run fn in a child; the child's exit status is the number of failures. */
static void
in_child(int (*fn)(void))
{
	pid_t	 pid;
	int	 st;

	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0)
		_exit(fn());
	ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "child: %d failed checks (status %#x)", WEXITSTATUS(st), st);
}

static int
this_thread_only(void)
{
	struct other	 o;
	pthread_t	 t;
	int		 bad = 0, rc, err;

	memset(&o, 0, sizeof(o));
	pthread_mutex_init(&o.o_lock, NULL);
	pthread_cond_init(&o.o_cv, NULL);
	if (pthread_create(&t, NULL, other_thread, &o) != 0)
		return 100;
	if (policy() != SCHED_OTHER)
		return 101;		/* the test itself runs under chrt */
	errno = 0;
	rc = compat_sched_nopreempt(1);
	err = errno;
	pthread_mutex_lock(&o.o_lock);
	o.o_go = 1;
	pthread_cond_signal(&o.o_cv);
	pthread_mutex_unlock(&o.o_lock);
	pthread_join(t, NULL);
#ifdef HAVE_SCHED_BATCH
	(void)err;
	bad += rc != 1;
	bad += policy() != SCHED_BATCH;
	/* Again: nothing to change. */
	bad += compat_sched_nopreempt(1) != 0;
	bad += policy() != SCHED_BATCH;
	/* Back to the default, once. */
	bad += compat_sched_nopreempt(0) != 1;
	bad += policy() != SCHED_OTHER;
	bad += compat_sched_nopreempt(0) != 0;
	bad += policy() != SCHED_OTHER;
#else
	bad += rc != -1 || err != ENOSYS;
	bad += policy() != SCHED_OTHER;
#endif
	/* The thread that was already running keeps the default. */
	bad += o.o_policy != SCHED_OTHER;
	return bad;
}

ATF_TC_WITHOUT_HEAD(nopreempt_this_thread);
ATF_TC_BODY(nopreempt_this_thread, tc)
{
	in_child(this_thread_only);
}

#ifdef HAVE_SCHED_BATCH
static int
keeps_other_policy(void)
{
	struct sched_param	 sp;
	int			 bad = 0;

	/* SCHED_IDLE needs no privilege to enter. */
	memset(&sp, 0, sizeof(sp));
	if (sched_setscheduler(0, SCHED_IDLE, &sp) == -1)
		return 100;
	bad += compat_sched_nopreempt(1) != 0;
	bad += policy() != SCHED_IDLE;
	bad += compat_sched_nopreempt(0) != 0;
	bad += policy() != SCHED_IDLE;
	return bad;
}
#endif

ATF_TC_WITHOUT_HEAD(nopreempt_keeps_chosen);
ATF_TC_BODY(nopreempt_keeps_chosen, tc)
{
#ifdef HAVE_SCHED_BATCH
	in_child(keeps_other_policy);
#else
	atf_tc_skip("no SCHED_BATCH in this build");
#endif
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, nopreempt_this_thread);
	ATF_TP_ADD_TC(tp, nopreempt_keeps_chosen);
	return atf_no_error();
}
