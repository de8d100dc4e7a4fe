/*
 * The BSD string and allocation helpers, for C libraries that lack them
 * (glibc before 2.38 has no strlcpy).  Built only where the Makefile's
 * probe did not find the real one.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

#ifndef HAVE_STRLCPY
/*
 * Copy as much of src as fits, always terminate when dstsize > 0, and
 * return strlen(src) so the caller can detect truncation.
 */
size_t
strlcpy(char *dst, const char *src, size_t dstsize)
{
	size_t	len, n;

	len = strlen(src);
	if (dstsize > 0) {
		n = len < dstsize - 1 ? len : dstsize - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/*
 * Append src to the string in dst; return the length the result would
 * have had.  A dst with no NUL in its dstsize bytes counts as dstsize
 * long and is left untouched, as the BSD original does.
 */
size_t
strlcat(char *dst, const char *src, size_t dstsize)
{
	size_t	dlen, slen, n;

	dlen = strnlen(dst, dstsize);
	slen = strlen(src);
	if (dlen == dstsize)
		return dstsize + slen;
	n = dstsize - dlen - 1;
	if (slen < n)
		n = slen;
	memcpy(dst + dlen, src, n);
	dst[dlen + n] = '\0';
	return dlen + slen;
}
#endif /* !HAVE_STRLCPY */

#ifndef HAVE_REALLOCARRAY
/* realloc(p, n * size), refusing a product that does not fit a size_t. */
void *
reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}
#endif /* !HAVE_REALLOCARRAY */
