/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/err: the kind table (every kind maps to a code, a status and an exit
 * code, and back) and the functions that fill a struct pd_err, above all
 * that a long message is cut and marked, never written past the struct.
 */
#include <errno.h>
#include <string.h>

#include "err.h"
#include "unit.h"

#define FIRST_KIND PD_E_INVALID
#define LAST_KIND  PD_E_NOT_EXECUTABLE

/* A pd_err followed by bytes that must stay untouched. */
struct guarded {
	struct pd_err err;
	unsigned char guard[64];
};

static void
guard_init(struct guarded *g)
{
	memset(g, 0, sizeof(*g));
	memset(g->guard, 0x5a, sizeof(g->guard));
}

static int
guard_intact(const struct guarded *g)
{
	for (size_t i = 0; i < sizeof(g->guard); i++)
		if (g->guard[i] != 0x5a)
			return 0;
	return 1;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

static void
test_table_every_kind(void)
{
	for (int k = FIRST_KIND; k <= LAST_KIND; k++) {
		const struct pd_err_info *info = pd_err_info((enum pd_kind)k);

		REQUIRE(info != NULL);
		CHECK_INT(info->kind, ==, k);
		CHECK(info->code != NULL && info->code[0] != '\0');
		CHECK_INT(info->http_status, >=, 400);
		CHECK_INT(info->http_status, <=, 599);
		CHECK(info->exit_code == 125 || info->exit_code == 126 || info->exit_code == 127);
		CHECK_INT(info->cni_code, >, 0);
	}
}

static void
test_table_codes_unique(void)
{
	for (int a = FIRST_KIND; a <= LAST_KIND; a++)
		for (int b = a + 1; b <= LAST_KIND; b++)
			CHECK_STR(pd_err_info((enum pd_kind)a)->code, !=,
				  pd_err_info((enum pd_kind)b)->code);
}

static void
test_table_round_trip(void)
{
	for (int k = FIRST_KIND; k <= LAST_KIND; k++)
		CHECK_INT(pd_err_kind_from_code(pd_err_info((enum pd_kind)k)->code), ==, k);
}

static void
test_table_values(void)
{
	CHECK_INT(pd_err_info(PD_E_INVALID)->http_status, ==, 400);
	CHECK_STR(pd_err_info(PD_E_INVALID)->code, ==, "invalid");
	CHECK_INT(pd_err_info(PD_E_INVALID)->exit_code, ==, 125);
	CHECK_INT(pd_err_info(PD_E_INVALID)->cni_code, ==, 7);
	CHECK_INT(pd_err_info(PD_E_NOT_FOUND)->http_status, ==, 404);
	CHECK_INT(pd_err_info(PD_E_CONFLICT)->http_status, ==, 409);
	CHECK_INT(pd_err_info(PD_E_FORBIDDEN)->http_status, ==, 403);
	CHECK_INT(pd_err_info(PD_E_TOO_LARGE)->http_status, ==, 413);
	CHECK_INT(pd_err_info(PD_E_UNAVAILABLE)->http_status, ==, 503);
	CHECK_INT(pd_err_info(PD_E_UNAVAILABLE)->cni_code, ==, 11);
	CHECK_INT(pd_err_info(PD_E_SYSTEM)->http_status, ==, 500);
	CHECK_INT(pd_err_info(PD_E_SYSTEM)->exit_code, ==, 125);
	CHECK_INT(pd_err_info(PD_E_NO_COMMAND)->exit_code, ==, 127);
	CHECK_INT(pd_err_info(PD_E_NOT_EXECUTABLE)->exit_code, ==, 126);
}

static void
test_unknown_kind_is_system(void)
{
	CHECK_INT(pd_err_info((enum pd_kind)0)->kind, ==, PD_E_SYSTEM);
	CHECK_INT(pd_err_info((enum pd_kind)(LAST_KIND + 1))->kind, ==, PD_E_SYSTEM);
	CHECK_INT(pd_err_info((enum pd_kind) - 1)->kind, ==, PD_E_SYSTEM);
}

static void
test_unknown_code_is_system(void)
{
	CHECK_INT(pd_err_kind_from_code("bogus"), ==, PD_E_SYSTEM);
	CHECK_INT(pd_err_kind_from_code(""), ==, PD_E_SYSTEM);
	CHECK_INT(pd_err_kind_from_code(NULL), ==, PD_E_SYSTEM);
	CHECK_INT(pd_err_kind_from_code("INVALID"), ==, PD_E_SYSTEM);
	CHECK_INT(pd_err_kind_from_code("not_found "), ==, PD_E_SYSTEM);
	CHECK_INT(pd_err_kind_from_code("not_found"), ==, PD_E_NOT_FOUND);
}

static void
test_fail_fills(void)
{
	struct pd_err err = {.errnum = 5};

	CHECK_INT(pd_fail(&err, PD_E_NOT_FOUND, "pod \"%s\" not found", "web"), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_NOT_FOUND);
	CHECK_INT(err.errnum, ==, 0);
	CHECK_STR(err.msg, ==, "pod \"web\" not found");
}

static void
test_fail_exact_fit_is_not_marked(void)
{
	struct guarded g;
	char text[PD_ERR_MSG_MAX];

	guard_init(&g);
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	pd_fail(&g.err, PD_E_INVALID, "%s", text);
	CHECK_STR(g.err.msg, ==, text);
	CHECK(guard_intact(&g));
}

static void
test_fail_truncates_with_mark(void)
{
	struct guarded g;
	char text[1000];

	guard_init(&g);
	memset(text, 'b', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	pd_fail(&g.err, PD_E_INVALID, "start %s", text);
	CHECK_INT(strlen(g.err.msg), ==, PD_ERR_MSG_MAX - 1);
	CHECK(strncmp(g.err.msg, "start bbb", 9) == 0);
	CHECK(ends_with(g.err.msg, "b..."));
	CHECK(guard_intact(&g));

	/* One character over the limit is enough to be cut. */
	text[PD_ERR_MSG_MAX] = '\0';
	pd_fail(&g.err, PD_E_INVALID, "%s", text);
	CHECK_INT(strlen(g.err.msg), ==, PD_ERR_MSG_MAX - 1);
	CHECK(ends_with(g.err.msg, "..."));
	CHECK(guard_intact(&g));
}

static void
test_fail_errno_appends_cause(void)
{
	struct pd_err err = {0};
	char want[PD_ERR_MSG_MAX];

	CHECK_INT(pd_fail_errno(&err, ENOENT, "open %s", "/x"), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_SYSTEM);
	CHECK_INT(err.errnum, ==, ENOENT);
	UNIT_FMT(want, "open /x: %s", strerror(ENOENT));
	CHECK_STR(err.msg, ==, want);
}

static void
test_fail_errno_long_context(void)
{
	struct guarded g;
	char text[400];

	/* Context alone over the limit. */
	guard_init(&g);
	memset(text, 'c', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	pd_fail_errno(&g.err, EACCES, "%s", text);
	CHECK_INT(g.err.errnum, ==, EACCES);
	CHECK_INT(strlen(g.err.msg), ==, PD_ERR_MSG_MAX - 1);
	CHECK(ends_with(g.err.msg, "..."));
	CHECK(guard_intact(&g));

	/* Context that fits, but not with the cause after it: still marked. */
	for (size_t len = PD_ERR_MSG_MAX - 8; len < PD_ERR_MSG_MAX; len++) {
		guard_init(&g);
		text[len] = '\0';
		pd_fail_errno(&g.err, EACCES, "%s", text);
		CHECK_INT(strlen(g.err.msg), ==, PD_ERR_MSG_MAX - 1);
		CHECK(ends_with(g.err.msg, "..."));
		CHECK(guard_intact(&g));
		text[len] = 'c';
	}
}

static void
test_prefix_chains(void)
{
	struct pd_err err = {0};

	pd_fail_errno(&err, EEXIST, "mkdir /run/podd/pods/web");
	CHECK_INT(pd_err_prefix(&err, "create pod \"%s\"", "web"), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_SYSTEM);
	CHECK_INT(err.errnum, ==, EEXIST);
	CHECK(strncmp(err.msg, "create pod \"web\": mkdir /run/podd/pods/web: ", 44) == 0);
	pd_err_prefix(&err, "api");
	CHECK(strncmp(err.msg, "api: create pod \"web\": mkdir", 28) == 0);
}

static void
test_prefix_truncates_with_mark(void)
{
	struct guarded g;
	char text[PD_ERR_MSG_MAX];

	guard_init(&g);
	memset(text, 'd', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	pd_fail(&g.err, PD_E_CONFLICT, "%s", text);
	pd_err_prefix(&g.err, "outer");
	CHECK_INT(g.err.kind, ==, PD_E_CONFLICT);
	CHECK(strncmp(g.err.msg, "outer: ddd", 10) == 0);
	CHECK_INT(strlen(g.err.msg), ==, PD_ERR_MSG_MAX - 1);
	CHECK(ends_with(g.err.msg, "d..."));
	CHECK(guard_intact(&g));
}

static void
test_prefix_too_long_keeps_message(void)
{
	struct guarded g;
	char text[600];

	guard_init(&g);
	memset(text, 'e', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	pd_fail(&g.err, PD_E_INVALID, "the cause");
	CHECK_INT(pd_err_prefix(&g.err, "%s", text), ==, -1);
	CHECK_STR(g.err.msg, ==, "the cause");
	CHECK(guard_intact(&g));
}

static void
test_clear(void)
{
	struct pd_err err;
	struct pd_err zero;

	memset(&zero, 0, sizeof(zero));
	pd_fail_errno(&err, EIO, "x");
	pd_err_clear(&err);
	CHECK_INT(err.kind, ==, 0);
	CHECK_INT(err.errnum, ==, 0);
	CHECK(memcmp(&err, &zero, sizeof(err)) == 0);
}

/* Input quoted in a message cannot break it over lines. */
static void
test_messages_are_one_line(void)
{
	struct pd_err err = {0};

	pd_fail(&err, PD_E_INVALID, "name \"%s\" is bad", "a\nb\tc\x1b[31m\x7f");
	CHECK_STR(err.msg, ==, "name \"a?b?c?[31m?\" is bad");
	pd_err_prefix(&err, "pod \"%s\"", "x\ry");
	CHECK_STR(err.msg, ==, "pod \"x?y\": name \"a?b?c?[31m?\" is bad");
	pd_fail_errno(&err, 2, "open %s", "/tmp/a\nb");
	CHECK_STR(err.msg, ==, "open /tmp/a?b: No such file or directory");
	/* UTF-8 is left alone. */
	pd_fail(&err, PD_E_INVALID, "caf\xc3\xa9");
	CHECK_STR(err.msg, ==, "caf\xc3\xa9");
}

static const struct unit_case cases[] = {
    {"table_every_kind", test_table_every_kind},
    {"table_codes_unique", test_table_codes_unique},
    {"table_round_trip", test_table_round_trip},
    {"table_values", test_table_values},
    {"unknown_kind_is_system", test_unknown_kind_is_system},
    {"unknown_code_is_system", test_unknown_code_is_system},
    {"fail_fills", test_fail_fills},
    {"fail_exact_fit_is_not_marked", test_fail_exact_fit_is_not_marked},
    {"fail_truncates_with_mark", test_fail_truncates_with_mark},
    {"fail_errno_appends_cause", test_fail_errno_appends_cause},
    {"fail_errno_long_context", test_fail_errno_long_context},
    {"prefix_chains", test_prefix_chains},
    {"prefix_truncates_with_mark", test_prefix_truncates_with_mark},
    {"prefix_too_long_keeps_message", test_prefix_too_long_keeps_message},
    {"clear", test_clear},
    {"messages_are_one_line", test_messages_are_one_line},
};

UNIT_MAIN(cases)
