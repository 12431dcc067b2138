/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/flags: podctl's flag parser. Every form a user types (--x v, --x=v,
 * -x v, -xv, clustered booleans, repeats, --), and every way it is wrong.
 */
#include <string.h>

#include "flags.h"
#include "unit.h"

enum { F_TIME, F_FORCE, F_QUIET, F_LABEL, F_NET };

static const struct flag_spec specs[] = {
    [F_TIME] = {"time", "timeout", 't', FLAG_VALUE, "SECS", "wait"},
    [F_FORCE] = {"force", NULL, 'f', FLAG_BOOL, NULL, "force"},
    [F_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "ids only"},
    [F_LABEL] = {"label", NULL, 'l', FLAG_LIST, "K=V", "a label"},
    [F_NET] = {"net", "network", 0, FLAG_VALUE, "MODE", "network"},
    {.name = NULL},
};

static int
parse(unsigned opts, struct flags *f, struct pd_err *err, int argc, char **argv)
{
	memset(f, 0, sizeof(*f));
	return flags_parse(specs, opts, argc, argv, f, err);
}

static void
test_long_forms(void)
{
	struct flags f;
	struct pd_err err = {0};
	char *argv[] = {"--time", "5", "web", "--net=host", "--force"};

	REQUIRE(parse(0, &f, &err, 5, argv) == 0);
	CHECK_STR(f.v[F_TIME].value, ==, "5");
	CHECK_STR(f.v[F_NET].value, ==, "host");
	CHECK(f.v[F_FORCE].set && f.v[F_FORCE].on);
	CHECK(!f.v[F_QUIET].set);
	REQUIRE(f.nargs == 1);
	CHECK_STR(f.args[0], ==, "web");
	flags_free(&f);
}

static void
test_aliases_and_short_forms(void)
{
	struct flags f;
	struct pd_err err = {0};
	char *argv[] = {"--timeout=7", "--network", "none", "-qf", "-t3", "a", "b"};

	REQUIRE(parse(0, &f, &err, 7, argv) == 0);
	CHECK_STR(f.v[F_TIME].value, ==, "3"); /* the last one wins */
	CHECK_STR(f.v[F_NET].value, ==, "none");
	CHECK(f.v[F_QUIET].on && f.v[F_FORCE].on);
	CHECK_INT((int)f.nargs, ==, 2);
	flags_free(&f);
}

static void
test_repeatable_and_booleans(void)
{
	struct flags f;
	struct pd_err err = {0};
	char *argv[] = {"-l", "a=1", "--label=b=2", "--label", "c=", "--force=false"};

	REQUIRE(parse(0, &f, &err, 6, argv) == 0);
	REQUIRE(f.v[F_LABEL].count == 3);
	CHECK_STR(f.v[F_LABEL].values[0], ==, "a=1");
	CHECK_STR(f.v[F_LABEL].values[1], ==, "b=2");
	CHECK_STR(f.v[F_LABEL].values[2], ==, "c=");
	CHECK(f.v[F_FORCE].set && !f.v[F_FORCE].on);
	flags_free(&f);
}

static void
test_double_dash_and_stop_at_operand(void)
{
	struct flags f;
	struct pd_err err = {0};
	char *argv[] = {"-q", "--", "-f", "--time"};
	char *argv2[] = {"-q", "pod", "ls", "-f"};

	REQUIRE(parse(0, &f, &err, 4, argv) == 0);
	CHECK(f.v[F_QUIET].on && !f.v[F_FORCE].set);
	REQUIRE(f.nargs == 2);
	CHECK_STR(f.args[0], ==, "-f");
	flags_free(&f);
	REQUIRE(parse(FLAGS_STOP_AT_OPERAND, &f, &err, 4, argv2) == 0);
	CHECK(!f.v[F_FORCE].set);
	REQUIRE(f.nargs == 3);
	CHECK_STR(f.args[2], ==, "-f");
	flags_free(&f);
}

static void
test_help(void)
{
	struct flags f;
	struct pd_err err = {0};
	char *argv[] = {"web", "--help"};
	char *argv2[] = {"-h"};

	REQUIRE(parse(0, &f, &err, 2, argv) == 0);
	CHECK(f.help);
	flags_free(&f);
	REQUIRE(parse(0, &f, &err, 1, argv2) == 0);
	CHECK(f.help);
	flags_free(&f);
}

