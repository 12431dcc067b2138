/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What podctl's commands share with main.c: the global options, the shape of
 * a command table, and the edge where an error becomes a message and an exit
 * code. One file per noun (cmd_pod.c, cmd_system.c, ...) implements the
 * commands declared at the end.
 *
 * A command gets argv with argv[0] its own name ("create"), and returns the
 * process's exit code: 0, or what cmd_error() returned. It prints its errors
 * through cmd_error() only, so every message is "podctl: ..." on one line.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"
#include "filter.h"
#include "flags.h"

/* podctl's exit codes (docker's): an error of podctl or podd. 126 and 127
 * come from pd_err_info() for a container's command. */
#define EXIT_PODCTL 125

/* The global options, set before any command runs. */
struct podctl {
	const char *socket_path;      /* borrowed: from argv or environ */
	const struct cmd_group *root; /* issue 16: podctl's own table, for __complete and __man */
};

struct cmd {
	const char *name;
	int (*run)(struct podctl *ctl, int argc, char **argv);
	const char *summary; /* one line for the list; NULL hides an alias */
};

/* How a command is called: for its --help and its usage errors. */
struct cmd_usage {
	const char *name;              /* "pod create" */
	const char *operands;          /* "NAME", "NAME...", or "" */
	const char *summary;           /* a sentence or two */
	const struct flag_spec *flags; /* its table, ended by a NULL name */
	/* What an operand is ("pod name"), to explain an unknown flag that
	 * was meant as one ("-web"); or NULL. */
	const char *operand_what;
	int min_operands;
	int max_operands;   /* -1: no limit */
	unsigned flag_opts; /* for flags_parse(): FLAGS_STOP_AT_OPERAND for `run` */
};

/* Parse argv[1..] of a command against @u into @f. Returns true when the
 * command should go on. Otherwise *exit_code is set: 0 after printing the
 * help (--help), or EXIT_PODCTL after printing a usage error. */
bool cmd_parse(const struct cmd_usage *u, int argc, char **argv, struct flags *f, int *exit_code);

/* Print @err as "podctl: <message>" on stderr and return its exit code. */
int cmd_error(const struct pd_err *err);

/* Print a usage error for @u ("podctl: <message> (see podctl pod create
 * --help)") and return EXIT_PODCTL. */
