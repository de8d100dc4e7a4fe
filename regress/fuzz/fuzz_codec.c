/*
 * libFuzzer harness for the codec: any byte string either fails to
 * decode or decodes to a message that encodes back to the same bytes
 * and decodes again to the same message.  The sanitizers catch any read
 * outside the frame or the arena.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "p9.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct p9_fcall	 f, g;
	uint8_t		*frame, *out;
	char		*arena, *arena2;
	size_t		 n;

	/* The frame's own size field is made to agree half of the time,
	 * so the fuzzer reaches the field decoders and not only the check. */
	if ((frame = malloc(len + 1)) == NULL)
		return 0;
	memcpy(frame, data, len);
	if (len >= 4 && (data[0] & 1)) {
		frame[0] = len & 0xff;
		frame[1] = (len >> 8) & 0xff;
		frame[2] = (len >> 16) & 0xff;
		frame[3] = (len >> 24) & 0xff;
	}
	arena = malloc(len + 1);
	arena2 = malloc(len + 1);
	out = malloc(len + 1);
	if (arena == NULL || arena2 == NULL || out == NULL)
		goto done;
	if (p9_decode(frame, len, &f, arena, len) != 0)
		goto done;
	n = p9_encode(out, len, &f);
	if (n != len || memcmp(out, frame, len) != 0)
		abort();
	if (p9_decode(out, n, &g, arena2, n) != 0 || g.type != f.type ||
	    g.tag != f.tag)
		abort();
done:
	free(frame);
	free(arena);
	free(arena2);
	free(out);
	return 0;
}
