/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl: the command-line client of podd. This file is the table of
 * contents: the global flags, the table of commands, and the exit code. The
 * commands live one noun per file (cmd_pod.c, cmd_container.c, ...), with
 * run and logs apart; HTTP lives in client.c. Exit codes follow docker's: 0,
 * 125 for an error of podctl or podd (usage errors included), 126/127 for a
 * container's command that cannot be run or is not found, else a
 * container's own status (run).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "client.h"
#include "cmd.h"
#include "flags.h"

enum { G_SOCKET, G_VERSION };

static const struct flag_spec global_flags[] = {
    [G_SOCKET] = {"socket", NULL, 0, FLAG_VALUE, "PATH",
		  "podd's socket (default: $" PD_SOCKET_ENV ", else " PD_DEFAULT_SOCKET ")"},
    [G_VERSION] = {"version", NULL, 0, FLAG_BOOL, NULL, "print podctl's version and exit"},
    {.name = NULL},
};

static const struct cmd commands[] = {
    {"run", cmd_run, "create and start a container, attached to it (or -d)"},
    {"create", cmd_create, "create a container without starting it"}, /* issue 16 */
    {"rename", cmd_rename, "rename a container"},                     /* issue 16 */
    {"debug", cmd_debug, "run a command in an ephemeral debug container of a pod or container"},
    {"exec", cmd_exec, "run a command in a running container"},
    {"attach", cmd_attach, "attach to a running container's terminal or output"},
    {"capture", cmd_capture, "capture a pod's or a container's traffic with tcpdump"},
    {"ps", cmd_ps, "list containers"},
    {"logs", cmd_logs, "print a container's output"},
    {"start", cmd_start, "start containers"},
    {"stop", cmd_stop, "stop containers"},
    {"restart", cmd_restart, "stop and start containers, in the same namespaces"},
    {"kill", cmd_kill, "send a signal to containers"},
    {"wait", cmd_wait, "wait for containers to exit and print their exit codes"},
    {"rm", cmd_rm, "remove containers"},
    {"inspect", cmd_inspect, "print containers as JSON"},
    {"port", cmd_port, "list the published ports of a container or pod"}, /* issue 14 */
    /* issue 13, observe */
    {"stats", cmd_stats, "show containers' CPU, memory, network and block I/O use"},
    {"top", cmd_top, "list a container's processes"},
    {"pause", cmd_pause, "freeze every process of containers"},
    {"unpause", cmd_unpause, "thaw paused containers"},
    {"update", cmd_update, "change the limits or restart policy of containers"},
    {"container", cmd_container, "manage containers (the commands above, grouped)"},
    {"pod", cmd_pod, "manage pods"},
    {"image", cmd_image, "manage images"},
    {"images", cmd_images, NULL},
    {"rmi", cmd_rmi, NULL},
    {"pull", cmd_pull, "pull an image from a registry"},
    {"push", cmd_push, "push an image to a registry"},
    {"login", cmd_login, "log in to a registry (credentials kept in the auth file)"},
    {"logout", cmd_logout, "forget a registry's credentials"},
    {"network", cmd_network, "manage networks"},
    {"volume", cmd_volume, "manage volumes"}, /* issue 11, volumes */
    /* issue 12, kube */
    {"kube", cmd_kube, "Kubernetes manifests: play, down, generate"},
    {"cp", cmd_cp, "copy files between a container and the host"},
    {"export", cmd_export, "write a container's file system as a tar"},
    {"events", cmd_events, "print pod and container events as they happen"}, /* issue 12 */
    {"ns", cmd_ns, "show which processes share which namespace"},            /* issue 16 */
    {"info", cmd_info, "show podd's directories, socket, pod counts and host"},
    {"system", cmd_system, "manage podd as a whole: prune, info"}, /* issue 16 */
    {"version", cmd_version, "show podctl's and podd's versions"},
    {"completion", cmd_completion, "print a shell's completion script (bash, zsh, fish)"},
    {"__complete", cmd_complete, NULL}, /* issue 16: the scripts' candidates */
    {"__man", cmd_man, NULL},           /* issue 16: podctl.1 */
    {.name = NULL},
};

static const struct cmd_group podctl_group = {
    .name = "podctl",
    .summary = "podctl drives podd, the pod manager, through its API socket.",
    .cmds = commands,
    .flags = global_flags,
};

/* Output is buffered: a write error (a full disk, a closed descriptor) shows
 * only here, and must not pass for success. */
static int
finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "podctl: cannot write the output: %s\n", strerror(errno));
		return rc != 0 ? rc : EXIT_PODCTL;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	struct podctl ctl = {0};
	struct pd_err err = {0};

	if (flags_parse(global_flags, FLAGS_STOP_AT_OPERAND, argc - 1, argv + 1, &f, &err) < 0) {
		fprintf(stderr, "podctl: %s (see podctl --help)\n", err.msg);
		return EXIT_PODCTL;
	}
	if (f.v[G_VERSION].on && !f.help) {
		printf("podctl version %s\n", PD_VERSION);
		return finish(0);
	}
	ctl.socket_path = client_socket_path(f.v[G_SOCKET].value);
	ctl.root = &podctl_group;
	if (f.help)
		return finish(cmd_dispatch(&podctl_group, &ctl, 0, NULL));
	return finish(cmd_dispatch(&podctl_group, &ctl, (int)f.nargs, f.args));
}