int cmd_usage_error(const struct cmd_usage *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A word that names commands: podctl itself, or a noun such as "pod". */
struct cmd_group {
	const char *name;              /* "podctl pod" */
	const char *summary;           /* a sentence or two */
	const struct cmd *cmds;        /* ended by a NULL name */
	const struct flag_spec *flags; /* the group's own flags, for its help; or NULL */
};

/* Run the command of @g named by argv[0] with argv[0..]. No name, -h,
 * --help or "help" prints the group's help and returns 0; "help CMD..."
 * runs CMD... --help. An unknown name is a usage error. */
int cmd_dispatch(const struct cmd_group *g, struct podctl *ctl, int argc, char **argv);

/* issue 16, docs (complete.c): instead of running commands, podctl may walk
 * its tables, for shell completion or the man page. cmd_dispatch() hands
 * @g to walk_dispatch(), and cmd_parse() hands @u to walk_usage() (and
 * returns false, exit code 0), when walk_mode() is not WALK_NONE. */
enum walk_mode {
	WALK_NONE,     /* run commands (the default) */
	WALK_COMPLETE, /* print the candidates for the word being typed */
	WALK_MAN,      /* print each command's usage as roff */
};
enum walk_mode walk_mode(void);
int walk_dispatch(const struct cmd_group *g, struct podctl *ctl, int argc, char **argv);
void walk_usage(const struct cmd_usage *u, int argc, char **argv);

/* Check a --format value: NULL or "table" sets *json false, "json" sets it
 * true. Anything else prints a usage error and returns false. */
bool cmd_format(const struct cmd_usage *u, const char *value, bool *json);

/* The front every listing shares: parse @u's flags into @f (its --format at
 * index @format_flag), GET @path, check the reply is an array of @what. With
 * --format json it prints the array itself. Returns the array for the caller
 * to print as a table (a new reference), or NULL when done, with *rc the exit
 * code. */
json_t *cmd_list(struct podctl *ctl, const struct cmd_usage *u, int argc, char **argv,
		 struct flags *f, int format_flag, const char *path, const char *what, int *rc);

/* cmd_list() after the flags were parsed, for a listing whose @path depends
 * on them (ps --pod P). */
json_t *cmd_list_fetch(struct podctl *ctl, const struct cmd_usage *u, const struct flags *f,
		       int format_flag, const char *path, const char *what, int *rc);

/* issue 16, ux: --filter. The filters of the FLAG_LIST @v for @list (a
 * new object), or NULL after printing a usage error, with *rc its code. */
json_t *cmd_list_filters(const struct cmd_usage *u, const struct flag_value *v,
			 enum filter_list list, int *rc);
struct cmd_filter {
	enum filter_list list;
	const json_t *filters; /* cmd_list_filters()'s */
};
/* cmd_list_fetch() keeping only what passes @filter (NULL: everything),
 * before --format json prints it too. */
json_t *cmd_list_filtered(struct podctl *ctl, const struct cmd_usage *u, const struct flags *f,
			  int format_flag, const char *path, const char *what,
			  const struct cmd_filter *filter, int *rc);

/* cmd_list() with the filters of @f's FLAG_LIST at @filter_flag. */
json_t *cmd_list_with_filter(struct podctl *ctl, const struct cmd_usage *u, int argc, char **argv,
			     struct flags *f, int format_flag, int filter_flag,
			     enum filter_list list, const char *path, const char *what, int *rc);

/* @method (GET or DELETE) @collection/REF for each operand REF of @f,
 * checked first with @check. The replies go into @found if not NULL; else
 * each REF done is printed. Goes on past a failed one (stops on a
 * connection error); returns 0 or the last failure's exit code. */
int cmd_each(struct podctl *ctl, const struct flags *f, const char *collection, const char *method,
	     int (*check)(const char *ref, struct pd_err *err), json_t *found);

/* A whole `X inspect REF...` command: parse @u's flags, GET each
 * @collection/REF (checked with @check), print the found ones as one JSON
 * array; the exit code of the last failure, or 0. */
int cmd_inspect_each(struct podctl *ctl, const struct cmd_usage *u, int argc, char **argv,
		     const char *collection, int (*check)(const char *ref, struct pd_err *err));

/* The labels of --label K=V... (a new object), the last of a repeated key
 * winning; PD_E_INVALID for a value without a key or not UTF-8 (cmd_pod.c;
 * pods and volumes). */
json_t *cmd_labels(const struct flag_value *v, struct pd_err *err);

/* registry branch: cmd_pull.c, cmd_login.c. */
struct pull_cli {
	const char *platform; /* NULL: the default */
	const char *authfile; /* NULL: the default files */
	bool tls_verify;
	bool quiet;     /* no progress */
	bool print_ref; /* the reference on stdout at the end */
};
/* Pull @reference with its progress on @out (`podctl pull`, `run --pull`).
 * Returns 0 or -1 with @err. */
int cmd_pull_image(struct podctl *ctl, const char *reference, const struct pull_cli *o, FILE *out,
		   struct pd_err *err);
int cmd_pull(struct podctl *ctl, int argc, char **argv);
int cmd_push(struct podctl *ctl, int argc, char **argv);
int cmd_login(struct podctl *ctl, int argc, char **argv);
int cmd_logout(struct podctl *ctl, int argc, char **argv);

/* The commands of the top-level table. */
int cmd_version(struct podctl *ctl, int argc, char **argv);
int cmd_info(struct podctl *ctl, int argc, char **argv);
int cmd_pod(struct podctl *ctl, int argc, char **argv);
int cmd_image(struct podctl *ctl, int argc, char **argv);
int cmd_images(struct podctl *ctl, int argc, char **argv); /* podctl images: image ls */
int cmd_rmi(struct podctl *ctl, int argc, char **argv);    /* podctl rmi: image rm */
int cmd_network(struct podctl *ctl, int argc, char **argv);
int cmd_volume(struct podctl *ctl, int argc, char **argv); /* issue 11, volumes */
int cmd_cp(struct podctl *ctl, int argc, char **argv);     /* cmd_cp.c */
int cmd_export(struct podctl *ctl, int argc, char **argv);
int cmd_pod_port(struct podctl *ctl, int argc, char **argv);           /* podctl pod port */
int cmd_port(struct podctl *ctl, int argc, char **argv);               /* issue 14, attach */
int cmd_network_connect(struct podctl *ctl, int argc, char **argv);    /* issue 14 */
int cmd_network_disconnect(struct podctl *ctl, int argc, char **argv); /* issue 14 */
int cmd_container(struct podctl *ctl, int argc, char **argv);
int cmd_run(struct podctl *ctl, int argc, char **argv);
int cmd_exec(struct podctl *ctl, int argc, char **argv);
int cmd_attach(struct podctl *ctl, int argc, char **argv);
int cmd_capture(struct podctl *ctl, int argc, char **argv);
int cmd_debug(struct podctl *ctl, int argc, char **argv);
int cmd_restart(struct podctl *ctl, int argc, char **argv);
/* issue 12, kube branch: cmd_kube.c. */
int cmd_kube(struct podctl *ctl, int argc, char **argv);
/* issue 16, docs: complete_scripts.c (completion), complete.c (the hidden
 * __complete and __man). */
int cmd_completion(struct podctl *ctl, int argc, char **argv);
int cmd_complete(struct podctl *ctl, int argc, char **argv);
int cmd_man(struct podctl *ctl, int argc, char **argv);

/* cmd_run.c: create the container of @body (start false) and run it
 * attached: its stdout to @out, its stderr to stderr, Ctrl-C stops it.
 * With "tty" or "stdin" true in @body, podctl attaches to it instead
 * (session.h): its output to fds 1 and 2, podctl's stdin to it (with
 * "stdin"), @keys (NULL: the default) to detach, which exits 0 and leaves
 * it running. Returns its exit code, or podctl's. */
struct detachkeys;
int run_attached(struct podctl *ctl, const json_t *body, FILE *out, const struct detachkeys *keys);
int cmd_ps(struct podctl *ctl, int argc, char **argv);
int cmd_start(struct podctl *ctl, int argc, char **argv);
int cmd_stop(struct podctl *ctl, int argc, char **argv);
int cmd_kill(struct podctl *ctl, int argc, char **argv);
int cmd_rm(struct podctl *ctl, int argc, char **argv);
int cmd_inspect(struct podctl *ctl, int argc, char **argv);
int cmd_wait(struct podctl *ctl, int argc, char **argv);
int cmd_logs(struct podctl *ctl, int argc, char **argv);
int cmd_events(struct podctl *ctl, int argc, char **argv); /* issue 12, podspec */
/* issue 13, observe: cmd_stats.c (stats, top), cmd_container.c (pause,
 * unpause), cmd_update.c (update). */
int cmd_stats(struct podctl *ctl, int argc, char **argv);
int cmd_top(struct podctl *ctl, int argc, char **argv);
int cmd_pause(struct podctl *ctl, int argc, char **argv);
int cmd_unpause(struct podctl *ctl, int argc, char **argv);
int cmd_update(struct podctl *ctl, int argc, char **argv);
/* issue 16, ux: cmd_run.c (create), cmd_container.c (rename), cmd_prune.c. */
int cmd_create(struct podctl *ctl, int argc, char **argv);
int cmd_rename(struct podctl *ctl, int argc, char **argv);
int cmd_container_prune(struct podctl *ctl, int argc, char **argv);
int cmd_system(struct podctl *ctl, int argc, char **argv);    /* system prune, info */
int cmd_system_df(struct podctl *ctl, int argc, char **argv); /* cmd_df.c */
/* issue 16, nsmap: cmd_ns.c */
int cmd_ns(struct podctl *ctl, int argc, char **argv);
