/* SPDX-License-Identifier: Apache-2.0 */
/* options.h's table and what is written from it. */
#include "options.h"

#include <string.h>

#include "api.h"
#include "roff.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

static const struct podd_option {
	const char *name;
	int has_arg; /* no_argument or required_argument */
	int id;
	const char *metavar; /* NULL for a flag without a value */
	const char *help;    /* lines; NULL hides the flag */
} options[] = {
    {"root", required_argument, OPT_ROOT, "DIR",
     "state that survives a reboot (default " PD_DEFAULT_ROOT ")"},
    {"run-dir", required_argument, OPT_RUN_DIR, "DIR",
     "runtime state: socket, namespace mounts (default " PD_DEFAULT_RUN_DIR ")"},
    {"socket", required_argument, OPT_SOCKET, "PATH",
     "API socket (default RUN_DIR/" PD_SOCKET_NAME ")"},
    {"docker-socket", required_argument, OPT_DOCKER_SOCKET, "PATH|none",
     "the Docker Engine API's socket, for the docker CLI,\n"
     "its SDKs and docker-compose (default RUN_DIR/docker.sock)"},
    {"netns-dir", required_argument, OPT_NETNS_DIR, "DIR",
     "where `ip netns` finds pod namespaces (default " PD_NETNS_DIR ")"},
    {"netns-prefix", required_argument, OPT_NETNS_PREFIX, "P",
     "prefix of those names (default " PD_DEFAULT_NETNS_PREFIX ")"},
    {"cni-path", required_argument, OPT_CNI_PATH, "DIRS",
     "where CNI plugins are looked for, ':'-separated\n"
     "(default: podd's own dir, /usr/lib/cni, /opt/cni/bin)"},
    {"idle-timeout", required_argument, OPT_IDLE_TIMEOUT, "SECS",
     "close a client with no request in flight after SECS\n"
     "(default " STR(IDLE_TIMEOUT_DEFAULT_S) "; a reply that waits is never cut)"},
    {"read-timeout", required_argument, OPT_READ_TIMEOUT, "SECS",
     "a client must send a whole request within SECS of its\n"
     "first byte (default " STR(READ_TIMEOUT_DEFAULT_S) ")"},
    {"max-clients", required_argument, OPT_MAX_CLIENTS, "N",
     "client connections at once; past it the oldest idle\n"
     "one is closed (default: half the open-file limit, at\n"
     "most " STR(MAX_CLIENTS_DEFAULT) ")"},
    {"log-level", required_argument, OPT_LOG_LEVEL, "LEVEL",
     "error, warn, info (default) or debug"},
    {"log-file", required_argument, OPT_LOG_FILE, "PATH",
     "log here when not in the foreground (default RUN_DIR/podd.log)"},
    {"foreground", no_argument, OPT_FOREGROUND, NULL, "stay attached and log to stderr"},
    {"restart-backoff", required_argument, OPT_RESTART_BACKOFF, "INITIAL:MAX",
     "crash-loop backoff of restart policies, in seconds,\n"
     "fractions allowed (default 10:300, the kubelet's)"},
    {"certs-dir", required_argument, OPT_CERTS_DIR, "DIR",
     "registries' CAs and client certificates, DIR/HOST[:PORT]/\n"
     "(default /etc/containers/certs.d, then /etc/docker/certs.d)"},
    {"cgroup-parent", required_argument, OPT_CGROUP_PARENT, "PATH",
     "cgroup under which pods and containers get theirs:\n"
     "absolute from each hierarchy's root, relative below\n"
     "podd's own cgroup (default /podd)"},
    {"cgroup-layout", required_argument, OPT_CGROUP_LAYOUT, "auto|v1|hybrid|v2|none",
     "which cgroup hierarchies to use (default auto: what\n"
     "is mounted; none: no cgroups, limits refused)"},
    {"subid-file", required_argument, OPT_SUBID_FILE, "FILE",
     "the pool of subordinate ids of --userns auto pods: the\n"
     "entries of user \"podd\" in FILE, /etc/subuid format,\n"
     "for uids and gids (default: /etc/subuid and /etc/subgid;\n"
     "without a podd entry there, 1879048192 +268304384)"},
    {"userns-layers", required_argument, OPT_USERNS_LAYERS, "MODE",
     "idmap (default): a userns pod's containers see the\n"
     "image's layers through idmapped mounts (Linux 6.13);\n"
     "copy: through copies owned by the pod's ids, made\n"
     "once per pod and layer"},
    {"resolv-conf", required_argument, OPT_RESOLV_CONF, "FILE",
     "the nameservers the networks' DNS servers relay to\n"
     "(default /etc/resolv.conf)"},
    {"ipv6", no_argument, OPT_IPV6, NULL,
     "the default network is dual-stack: pods get an address\n"
     "of fd77::/64 too (gateway fd77::1)"},
    {"group", required_argument, OPT_GROUP, "NAME",
     "besides root, members of NAME may use podd's sockets\n"
     "(API, Engine API, attach); root-equivalent, as docker's\n"
     "group (default " PD_SOCKET_GROUP "; without it, root only)"},
    {"version", no_argument, OPT_VERSION, NULL, "print the version"},
    {"help", no_argument, OPT_HELP, NULL, NULL},
    {"man", no_argument, OPT_MAN, NULL, NULL},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

const struct option *
podd_long_opts(void)
{
	static struct option opts[NOPTIONS + 1];

	for (size_t i = 0; i < NOPTIONS; i++)
		opts[i] = (struct option){options[i].name, options[i].has_arg, NULL, options[i].id};
	return opts;
}

/* Help lines start in this column. */
#define HELP_COLUMN 22

void
podd_usage(FILE *out)
{
	fputs("usage: podd [options]\n\n"
	      "The podd daemon: serves the API podctl talks to and supervises pods.\n\n",
	      out);
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct podd_option *o = &options[i];
		const char *h = o->help;
		int n;

		if (h == NULL)
			continue;
		n = fprintf(out, "  --%s%s%s", o->name, o->metavar ? " " : "",
			    o->metavar ? o->metavar : "");
		/* The help beside a short flag, under a long one. */
		fprintf(out, "%*s", n < HELP_COLUMN ? HELP_COLUMN - n : 0, "");
		if (n >= HELP_COLUMN)
			fprintf(out, "\n%*s", HELP_COLUMN, "");
		for (; *h != '\0'; h++) {
			fputc(*h, out);
			if (*h == '\n')
				fprintf(out, "%*s", HELP_COLUMN, "");
		}
		fputc('\n', out);
	}
}

