/*
 * libevent's event-config.h for the cross-compile check (make -f
 * Makefile.linux xcheck): the host's libevent headers are reused for the
 * other targets, all but the one file configure generated for the host.
 * This stands in for it, included first so the host's is skipped, with
 * what the public headers fsgoferd includes ask of it, true of each
 * xcheck target (LP64 Linux/musl and macOS on x86_64 and aarch64) and
 * of regress/bsdcheck.sh's (FreeBSD, OpenBSD and NetBSD on amd64).
 * Nothing here is linked or run.
 */
#ifndef EVENT2_EVENT_CONFIG_H_INCLUDED_
#define EVENT2_EVENT_CONFIG_H_INCLUDED_

#define EVENT__HAVE_ERRNO_H		1
#define EVENT__HAVE_INTTYPES_H		1
#define EVENT__HAVE_NETDB_H		1
#define EVENT__HAVE_STDDEF_H		1
#define EVENT__HAVE_STDINT_H		1
#define EVENT__HAVE_SYS_TIME_H		1
#define EVENT__HAVE_SYS_TYPES_H		1
#define EVENT__HAVE_SYS_UIO_H		1

#define EVENT__HAVE_UINT8_T		1
#define EVENT__HAVE_UINT16_T		1
#define EVENT__HAVE_UINT32_T		1
#define EVENT__HAVE_UINT64_T		1
#define EVENT__HAVE_UINTPTR_T		1

#define EVENT__HAVE_GETADDRINFO		1
#define EVENT__HAVE_GETTIMEOFDAY	1
#define EVENT__HAVE_PTHREADS		1
#define EVENT__HAVE_STRUCT_ADDRINFO	1
#define EVENT__HAVE_STRUCT_SOCKADDR_STORAGE_SS_FAMILY 1
#define EVENT__HAVE_TIMERADD		1
#define EVENT__HAVE_TIMERCLEAR		1
#define EVENT__HAVE_TIMERISSET		1

/* Every target is LP64, and pthread_t is a pointer on each. */
#define EVENT__SIZEOF_SHORT		2
#define EVENT__SIZEOF_INT		4
#define EVENT__SIZEOF_LONG		8
#define EVENT__SIZEOF_LONG_LONG		8
#define EVENT__SIZEOF_OFF_T		8
#define EVENT__SIZEOF_SIZE_T		8
#define EVENT__SIZEOF_VOID_P		8
#define EVENT__SIZEOF_TIME_T		8
#define EVENT__SIZEOF_PTHREAD_T		8

#endif /* EVENT2_EVENT_CONFIG_H_INCLUDED_ */
