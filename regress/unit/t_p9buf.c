/*
 * Unit tests for the bounds-checked reader and writer (src/p9buf.c):
 * every getter at exactly the end and one byte short of it, the sticky
 * error, and the writer's edges.  Buffers are exactly sized heap copies
 * so that ASan sees any access past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "p9.h"

static uint8_t *
heapcopy(const void *src, size_t len)
{
	uint8_t	*p;

	p = malloc(len > 0 ? len : 1);
	ATF_REQUIRE(p != NULL);
	memcpy(p, src, len);
	return p;
}

ATF_TC_WITHOUT_HEAD(get_little_endian);
ATF_TC_BODY(get_little_endian, tc)
{
	static const uint8_t	 b[] = {
		0x01,
		0x02, 0x03,
		0x04, 0x05, 0x06, 0x07,
		0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	struct p9_rbuf		 rb;
	uint8_t			*p;

	p = heapcopy(b, sizeof(b));
	p9_rinit(&rb, p, sizeof(b));
	ATF_CHECK_EQ(p9_remain(&rb), sizeof(b));
	ATF_CHECK_EQ(p9_get8(&rb), 0x01);
	ATF_CHECK_EQ(p9_get16(&rb), 0x0302);
	ATF_CHECK_EQ(p9_get32(&rb), 0x07060504U);
	ATF_CHECK_EQ(p9_get64(&rb), 0x0f0e0d0c0b0a0908ULL);
	ATF_CHECK_EQ(p9_get64(&rb), UINT64_MAX);
	ATF_CHECK_EQ(rb.rb_err, 0);
	ATF_CHECK_EQ(p9_remain(&rb), 0);
	/* At the very end a zero-length read still succeeds. */
	ATF_CHECK(p9_getbytes(&rb, 0) != NULL);
	ATF_CHECK_EQ(rb.rb_err, 0);
	ATF_CHECK_EQ(p9_get8(&rb), 0);
	ATF_CHECK_EQ(rb.rb_err, 1);
	free(p);
}

/* Each getter with one byte too few: zero, error set, nothing read. */
ATF_TC_WITHOUT_HEAD(get_short);
ATF_TC_BODY(get_short, tc)
{
	uint8_t			 ones[P9_QIDSZ];
	struct p9_rbuf		 rb;
	struct p9_qid		 q;
	uint8_t			*p;

	memset(ones, 0xff, sizeof(ones));
	p = heapcopy(ones, 1);
	p9_rinit(&rb, p, 1);
	ATF_CHECK_EQ(p9_get16(&rb), 0);
	ATF_CHECK(rb.rb_err);
	ATF_CHECK_EQ(rb.rb_off, 0);
	ATF_CHECK_EQ(p9_remain(&rb), 0);
	free(p);

	p = heapcopy(ones, 3);
	p9_rinit(&rb, p, 3);
	ATF_CHECK_EQ(p9_get32(&rb), 0);
	ATF_CHECK(rb.rb_err);
	free(p);

	/* get64 is two get32s; the high half missing is still an error. */
	p = heapcopy(ones, 7);
	p9_rinit(&rb, p, 7);
	(void)p9_get64(&rb);
	ATF_CHECK(rb.rb_err);
	free(p);

	p = heapcopy(ones, 0);
	p9_rinit(&rb, p, 0);
	ATF_CHECK_EQ(p9_get8(&rb), 0);
	ATF_CHECK(rb.rb_err);
	free(p);

	p = heapcopy(ones, P9_QIDSZ - 1);
	p9_rinit(&rb, p, P9_QIDSZ - 1);
	p9_getqid(&rb, &q);
	ATF_CHECK(rb.rb_err);
	free(p);
}