void
podd_man(FILE *out)
{
	roff_head(out, "podd", "8", "the pod manager's daemon");
	fputs(".SH SYNOPSIS\n\\fBpodd\\fR [\\fIOPTIONS\\fR]\n.SH DESCRIPTION\n"
	      "podd keeps pods and containers on one machine: it serves the API that\n"
	      "\\fBpodctl\\fR(1) (and, on a second socket, the docker CLI) talks to,\n"
	      "keeps their state on disk, starts their infra processes and shims, and\n"
	      "supervises them. Stopping podd does not stop the pods; a new podd adopts\n"
	      "what is running.\n.SH OPTIONS\n",
	      out);
	for (size_t i = 0; i < NOPTIONS; i++)
		if (options[i].help != NULL)
			roff_flag(out, 0, options[i].name, NULL, options[i].metavar,
				  options[i].help);
	roff_flag(out, 'h', "help", NULL, NULL, "print the options and exit");
	fputs(".SH EXIT STATUS\n"
	      ".TP\n0\npodd stopped cleanly (SIGTERM or SIGINT), or printed its help or version\n"
	      ".TP\n1\npodd could not start; the message says why\n"
	      ".TP\n2\na usage error\n"
	      ".SH FILES\n"
	      ".TP\n" PD_DEFAULT_SOCKET "\nthe API socket, by default\n"
	      ".TP\n" PD_DEFAULT_RUN_DIR "/docker.sock\nthe Docker Engine API socket, by default\n"
	      ".TP\n" PD_DEFAULT_ROOT "\nstate that survives a reboot: images, pods, containers, "
	      "logs\n"
	      ".TP\n" PD_DEFAULT_RUN_DIR "\nruntime state: sockets, pid and exit files, namespace "
	      "mounts\n"
	      ".TP\n" PD_NETNS_DIR "\nwhere the pods' network namespaces are bound for "
	      "\\fBip netns\\fR\n"
	      ".SH SEE ALSO\n\\fBpodctl\\fR(1), \\fBip\\-netns\\fR(8), \\fBsystemctl\\fR(1)\n",
	      out);
}
