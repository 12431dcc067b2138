/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON lines cut from a streamed body; see lines.h.
 */
#include "lines.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int
line_buf_feed(struct line_buf *b, const char *data, size_t len, line_fn *fn, void *arg,
	      struct pd_err *err)
{
	const char *nl;

	while ((nl = memchr(data, '\n', len)) != NULL) {
		size_t n = (size_t)(nl - data);
		int r = 0;

		if (b->len > 0) {
			b->partial = xrealloc(b->partial, b->len + n);
			memcpy(b->partial + b->len, data, n);
			r = fn(b->partial, b->len + n, arg, err);
			b->len = 0;
		} else if (n > 0) {
			r = fn(data, n, arg, err);
		}
		if (r < 0)
			return -1;
		len -= n + 1;
		data = nl + 1;
	}
	if (len > 0) {
		if (b->len + len > LINE_BUF_MAX)
			return pd_fail(err, PD_E_SYSTEM, "podd sent %s over 1 MiB",
				       b->what != NULL ? b->what : "a line");
		b->partial = xrealloc(b->partial, b->len + len);
		memcpy(b->partial + b->len, data, len);
		b->len += len;
	}
	return 0;
}

void
line_buf_free(struct line_buf *b)
{
	free(b->partial);
	b->partial = NULL;
	b->len = 0;
}
