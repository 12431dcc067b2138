/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl's one flag parser, shared by every command: long flags as `--x v` or
 * `--x=v`, short flags as `-x v`, `-xv` or clustered booleans `-qf`, boolean
 * and repeatable flags, `--` to end the flags, and `-h`/`--help` everywhere.
 * It is pure: it reads argv and a table and fills a struct, so it can be unit
 * tested and fuzzed. It does not check values (a command does, with
 * lib/parse.h) and does not print, except flags_print_help() on request.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

enum flag_kind {
	FLAG_BOOL,  /* --x, or --x=true / --x=false */
	FLAG_VALUE, /* takes a value; given twice, the last one wins */
	FLAG_LIST,  /* takes a value, repeatable: every value kept in order */
};

/* One row of a command's flag table. A table ends with a row whose name is
 * NULL; the index of a row is the index of its value in struct flags. */
struct flag_spec {
	const char *name;  /* long name without "--" */
	const char *alias; /* another long name, or NULL */
	char short_name;   /* or 0 */
	enum flag_kind kind;
	const char *metavar; /* what the value is, for the help ("SECS"); NULL for booleans */
	const char *help;    /* one line */
};

struct flag_value {
	bool set;            /* given at least once */
	bool on;             /* FLAG_BOOL: its value */
	const char *value;   /* borrowed from argv: the last value given, or NULL */
	const char **values; /* owned array of borrowed strings: every value (FLAG_LIST) */
	size_t count;        /* number of values (FLAG_LIST) */
};

struct flags {
	struct flag_value *v; /* owned: one per row of the table */
	size_t nv;
	char **args; /* owned array of borrowed argv strings: the operands */
	size_t nargs;
	bool help; /* -h or --help was given */
	/* After a failure on an unknown flag: the word that held it
	 * (borrowed from argv), so a caller can guess at an operand such as
	 * a name starting with '-'. Else NULL. */
	const char *unknown;
	/* issue 16, ux: and the flag's long name it was likely meant as
	 * (borrowed from the table; the message says it too), or NULL. */
	const char *suggestion;
};

/* Stop at the first operand: it and everything after it are operands. Used
 * for global flags (`podctl --socket S pod ls -q`) and later for commands
 * that run a command (`run IMAGE CMD -x`). Without it, flags and operands
 * mix (`pod create web --share-pid`). */
#define FLAGS_STOP_AT_OPERAND 0x1u

/* Parse @argc strings of @argv against @specs into @out, which must be zeroed
 * (or freed) before. argv[0] is a flag or an operand, not the program name.
 * On failure (PD_E_INVALID: an unknown flag, a missing value, a bad boolean)
 * @out is freed and zeroed again, but for out->unknown and
 * out->suggestion. An unknown long flag near a known one ends its message
 * with "; did you mean "--X"?". Returns 0 or -1. */
int flags_parse(const struct flag_spec *specs, unsigned opts, int argc, char *const *argv,
		struct flags *out, struct pd_err *err);

/* Free what flags_parse() allocated and zero @f. Safe on a zeroed struct. */
void flags_free(struct flags *f);

#define cleanup_flags __attribute__((cleanup(flags_free)))

/* Print "Options:" and one aligned line per flag of @specs, -h/--help first. */
void flags_print_help(FILE *out, const struct flag_spec *specs);