/* @argv is refused with PD_E_INVALID and a message holding @needle. */
static void
check_refused(int argc, char **argv, const char *needle)
{
	struct flags f;
	struct pd_err err = {0};

	CHECK_INT(parse(0, &f, &err, argc, argv), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, needle);
	CHECK(f.v == NULL && f.args == NULL); /* freed on failure */
}

static void
test_refused(void)
{
	char *unknown[] = {"--no-such"};
	char *unknown_short[] = {"-z"};
	char *missing[] = {"web", "--time"};
	char *missing_short[] = {"-t"};
	char *bad_bool[] = {"--force=maybe"};
	char *value_for_bool[] = {"--quiet=3"};

	check_refused(1, unknown, "no-such");
	check_refused(1, unknown_short, "-z");
	check_refused(2, missing, "time");
	check_refused(1, missing_short, "-t");
	check_refused(1, bad_bool, "force");
	check_refused(1, value_for_bool, "quiet");
}

static void
test_unknown_word_kept(void)
{
	struct flags f;
	struct pd_err err = {0};
	char *argv[] = {"create", "-dash"};

	CHECK_INT(parse(0, &f, &err, 2, argv), ==, -1);
	CHECK(f.unknown != NULL && strcmp(f.unknown, "-dash") == 0);
}

static void
test_empty(void)
{
	struct flags f;
	struct pd_err err = {0};

	REQUIRE(parse(0, &f, &err, 0, NULL) == 0);
	CHECK_INT((int)f.nargs, ==, 0);
	CHECK(!f.help);
	flags_free(&f);
	flags_free(&f); /* safe twice */
}

/* docker's `run -it IMAGE CMD -x` and `exec -ite K=V NAME CMD`: a cluster
 * of booleans, then a value flag taking the next word, stopping at the
 * first operand. */
static void
test_interactive_cluster(void)
{
	enum { X_INTERACTIVE, X_TTY, X_ENV, X_DETACH_KEYS };
	static const struct flag_spec run_specs[] = {
	    [X_INTERACTIVE] = {"interactive", NULL, 'i', FLAG_BOOL, NULL, "stdin"},
	    [X_TTY] = {"tty", NULL, 't', FLAG_BOOL, NULL, "terminal"},
	    [X_ENV] = {"env", NULL, 'e', FLAG_LIST, "K=V", "env"},
	    [X_DETACH_KEYS] = {"detach-keys", NULL, 0, FLAG_VALUE, "KEYS", "keys"},
	    {.name = NULL},
	};
	struct flags f = {0};
	struct pd_err err = {0};
	char *argv[] = {"-it", "--detach-keys=ctrl-x", "-ite", "A=1", "busybox", "sh", "-it"};

	REQUIRE(flags_parse(run_specs, FLAGS_STOP_AT_OPERAND, 7, argv, &f, &err) == 0);
	CHECK(f.v[X_INTERACTIVE].on && f.v[X_TTY].on);
	CHECK_STR(f.v[X_DETACH_KEYS].value, ==, "ctrl-x");
	CHECK_INT((int)f.v[X_ENV].count, ==, 1);
	CHECK_STR(f.v[X_ENV].value, ==, "A=1");
	REQUIRE(f.nargs == 3);
	CHECK_STR(f.args[0], ==, "busybox");
	CHECK_STR(f.args[2], ==, "-it"); /* the command's own */
	flags_free(&f);
}

static const struct unit_case cases[] = {
    {"long_forms", test_long_forms},
    {"aliases_and_short_forms", test_aliases_and_short_forms},
    {"repeatable_and_booleans", test_repeatable_and_booleans},
    {"double_dash_and_stop_at_operand", test_double_dash_and_stop_at_operand},
    {"help", test_help},
    {"refused", test_refused},
    {"unknown_word_kept", test_unknown_word_kept},
    {"empty", test_empty},
    {"interactive_cluster", test_interactive_cluster},
};

UNIT_MAIN(cases)
