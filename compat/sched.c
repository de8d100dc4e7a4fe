/*
 * How the event loop thread is scheduled.  Woken by a client's request,
 * a thread of the default policy may preempt whatever runs on that CPU,
 * and that is most often the client itself, a moment before it would
 * have gone to sleep waiting for the reply: two context switches more
 * per request.  On Linux, SCHED_BATCH takes away that wake-up preemption
 * for the calling thread only (the policy is per thread there) and
 * nothing else: same priority, same share of the CPU, and an idle CPU
 * still runs the thread at once.  Elsewhere there is no such policy and
 * nothing changes.
 */
#include <sys/types.h>

#include <errno.h>
#ifdef HAVE_SCHED_BATCH
#include <pthread.h>
#include <sched.h>
#endif

#include "compat.h"

int
compat_sched_nopreempt(int on)
{
#ifdef HAVE_SCHED_BATCH
	struct sched_param	 sp;
	int			 pol, from, to;

	from = on ? SCHED_OTHER : SCHED_BATCH;
	to = on ? SCHED_BATCH : SCHED_OTHER;
	/* Any other policy is an administrator's choice (chrt, systemd's
	 * CPUSchedulingPolicy) and stands. */
	if ((pol = sched_getscheduler(0)) == -1)
		return -1;
	if (pol != from)
		return 0;
	sp.sched_priority = 0;
	/* pthread's call, so that the C library's idea of this thread's
	 * policy (glibc keeps one) stays right. */
	if ((errno = pthread_setschedparam(pthread_self(), to, &sp)) != 0)
		return -1;
	return 1;
#else
	(void)on;
	errno = ENOSYS;
	return -1;
#endif
}