/* After the first error nothing more is read, even what would fit. */
ATF_TC_WITHOUT_HEAD(get_sticky);
ATF_TC_BODY(get_sticky, tc)
{
	static const uint8_t	 b[] = { 1, 2, 3 };
	struct p9_rbuf		 rb;
	uint8_t			*p;

	p = heapcopy(b, sizeof(b));
	p9_rinit(&rb, p, sizeof(b));
	ATF_CHECK_EQ(p9_get32(&rb), 0);
	ATF_CHECK(rb.rb_err);
	ATF_CHECK_EQ(p9_get8(&rb), 0);
	ATF_CHECK(p9_getbytes(&rb, 0) == NULL);
	ATF_CHECK_EQ(p9_remain(&rb), 0);
	free(p);

	/* A huge length does not wrap the bounds check. */
	p = heapcopy(b, sizeof(b));
	p9_rinit(&rb, p, sizeof(b));
	ATF_CHECK_EQ(p9_get8(&rb), 1);
	ATF_CHECK(p9_getbytes(&rb, SIZE_MAX) == NULL);
	ATF_CHECK(rb.rb_err);
	free(p);
}

ATF_TC_WITHOUT_HEAD(getstr_edges);
ATF_TC_BODY(getstr_edges, tc)
{
	static const uint8_t	 ok[] = { 3, 0, 'a', 'b', 'c' };
	static const uint8_t	 empty[] = { 0, 0 };
	static const uint8_t	 nul[] = { 3, 0, 'a', 0, 'c' };
	static const uint8_t	 longer[] = { 4, 0, 'a', 'b', 'c' };
	struct p9_rbuf		 rb;
	char			 arena[8], *ap, *s;
	size_t			 alen;
	uint8_t			*p;

	p = heapcopy(ok, sizeof(ok));
	p9_rinit(&rb, p, sizeof(ok));
	ap = arena;
	alen = 4;
	s = p9_getstr(&rb, &ap, &alen);
	ATF_REQUIRE(s != NULL);
	ATF_CHECK_STREQ(s, "abc");
	ATF_CHECK(ap == arena + 4);
	ATF_CHECK_EQ(alen, 0);
	ATF_CHECK_EQ(p9_remain(&rb), 0);

	/* No room for the NUL. */
	p9_rinit(&rb, p, sizeof(ok));
	ap = arena;
	alen = 3;
	ATF_CHECK(p9_getstr(&rb, &ap, &alen) == NULL);
	ATF_CHECK(rb.rb_err);
	ATF_CHECK(ap == arena);
	ATF_CHECK_EQ(alen, 3);
	free(p);

	p = heapcopy(empty, sizeof(empty));
	p9_rinit(&rb, p, sizeof(empty));
	ap = arena;
	alen = 1;
	s = p9_getstr(&rb, &ap, &alen);
	ATF_REQUIRE(s != NULL);
	ATF_CHECK_STREQ(s, "");
	free(p);

	p = heapcopy(nul, sizeof(nul));
	p9_rinit(&rb, p, sizeof(nul));
	ap = arena;
	alen = sizeof(arena);
	ATF_CHECK(p9_getstr(&rb, &ap, &alen) == NULL);
	ATF_CHECK(rb.rb_err);
	free(p);

	p = heapcopy(longer, sizeof(longer));
	p9_rinit(&rb, p, sizeof(longer));
	ap = arena;
	alen = sizeof(arena);
	ATF_CHECK(p9_getstr(&rb, &ap, &alen) == NULL);
	ATF_CHECK(rb.rb_err);
	free(p);

	/* Only half a length field. */
	p = heapcopy(ok, 1);
	p9_rinit(&rb, p, 1);
	ap = arena;
	alen = sizeof(arena);
	ATF_CHECK(p9_getstr(&rb, &ap, &alen) == NULL);
	free(p);
}

