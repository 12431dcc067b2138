/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd-archive: tar archives, blobs and layers for podd (issue 11). podd runs
 * it as a task; it reads and writes the store under --store and handed fds
 * (stdin, stdout), prints one line of JSON on success, one line of error on
 * stderr and exits 1 on failure (2 for bad usage).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "podd_archive.h"
#include "cleanup.h"
#include "json.h"

bool usage_error;

/* Notes are printed only when the job succeeds: a failure is one line. */
static char notes[16384];
static size_t notes_len;

static const char usage[] =
    "usage: podd-archive COMMAND [OPTIONS]\n"
    "  unpack --store ROOT --blob DIGEST [--diff-id DIGEST]\n"
    "  load   --store ROOT             (stdin: a docker-archive, an oci-archive or an\n"
    "                                  OCI layout directory)\n"
    "  import --store ROOT [--name REF] (stdin: a root filesystem tarball or directory)\n"
    "  save   --store ROOT --format docker-archive|oci-archive --images JSON  (stdout)\n"
    "  cp-out (--root DIR | --overlay LOWER[,LOWER...]:UPPER:WORK) --path PATH  (stdout)\n"
    "  cp-in  (--root DIR | --overlay LOWER[,LOWER...]:UPPER:WORK) --path DIR   (stdin)\n"
    "  export (--root DIR | --overlay LOWER[,LOWER...]:UPPER:WORK)              (stdout)\n"
    "  stat   (--root DIR | --overlay LOWER[,LOWER...]:UPPER:WORK) --path PATH  (stdout, JSON)\n"
    "  du     DIR...                                   (stdout, JSON: apparent sizes)\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, struct pd_err *err);
} commands[] = {
    {"unpack", cmd_unpack}, {"load", cmd_load},     {"import", cmd_import},
    {"save", cmd_save},     {"cp-out", cmd_cp_out}, {"cp-in", cmd_cp_in},
    {"export", cmd_export}, {"stat", cmd_stat},     {"du", cmd_du},
};

int
opts_parse(int argc, char **argv, const struct opt *opts, struct pd_err *err)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct opt *o = NULL;

		if (strncmp(arg, "--", 2) == 0)
			for (const struct opt *p = opts; p->name != NULL && o == NULL; p++)
				if (strcmp(arg + 2, p->name) == 0)
					o = p;
		if (o == NULL) {
			usage_error = true;
			return pd_fail(err, PD_E_INVALID, "unknown argument \"%.80s\"", arg);
		}
		if (i + 1 >= argc) {
			usage_error = true;
			return pd_fail(err, PD_E_INVALID, "%s needs a value", arg);
		}
		*o->value = argv[++i];
	}
	for (const struct opt *p = opts; p->name != NULL; p++)
		if (p->required && *p->value == NULL) {
			usage_error = true;
			return pd_fail(err, PD_E_INVALID, "--%s is required", p->name);
		}
	return 0;
}

int
print_json(const json_t *j, struct pd_err *err)
{
	cleanup_free char *s = pd_json_dump(j);

	if (printf("%s\n", s) < 0 || fflush(stdout) != 0)
		return pd_fail_errno(err, errno, "write the result");
	return 0;
}

void
note(const char *fmt, ...)
{
	size_t room = sizeof(notes) - notes_len;
	va_list ap;
	int n;

	if (room < 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(notes + notes_len, room - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	notes_len += (size_t)n < room - 1 ? (size_t)n : room - 2;
	notes[notes_len++] = '\n';
	notes[notes_len] = '\0';
}

int
main(int argc, char **argv)
{
	struct pd_err err = {0};

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		(void)fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	/* Modes and owners come from the archives as they are. */
	umask(0);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (commands[i].fn(argc - 1, argv + 1, &err) == 0) {
			for (char *line = notes, *nl; (nl = strchr(line, '\n')) != NULL;
			     line = nl + 1)
				(void)fprintf(stderr, "podd-archive %s: note: %.*s\n", argv[1],
					      (int)(nl - line), line);
			return 0;
		}
		(void)fprintf(stderr, "podd-archive %s: %s\n", argv[1], err.msg);
		return usage_error ? 2 : 1;
	}
	(void)fprintf(stderr, "podd-archive: unknown command \"%.80s\"\n%s", argv[1], usage);
	return 2;
}
