/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resolv.conf parsing (resolv_conf.h).
 */
#include "resolv_conf.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* The first word after the keyword @kw on the line @p (@n bytes), or NULL
 * when the line is not @kw's; @rest gets the rest of the line's length. */
static const char *
keyword(const char *p, size_t n, const char *kw, size_t *rest)
{
	size_t k = strlen(kw), i;

	if (n <= k || strncmp(p, kw, k) != 0 || (p[k] != ' ' && p[k] != '\t'))
		return NULL;
	for (i = k; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	*rest = n - i;
	return p + i;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void
add_ns(struct pd_resolv *r, const char *w, size_t n)
{
	char buf[64];
	unsigned char addr[16];
	char *pct;

	while (n > 0 && is_space(w[n - 1]))
		n--;
	if (r->n_ns >= PD_RESOLV_NS_MAX || n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, w, n);
	buf[n] = '\0';
	pct = strchr(buf, '%'); /* a zone: not something podd can relay to */
	if (pct != NULL)
		return;
	if (inet_pton(AF_INET, buf, addr) != 1 && inet_pton(AF_INET6, buf, addr) != 1)
		return;
	memcpy(r->ns[r->n_ns++], buf, n + 1);
}

static void
set_search(struct pd_resolv *r, const char *w, size_t n)
{
	size_t out = 0;

	r->search[0] = '\0';
	while (n > 0) {
		size_t l = 0;

		while (n > 0 && is_space(*w)) {
			w++;
			n--;
		}
		while (l < n && !is_space(w[l]))
			l++;
		if (l == 0)
			break;
		if (out + l + 2 > sizeof(r->search))
			break;
		if (out > 0)
			r->search[out++] = ' ';
		memcpy(r->search + out, w, l);
		out += l;
		r->search[out] = '\0';
		w += l;
		n -= l;
	}
}

void
pd_resolv_parse(const char *text, size_t len, struct pd_resolv *r)
{
	const char *p = text, *end = text + len;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *w;
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p), rest;

		if ((w = keyword(p, n, "nameserver", &rest)) != NULL)
			add_ns(r, w, rest);
		else if ((w = keyword(p, n, "search", &rest)) != NULL ||
			 (w = keyword(p, n, "domain", &rest)) != NULL)
			set_search(r, w, rest);
		p += n + 1;
	}
}

char *
pd_resolv_rest(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	char *buf = NULL;
	size_t blen = 0;
	FILE *out = open_memstream(&buf, &blen);

	if (out == NULL)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p), rest;

		if (n > 0 && keyword(p, n, "nameserver", &rest) == NULL &&
		    keyword(p, n, "search", &rest) == NULL &&
		    keyword(p, n, "domain", &rest) == NULL) {
			(void)fwrite(p, 1, n, out);
			fputc('\n', out);
		}
		p += n + 1;
	}
	if (fclose(out) != 0)
		abort();
	return buf;
}

char *
pd_resolv_for_server(const char *text, size_t len, const char *server, const char *domain)
{
	struct pd_resolv r;
	char *rest = pd_resolv_rest(text, len), *out;

	pd_resolv_parse(text, len, &r);
	out = xasprintf("nameserver %s\nsearch %s%s%s\n%s", server, domain,
			r.search[0] != '\0' ? " " : "", r.search, rest);
	free(rest);
	return out;
}
