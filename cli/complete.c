/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl __complete WORD... CUR`: the candidates for CUR, the word being
 * typed after the words of a command line, one a line, then a last line
 * with a directive for the shell: ":files" (complete file names when no
 * candidate is given) or ":" (nothing more). The scripts of `podctl
 * completion SHELL` are thin wrappers around it.
 *
 * The words go through cmd_dispatch() and the commands as a real command
 * line would, in walk mode (complete.h): a group completes its commands, a
 * command its flags, a flag's value, or an operand by what the usage says
 * it is (cmd_usage.operand_what and the words of cmd_usage.operands).
 */
#include "complete.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "flags.h"

static struct {
	enum walk_mode mode;
	const char *cur;    /* the word being typed */
	const char *socket; /* podd's socket, for names */
	bool files;         /* the shell may complete file names */
} walk;

enum walk_mode
walk_mode(void)
{
	return walk.mode;
}

/* Print @head @word ("--" "format") if it extends the word being typed. */
static void
candidate(const char *head, const char *word)
{
	size_t hl = strlen(head), cl = strlen(walk.cur);

	if (strncmp(head, walk.cur, cl < hl ? cl : hl) != 0)
		return;
	if (cl <= hl || strncmp(word, walk.cur + hl, cl - hl) == 0)
		printf("%s%s\n", head, word);
}

static const struct flag_spec *
flag_named(const struct flag_spec *specs, const char *word, size_t len)
{
	if (specs == NULL || len < 2 || word[0] != '-')
		return NULL;
	for (const struct flag_spec *s = specs; s->name != NULL; s++) {
		if (word[1] != '-') { /* -x, or the last of a cluster -qx */
			if (s->short_name == word[len - 1])
				return s;
			continue;
		}
		if ((strlen(s->name) == len - 2 && strncmp(s->name, word + 2, len - 2) == 0) ||
		    (s->alias != NULL && strlen(s->alias) == len - 2 &&
		     strncmp(s->alias, word + 2, len - 2) == 0))
			return s;
	}
	return NULL;
}

/* The values of flag @s that extend walk.cur after @head ("--format=" or
 * ""): from the flag's name or its metavar; a file's value is left to the
 * shell (walk.files). */
static void
flag_value(const struct flag_spec *s, const char *head)
{
	static const struct {
		const char *key; /* a flag name or a metavar */
		const char *kind;
	} kinds[] = {
	    {"network", "network"}, {"net", "network"}, {"NETWORK", "network"}, {"pod", "pod"},
	    {"POD", "pod"},         {"IMAGE", "image"}, {"VOLUME", "volume"},
	};
	static const char *const file_metavars[] = {"FILE", "DIR", "PATH"};

	if (strcmp(s->name, "format") == 0) {
		candidate(head, "table");
		candidate(head, "json");
		return;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].key, s->name) == 0 ||
		    (s->metavar != NULL && strcmp(kinds[i].key, s->metavar) == 0)) {
			complete_names(walk.socket, kinds[i].kind, head, walk.cur + strlen(head));
			return;
		}
	for (size_t i = 0; i < sizeof(file_metavars) / sizeof(file_metavars[0]); i++)
		if (s->metavar != NULL && strstr(s->metavar, file_metavars[i]) != NULL)
			walk.files = true;
}

static void
flag_names(const struct flag_spec *specs)
{
	candidate("--", "help");
	for (const struct flag_spec *s = specs; s != NULL && s->name != NULL; s++) {
		candidate("--", s->name);
		if (s->alias != NULL)
			candidate("--", s->alias);
		if (s->short_name != 0 && walk.cur[1] != '-')
			candidate("-", (char[]){s->short_name, '\0'});
	}
}

/* Complete a flag or a flag's value if that is what is typed: "--x" or
 * "--x=V" in walk.cur, or V after a flag @prev that takes one. Returns
 * true when it was. */
static bool
complete_flag(const struct flag_spec *specs, const char *prev)
{
	const struct flag_spec *s = NULL;
	const char *eq;

	if (prev != NULL && (s = flag_named(specs, prev, strlen(prev))) != NULL &&
	    s->kind != FLAG_BOOL && strchr(prev, '=') == NULL) {
		flag_value(s, "");
		return true;
	}
	if (walk.cur[0] != '-')
		return false;
	eq = strchr(walk.cur, '=');
	if (eq != NULL) {
		char head[128];

		s = flag_named(specs, walk.cur, (size_t)(eq - walk.cur));
		if (s != NULL && s->kind != FLAG_BOOL &&
		    snprintf(head, sizeof(head), "%.*s", (int)(eq - walk.cur + 1), walk.cur) <
			(int)sizeof(head))
			flag_value(s, head);
		return true;
	}
	flag_names(specs);
	return true;
}

/* The @index-th word of a usage's operands ("NAME...", "IMAGE NEW_NAME",
 * "(POD | CONTAINER) [--] [FILTER...]") into @word: brackets, "--" and
 * "|" alternatives skipped, the last one repeated when it ends in "...".
 * "" past the end. */
static void
operand_word(const char *operands, size_t index, char *word, size_t size)
{
	const char *p = operands;
	size_t i = 0;

	word[0] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		bool repeat = n >= 3 && strncmp(p + n - 3, "...", 3) == 0;

		if (n > 0 && strncmp(p, "--", n) != 0 && p[0] != '|') {
			(void)snprintf(word, size, "%.*s", (int)n, p + strspn(p, "(["));
			if (i == index || repeat)
				return;
			i++;
			word[0] = '\0';
		}
		p += n;
		p += strspn(p, " |");
	}
}

/* The kind of names ("pod") that @what (an operand_what, "pod name", or
 * an operand word, "POD") asks for, or NULL. */
static const char *
kind_of(const char *what)
{
	static const char *const kinds[] = {"container", "pod", "image", "network", "volume"};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strncasecmp(what, kinds[k], strlen(kinds[k])) == 0)
			return kinds[k];
	return NULL;
}

static void
complete_operand(const struct cmd_usage *u, size_t index)
{
	char word[64], *save = NULL;
	bool named = false;

	if (u->max_operands >= 0 && index >= (size_t)u->max_operands)
		return;
	if (index == 0 && u->operand_what != NULL) {
		/* "pod or container name" is both. */
		if (strstr(u->operand_what, " or ") != NULL) {
			complete_names(walk.socket, "pod", "", walk.cur);
			complete_names(walk.socket, "container", "", walk.cur);
		} else if (kind_of(u->operand_what) != NULL) {
			complete_names(walk.socket, kind_of(u->operand_what), "", walk.cur);
		} else {
			walk.files = true;
		}
		return;
	}
	operand_word(u->operands, index, word, sizeof(word));
	/* Words to choose from, "bash|zsh|fish", or names, "POD|CONTAINER". */
	if (strpbrk(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL && strchr(word, '|') != NULL) {
		for (char *w = strtok_r(word, "|", &save); w != NULL;
		     w = strtok_r(NULL, "|", &save))
			candidate("", w);
		return;
	}
	for (char *w = strtok_r(word, "|", &save); w != NULL; w = strtok_r(NULL, "|", &save))
		if (kind_of(w) != NULL) {
			complete_names(walk.socket, kind_of(w), "", walk.cur);
			named = true;
		}
	walk.files = !named;
}

/* A command: argv[0] its name, argv[1..] the words before walk.cur. */
static void
complete_usage(const struct cmd_usage *u, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	struct pd_err err = {0};
	const char *prev = argc > 1 ? argv[argc - 1] : NULL;
	bool stopped;

	if (flags_parse(u->flags, u->flag_opts, argc - 1, argv + 1, &f, &err) < 0) {
		/* A flag waiting for its value, or a line that will fail. */
		complete_flag(u->flags, prev);
		return;
	}
	/* Past the command's operand (run IMAGE CMD...): the command's own
	 * words, files at best. */
	stopped = (u->flag_opts & FLAGS_STOP_AT_OPERAND) != 0 && f.nargs > 0;
	if (stopped) {
		walk.files = true;
		return;
	}
	if (prev != NULL && strcmp(prev, "--") == 0)
		prev = NULL;
	if (complete_flag(u->flags, prev))
		return;
	complete_operand(u, f.nargs);
}

static int
complete_group(const struct cmd_group *g, struct podctl *ctl, int argc, char **argv)
{
	if (argc > 0 && strcmp(argv[0], "help") == 0)
		return complete_group(g, ctl, argc - 1, argv + 1);
	if (argc == 0) {
		if (walk.cur[0] == '-') {
			flag_names(g->flags);
			return 0;
		}
		for (const struct cmd *c = g->cmds; c->name != NULL; c++)
			if (c->summary != NULL)
				candidate("", c->name);
		return 0;
	}
	for (const struct cmd *c = g->cmds; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->run(ctl, argc, argv);
	return 0;
}

int
walk_dispatch(const struct cmd_group *g, struct podctl *ctl, int argc, char **argv)
{
	if (walk.mode == WALK_COMPLETE)
		return complete_group(g, ctl, argc, argv);
	man_group(g);
	for (const struct cmd *c = g->cmds; c->name != NULL; c++) {
		char *args[] = {(char *)c->name, NULL};

		if (c->summary != NULL)
			c->run(ctl, 1, args);
	}
	return 0;
}

void
walk_usage(const struct cmd_usage *u, int argc, char **argv)
{
	if (walk.mode == WALK_COMPLETE)
		complete_usage(u, argc, argv);
	else
		man_usage(u);
}

/* The value of the global flag @name, or NULL. */
static const char *
global_value(const struct cmd_group *root, const struct flags *f, const char *name)
{
	for (size_t i = 0; root->flags[i].name != NULL; i++)
		if (strcmp(root->flags[i].name, name) == 0)
			return f->v[i].value;
	return NULL;
}

int
cmd_complete(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	struct pd_err err = {0};
	int nwords = argc > 1 ? argc - 2 : 0;
	char **words = argv + 1;

	walk.mode = WALK_COMPLETE;
	walk.cur = argc > 1 ? argv[argc - 1] : "";
	walk.socket = ctl->socket_path;
	/* The global flags typed (--socket S) come first, as for a command;
	 * a failure is a global flag waiting for its value. */
	if (flags_parse(ctl->root->flags, FLAGS_STOP_AT_OPERAND, nwords, words, &f, &err) < 0) {
		complete_flag(ctl->root->flags, nwords > 0 ? words[nwords - 1] : NULL);
	} else {
		walk.socket = client_socket_path(global_value(ctl->root, &f, "socket"));
		cmd_dispatch(ctl->root, ctl, (int)f.nargs, f.args);
	}
	printf("%s\n", walk.files ? ":files" : ":");
	return 0;
}

int
cmd_man(struct podctl *ctl, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	walk.mode = WALK_MAN;
	man_page_podctl(ctl);
	return 0;
}