ATF_TC_WITHOUT_HEAD(put_edges);
ATF_TC_BODY(put_edges, tc)
{
	static const uint8_t	 want[] = {
		0xab, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01
	};
	struct p9_wbuf		 wb;
	uint8_t			*p;

	p = malloc(sizeof(want));
	ATF_REQUIRE(p != NULL);
	p9_winit(&wb, p, sizeof(want));
	p9_put8(&wb, 0xab);
	p9_put16(&wb, 0x1234);
	p9_put32(&wb, 0x12345678U);
	p9_put64(&wb, 0x0102030405060708ULL);
	ATF_CHECK_EQ(wb.wb_err, 0);
	ATF_CHECK_EQ(wb.wb_len, sizeof(want));
	ATF_CHECK(memcmp(p, want, sizeof(want)) == 0);
	/* Full: one more byte is an error and writes nothing. */
	p9_put8(&wb, 1);
	ATF_CHECK(wb.wb_err);
	ATF_CHECK_EQ(wb.wb_len, sizeof(want));
	free(p);

	/* A 4-byte value into 3 bytes of room writes nothing. */
	p = malloc(3);
	ATF_REQUIRE(p != NULL);
	p9_winit(&wb, p, 3);
	p9_put32(&wb, 1);
	ATF_CHECK(wb.wb_err);
	ATF_CHECK_EQ(wb.wb_len, 0);
	/* Sticky: a byte that would fit is refused after an error. */
	p9_put8(&wb, 1);
	ATF_CHECK_EQ(wb.wb_len, 0);
	free(p);

	p9_winit(&wb, NULL, 0);
	p9_putbytes(&wb, "", 0);
	ATF_CHECK_EQ(wb.wb_err, 0);
	p9_put8(&wb, 0);
	ATF_CHECK(wb.wb_err);
}

ATF_TC_WITHOUT_HEAD(putstr_edges);
ATF_TC_BODY(putstr_edges, tc)
{
	struct p9_wbuf	 wb;
	uint8_t		*p;
	char		*s;

	p = malloc(2 + UINT16_MAX);
	s = malloc(UINT16_MAX + 2);
	ATF_REQUIRE(p != NULL && s != NULL);
	memset(s, 'z', UINT16_MAX + 1);
	s[UINT16_MAX] = '\0';
	p9_winit(&wb, p, 2 + UINT16_MAX);
	p9_putstr(&wb, s);
	ATF_CHECK_EQ(wb.wb_err, 0);
	ATF_CHECK_EQ(wb.wb_len, 2 + UINT16_MAX);
	ATF_CHECK_EQ(p[0] | p[1] << 8, UINT16_MAX);

	s[UINT16_MAX] = 'z';
	s[UINT16_MAX + 1] = '\0';
	p9_winit(&wb, p, 2 + UINT16_MAX);
	p9_putstr(&wb, s);
	ATF_CHECK(wb.wb_err);
	ATF_CHECK_EQ(wb.wb_len, 0);

	/* NULL is the empty string. */
	p9_winit(&wb, p, 2);
	p9_putstr(&wb, NULL);
	ATF_CHECK_EQ(wb.wb_err, 0);
	ATF_CHECK_EQ(wb.wb_len, 2);
	ATF_CHECK_EQ(p[0] | p[1] << 8, 0);
	free(p);
	free(s);
}

ATF_TC_WITHOUT_HEAD(poke_edges);
ATF_TC_BODY(poke_edges, tc)
{
	struct p9_wbuf	 wb;
	uint8_t		 b[8];

	p9_winit(&wb, b, sizeof(b));
	p9_put32(&wb, 0);
	p9_put32(&wb, 0);
	p9_poke32(&wb, 4, 0xdeadbeefU);
	ATF_CHECK_EQ(wb.wb_err, 0);
	ATF_CHECK_EQ(b[4], 0xef);
	ATF_CHECK_EQ(b[7], 0xde);
	/* Patching past what was written is an error, not a write. */
	p9_poke32(&wb, 5, 1);
	ATF_CHECK(wb.wb_err);
	ATF_CHECK_EQ(b[5], 0xbe);

	p9_winit(&wb, b, sizeof(b));
	p9_put16(&wb, 0);
	p9_poke32(&wb, 0, 1);
	ATF_CHECK(wb.wb_err);

	p9_winit(&wb, b, sizeof(b));
	p9_put32(&wb, 0);
	p9_poke32(&wb, SIZE_MAX, 1);
	ATF_CHECK(wb.wb_err);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, get_little_endian);
	ATF_TP_ADD_TC(tp, get_short);
	ATF_TP_ADD_TC(tp, get_sticky);
	ATF_TP_ADD_TC(tp, getstr_edges);
	ATF_TP_ADD_TC(tp, put_edges);
	ATF_TP_ADD_TC(tp, putstr_edges);
	ATF_TP_ADD_TC(tp, poke_edges);
	return atf_no_error();
}
