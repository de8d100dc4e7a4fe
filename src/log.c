/*
 * Logging in the OpenBSD daemon style: stderr in the foreground (-d),
 * syslog otherwise.  Callable from any thread: syslog(3) and one
 * fprintf per message are both safe there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "fsgoferd.h"

/* Set once before any thread starts; read-only afterwards. */
static int	log_debugmode = 1;
static int	log_verbose;

static void	vlog(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

void
log_init(int debug, int facility)
{
	log_debugmode = debug;
	if (!debug)
		openlog("fsgoferd", LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

/* Keeps errno, as logit_errno does: "log_warnx(...); return errno;". */
static void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 buf[2048];
	int	 saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_debugmode)
		fprintf(stderr, "fsgoferd: %s\n", buf);
	else
		syslog(pri, "%s", buf);
	errno = saved;
}

static void
logit_errno(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_debugmode)
		fprintf(stderr, "fsgoferd: %s: %s\n", buf, strerror(saved));
	else
		syslog(pri, "%s: %s", buf, strerror(saved));
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	logit_errno(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	logit_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * Make a string from the wire safe to log: printable ASCII stays, the
 * rest becomes \xNN, and the result is truncated to fit.
 */
void
log_escape(char *dst, size_t dstlen, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 i = 0;
	unsigned char	 c;

	if (dstlen == 0)
		return;
	for (; *src != '\0'; src++) {
		c = (unsigned char)*src;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (i + 1 >= dstlen)
				break;
			dst[i++] = (char)c;
		} else {
			if (i + 4 >= dstlen)
				break;
			dst[i++] = '\\';
			dst[i++] = 'x';
			dst[i++] = hex[c >> 4];
			dst[i++] = hex[c & 0xf];
		}
	}
	dst[i] = '\0';
}
