/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `podctl __man`: podctl.1 in roff, written from the command tables as
 * podctl's help is (complete.c walks them), so the page lists every
 * command and flag podctl has and nothing it lacks.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "complete.h"
#include "roff.h"

static const struct cmd_group *man_root;

static void
man_flags(const struct flag_spec *specs)
{
	for (const struct flag_spec *s = specs; s != NULL && s->name != NULL; s++)
		roff_flag(stdout, s->short_name, s->name, s->alias, s->metavar, s->help);
}

void
man_group(const struct cmd_group *g)
{
	if (g == man_root)
		return;
	printf(".SS \"%s COMMAND\"\n", g->name);
	roff_text(stdout, g->summary);
	fputc('\n', stdout);
}

void
man_usage(const struct cmd_usage *u)
{
	/* A command in two groups (ps, and container ps) is shown once. */
	static const struct cmd_usage *seen[512];
	static size_t nseen;

	for (size_t i = 0; i < nseen; i++)
		if (seen[i] == u)
			return;
	if (nseen < sizeof(seen) / sizeof(seen[0]))
		seen[nseen++] = u;
	printf(".SS \"podctl %s [OPTIONS]%s", u->name, u->operands[0] != '\0' ? " " : "");
	roff_text(stdout, u->operands);
	fputs("\"\n", stdout);
	roff_text(stdout, u->summary);
	fputc('\n', stdout);
	man_flags(u->flags);
}

void
man_page_podctl(struct podctl *ctl)
{
	const struct cmd_group *root = ctl->root;

	man_root = root;
	roff_head(stdout, "podctl", "1", "the command-line client of podd, the pod manager");
	fputs(".SH SYNOPSIS\n\\fBpodctl\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARG\\fR...]\n"
	      ".SH DESCRIPTION\n",
	      stdout);
	roff_text(stdout, root->summary);
	fputs("\nEvery command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR; "
	      "\\fBpodctl help\\fR \\fICOMMAND\\fR is the same.\n.SH OPTIONS\n",
	      stdout);
	man_flags(root->flags);
	fputs(".SH COMMANDS\n", stdout);
	cmd_dispatch(root, ctl, 0, NULL);
	fputs(".SH EXIT STATUS\n"
	      ".TP\n0\nsuccess\n"
	      ".TP\n125\nan error of podctl or podd: a usage error, podd unreachable, a refusal\n"
	      ".TP\n126\nthe container's command cannot be invoked\n"
	      ".TP\n127\nthe container's command is not found\n"
	      ".TP\n\\fIN\\fR\nthe container's own exit status (\\fBrun\\fR, \\fBexec\\fR, "
	      "\\fBstart \\-a\\fR), 128+\\fIsignal\\fR when a signal ended it\n"
	      ".SH ENVIRONMENT\n.TP\n" PD_SOCKET_ENV "\n"
	      "podd's socket when \\fB\\-\\-socket\\fR is not given\n"
	      ".SH FILES\n.TP\n" PD_DEFAULT_SOCKET "\n"
	      "podd's API socket, by default\n"
	      ".TP\n" PD_DEFAULT_ROOT "\npodd's state: images, pods, containers, logs\n"
	      ".TP\n" PD_DEFAULT_RUN_DIR "\npodd's run directory: sockets, pid and exit files\n"
	      ".SH SEE ALSO\n\\fBpodd\\fR(8), \\fBdocker\\fR(1), \\fBpodman\\fR(1)\n",
	      stdout);
}
