/*
 * Bounds-checked little-endian reader and writer for 9P wire data.
 *
 * Pure: no I/O, no allocation.  Errors are sticky so that a decoder can
 * read a whole message and test rb_err once; a getter that would run past
 * the end returns zero and never touches memory outside the buffer.
 */
#include <string.h>

#include "p9.h"

void
p9_rinit(struct p9_rbuf *rb, const void *p, size_t len)
{
	rb->rb_p = p;
	rb->rb_len = len;
	rb->rb_off = 0;
	rb->rb_err = 0;
}

size_t
p9_remain(const struct p9_rbuf *rb)
{
	return rb->rb_err ? 0 : rb->rb_len - rb->rb_off;
}

/* Returns a pointer to n readable bytes, or NULL and marks the error. */
const uint8_t *
p9_getbytes(struct p9_rbuf *rb, size_t n)
{
	const uint8_t	*p;

	if (rb->rb_err || n > rb->rb_len - rb->rb_off) {
		rb->rb_err = 1;
		return NULL;
	}
	p = rb->rb_p + rb->rb_off;
	rb->rb_off += n;
	return p;
}

uint8_t
p9_get8(struct p9_rbuf *rb)
{
	const uint8_t	*p;

	if ((p = p9_getbytes(rb, 1)) == NULL)
		return 0;
	return p[0];
}

uint16_t
p9_get16(struct p9_rbuf *rb)
{
	const uint8_t	*p;

	if ((p = p9_getbytes(rb, 2)) == NULL)
		return 0;
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t
p9_get32(struct p9_rbuf *rb)
{
	const uint8_t	*p;

	if ((p = p9_getbytes(rb, 4)) == NULL)
		return 0;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t
p9_get64(struct p9_rbuf *rb)
{
	uint64_t	 lo;

	lo = p9_get32(rb);
	return lo | (uint64_t)p9_get32(rb) << 32;
}

/*
 * Copy a wire string into the arena as a NUL-terminated string.  A string
 * that contains NUL could not be passed to the host intact, so it is an
 * error like a short one.  The arena never overflows: each string costs
 * len+2 bytes of frame and len+1 of arena, so an arena as large as the
 * frame always suffices, but the check stays for other callers.
 */
char *
p9_getstr(struct p9_rbuf *rb, char **arenap, size_t *arenalenp)
{
	const uint8_t	*p;
	uint16_t	 len;
	char		*s;

	len = p9_get16(rb);
	if ((p = p9_getbytes(rb, len)) == NULL)
		return NULL;
	if (memchr(p, '\0', len) != NULL || (size_t)len + 1 > *arenalenp) {
		rb->rb_err = 1;
		return NULL;
	}
	s = *arenap;
	memcpy(s, p, len);
	s[len] = '\0';
	*arenap += len + 1;
	*arenalenp -= len + 1;
	return s;
}

void
p9_getqid(struct p9_rbuf *rb, struct p9_qid *q)
{
	q->type = p9_get8(rb);
	q->version = p9_get32(rb);
	q->path = p9_get64(rb);
}

void
p9_winit(struct p9_wbuf *wb, void *p, size_t cap)
{
	wb->wb_p = p;
	wb->wb_cap = cap;
	wb->wb_len = 0;
	wb->wb_err = 0;
}

void
p9_putbytes(struct p9_wbuf *wb, const void *p, size_t n)
{
	if (wb->wb_err || n > wb->wb_cap - wb->wb_len) {
		wb->wb_err = 1;
		return;
	}
	if (n > 0)
		memcpy(wb->wb_p + wb->wb_len, p, n);
	wb->wb_len += n;
}

void
p9_put8(struct p9_wbuf *wb, uint8_t v)
{
	p9_putbytes(wb, &v, 1);
}

void
p9_put16(struct p9_wbuf *wb, uint16_t v)
{
	uint8_t	 b[2];

	b[0] = v & 0xff;
	b[1] = v >> 8;
	p9_putbytes(wb, b, sizeof(b));
}

void
p9_put32(struct p9_wbuf *wb, uint32_t v)
{
	uint8_t	 b[4];

	b[0] = v & 0xff;
	b[1] = (v >> 8) & 0xff;
	b[2] = (v >> 16) & 0xff;
	b[3] = v >> 24;
	p9_putbytes(wb, b, sizeof(b));
}

void
p9_put64(struct p9_wbuf *wb, uint64_t v)
{
	p9_put32(wb, (uint32_t)v);
	p9_put32(wb, (uint32_t)(v >> 32));
}

/* A string longer than the 16-bit length field can say is an error. */
void
p9_putstr(struct p9_wbuf *wb, const char *s)
{
	size_t	 len;

	len = s == NULL ? 0 : strlen(s);
	if (len > UINT16_MAX) {
		wb->wb_err = 1;
		return;
	}
	p9_put16(wb, (uint16_t)len);
	p9_putbytes(wb, s, len);
}

void
p9_putqid(struct p9_wbuf *wb, const struct p9_qid *q)
{
	p9_put8(wb, q->type);
	p9_put32(wb, q->version);
	p9_put64(wb, q->path);
}

/* Patch a 32-bit field already written, e.g. a size or count. */
void
p9_poke32(struct p9_wbuf *wb, size_t off, uint32_t v)
{
	if (wb->wb_err || off > wb->wb_len || wb->wb_len - off < 4) {
		wb->wb_err = 1;
		return;
	}
	wb->wb_p[off] = v & 0xff;
	wb->wb_p[off + 1] = (v >> 8) & 0xff;
	wb->wb_p[off + 2] = (v >> 16) & 0xff;
	wb->wb_p[off + 3] = v >> 24;
}
