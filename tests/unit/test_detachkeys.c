/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/detachkeys: docker's --detach-keys format, and the matcher that finds
 * the sequence in typed bytes however reads cut them, holding back a partial
 * match and giving it back, in order, when it fails.
 */
#include <string.h>

#include "detachkeys.h"
#include "unit.h"

#define CTRL(c) ((c)&0x1f)

static void
parse_ok(const char *spec, const char *want, size_t want_len)
{
	struct detachkeys dk;
	struct pd_err err = {0};

	memset(&dk, 0xff, sizeof(dk));
	if (detachkeys_parse(spec, &dk, &err) < 0) {
		unit_report(__FILE__, __LINE__, "\"%s\": %s", spec, err.msg);
		return;
	}
	CHECK_INT(dk.len, ==, want_len);
	CHECK_INT(dk.matched, ==, 0);
	CHECK(memcmp(dk.seq, want, want_len) == 0);
}

static void
test_parse(void)
{
	parse_ok(DETACHKEYS_DEFAULT, "\x10\x11", 2);
	parse_ok("ctrl-a", "\x01", 1);
	parse_ok("CTRL-Z,Ctrl-x", "\x1a\x18", 2);
	parse_ok("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", "\x00\x1b\x1c\x1d\x1e\x1f", 6);
	parse_ok("a,b,ctrl-c", "ab\x03", 3);
	parse_ok("x", "x", 1);
	parse_ok(" ", " ", 1); /* a printable character, if an odd one */
	parse_ok("", "", 0);   /* off */
	parse_ok("a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a", "aaaaaaaaaaaaaaaa", DETACHKEYS_MAX);
}

static void
parse_bad(const char *spec, const char *want_msg)
{
	struct detachkeys dk;
	struct pd_err err = {0};

	CHECK_INT(detachkeys_parse(spec, &dk, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, want_msg);
}

static void
test_parse_bad(void)
{
	parse_bad("ctrl-p,", "\"\" is not ctrl-X");
	parse_bad(",ctrl-q", "\"\" is not ctrl-X");
	parse_bad("ctrl-p,,ctrl-q", "\"\" is not");
	parse_bad("ctrl-1", "\"ctrl-1\" is not");
	parse_bad("ctrl-", "\"ctrl-\" is not");
	parse_bad("ctrl-pq", "\"ctrl-pq\" is not");
	parse_bad("ab", "\"ab\" is not");
	parse_bad("ctrl-p, ctrl-q", "\" ctrl-q\" is not");
	parse_bad("\t", "is not");
	parse_bad("\x7f", "is not");
	parse_bad("\xc3\xa9", "is not");
	parse_bad("a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a", "more than 16 keys");
}

/* Feed @in in pieces of @step bytes; what came out, and whether it
 * detached, into @out and *detached. */
static size_t
feed_steps(struct detachkeys *dk, const char *in, size_t len, size_t step, char *out,
	   bool *detached)
{
	size_t n = 0;

	*detached = false;
	for (size_t i = 0; i < len && !*detached; i += step) {
		size_t piece = len - i < step ? len - i : step;

		n += detachkeys_feed(dk, (const unsigned char *)in + i, piece,
				     (unsigned char *)out + n, detached);
	}
	return n;
}

/* Every way of cutting @in gives @want and @want_detached. */
static void
feed_check(const char *spec, const char *in, const char *want, bool want_detached)
{
	for (size_t step = 1; step <= strlen(in) + 1; step++) {
		struct detachkeys dk;
		struct pd_err err = {0};
		char out[256 + DETACHKEYS_MAX];
		bool detached;
		size_t n;

		REQUIRE(detachkeys_parse(spec, &dk, &err) == 0);
		n = feed_steps(&dk, in, strlen(in), step, out, &detached);
		if (!detached)
			n += detachkeys_flush(&dk, (unsigned char *)out + n);
		out[n] = '\0';
		if (strcmp(out, want) != 0 || detached != want_detached)
			unit_report(__FILE__, __LINE__,
				    "keys \"%s\", input \"%s\" in pieces of %zu: \"%s\"%s, want "
				    "\"%s\"%s",
				    spec, in, step, out, detached ? " detached" : "", want,
				    want_detached ? " detached" : "");
	}
}

static void
test_feed(void)
{
	/* No keys: everything passes. */
	feed_check("",
		   "ab\x10\x11"
		   "c",
		   "ab\x10\x11"
		   "c",
		   false);
	/* The sequence ends the session; before it is sent, after it dropped. */
	feed_check(DETACHKEYS_DEFAULT, "ls\x10\x11rm", "ls", true);
	feed_check(DETACHKEYS_DEFAULT, "\x10\x11", "", true);
	/* A partial match that fails is given back in order. */
	feed_check(DETACHKEYS_DEFAULT,
		   "a\x10"
		   "b",
		   "a\x10"
		   "b",
		   false);
	feed_check(DETACHKEYS_DEFAULT, "\x10\x10\x11", "\x10", true);
	feed_check(DETACHKEYS_DEFAULT, "\x11\x10", "\x11\x10", false);
	/* Held at the end of the input: flushed. */
	feed_check(DETACHKEYS_DEFAULT, "xy\x10", "xy\x10", false);
	/* A failed match whose tail starts the sequence again (p p p q). */
	feed_check("p,p,q", "pppq", "p", true);
	feed_check("p,p,q", "ppxppq", "ppx", true);
	feed_check("a,b,a,c", "ababac", "ab", true);
	feed_check("a,b,a,c", "abab", "abab", false);
	feed_check("a,a,b", "aaab", "a", true);
	feed_check("a,a,b", "aaaa", "aaaa", false);
	/* Ctrl-C is just input. */
	feed_check(DETACHKEYS_DEFAULT, "\x03", "\x03", false);
}

/* The bound of detachkeys.h: @len + DETACHKEYS_MAX bytes out at most. */
static void
test_feed_bound(void)
{
	struct detachkeys dk;
	struct pd_err err = {0};
	unsigned char out[1 + DETACHKEYS_MAX];
	bool detached = false;
	size_t n;

	REQUIRE(detachkeys_parse("a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,b", &dk, &err) == 0);
	n = detachkeys_feed(&dk, (const unsigned char *)"aaaaaaaaaaaaaaa", 15, out, &detached);
	CHECK_INT(n, ==, 0);
	CHECK_INT(dk.matched, ==, 15);
	n = detachkeys_feed(&dk, (const unsigned char *)"c", 1, out, &detached);
	CHECK_INT(n, ==, 16);
	CHECK(memcmp(out, "aaaaaaaaaaaaaaac", 16) == 0);
	CHECK(!detached);
	CHECK_INT(dk.matched, ==, 0);
}

static const struct unit_case cases[] = {
    {"parse", test_parse},
    {"parse_bad", test_parse_bad},
    {"feed", test_feed},
    {"feed_bound", test_feed_bound},
};

UNIT_MAIN(cases)
