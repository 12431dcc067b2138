/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl capture (POD | CONTAINER) [-w FILE] [-c COUNT] [-i IFACE] [FILTER...]:
 * tcpdump in a short-lived sidecar that joins the target's network (a
 * pod's, or a container's with --network=container:), printed as text or
 * written as a pcap. It is `podctl run --rm` of the netdebug image with
 * capture capabilities only: the pcap is tcpdump's stdout, which the CRI
 * log carries byte for byte (a piece per line, F where a newline was).
 * Ctrl-C stops tcpdump, which flushes what it has; the sidecar is removed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "json.h"
#include "name.h"
#include "parse.h"
#include "xalloc.h"

#define CAPTURE_IMAGE "netdebug"

enum { C_WRITE, C_COUNT, C_IFACE, C_IMAGE };

static const struct flag_spec capture_flags[] = {
    [C_WRITE] = {"write", NULL, 'w', FLAG_VALUE, "FILE",
		 "write the packets to FILE as a pcap (Wireshark, tcpdump -r)"},
    [C_COUNT] = {"count", NULL, 'c', FLAG_VALUE, "COUNT", "stop after COUNT packets"},
    [C_IFACE] = {"interface", NULL, 'i', FLAG_VALUE, "IFACE",
		 "the interface to capture on (default: any)"},
    [C_IMAGE] = {"image", NULL, 0, FLAG_VALUE, "IMAGE",
		 "the image with tcpdump (default: " CAPTURE_IMAGE ")"},
    {.name = NULL},
};

static const struct cmd_usage capture_usage = {
    .name = "capture",
    .operands = "(POD | CONTAINER) [--] [FILTER...]",
    .operand_what = "pod or container name",
    .summary = "Capture the traffic of a pod or a container with tcpdump in a sidecar\n"
	       "that joins its network (NET_RAW and NET_ADMIN, and SETUID/SETGID for\n"
	       "tcpdump to drop root): packets as text, or a pcap with -w. FILTER is\n"
	       "tcpdump's. Ctrl-C ends it; the sidecar is removed either way.",
    .flags = capture_flags,
    .min_operands = 1,
    .max_operands = -1,
};

/* Does @path name something podd has (200), or not (404)? Other errors
 * go to @err. Returns 1, 0 or -1. */
static int
exists(const char *socket_path, const char *path, struct pd_err *err)
{
	cleanup_reply struct client_reply reply = {0};
	struct client_request req = {.method = "GET", .path = path};

	if (client_request(socket_path, &req, &reply, err) < 0)
		return -1;
	if (reply.status == 200)
		return 1;
	if (reply.status == 404)
		return 0;
	return client_reply_error(&reply, err);
}

/* The create body of the capture sidecar for @target. */
static json_t *
capture_body(struct podctl *ctl, const struct flags *f, struct pd_err *err)
{
	cleanup_json json_t *body = json_object();
	cleanup_free char *pod_path = NULL;
	cleanup_free char *ctr = NULL;
	const char *target = f->args[0];
	json_t *cmd = json_array();
	long long count;
	int r;

	if (!pd_is_id_prefix(target) &&
	    pd_name_validate(target, "pod or container name", err) < 0) {
		json_decref(cmd);
		return NULL;
	}
	/* A pod first: its containers all share its network. */
	pod_path = xasprintf("%s/%s", PD_PATH_PODS, target);
	r = exists(ctl->socket_path, pod_path, err);
	if (r == 0) {
		ctr = ctr_path(target, NULL, NULL);
		r = exists(ctl->socket_path, ctr, err);
		if (r == 0)
			r = pd_fail(err, PD_E_NOT_FOUND, "no such pod or container: %.80s", target);
		if (r > 0)
			json_object_set_new(body, PD_F_NS_NETWORK,
					    json_sprintf("%s%s", PD_NS_MODE_CONTAINER, target));
	} else if (r > 0) {
		json_object_set_new(body, PD_F_POD, json_string(target));
	}
	if (r < 0) {
		json_decref(cmd);
		return NULL;
	}
	json_array_append_new(cmd, json_string("tcpdump"));
	json_array_append_new(cmd, json_string("-n"));
	json_array_append_new(cmd, json_string("-i"));
	json_array_append_new(cmd, json_string(f->v[C_IFACE].set ? f->v[C_IFACE].value : "any"));
	if (f->v[C_COUNT].set) {
		if (pd_parse_int(f->v[C_COUNT].value, 1, 1000000000, &count, err) < 0) {
			pd_err_prefix(err, "--count");
			json_decref(cmd);
			return NULL;
		}
		json_array_append_new(cmd, json_string("-c"));
		json_array_append_new(cmd, json_string(f->v[C_COUNT].value));
	}
	/* A pcap on stdout, flushed per packet; or text, flushed per line. */
	if (f->v[C_WRITE].set) {
		json_array_append_new(cmd, json_string("-U"));
		json_array_append_new(cmd, json_string("-w"));
		json_array_append_new(cmd, json_string("-"));
	} else {
		json_array_append_new(cmd, json_string("-l"));
	}
	for (size_t i = 1; i < f->nargs; i++)
		json_array_append_new(cmd, json_string(f->args[i]));
	json_object_set_new(body, PD_F_IMAGE,
			    json_string(f->v[C_IMAGE].set ? f->v[C_IMAGE].value : CAPTURE_IMAGE));
	json_object_set_new(body, PD_F_COMMAND, cmd);
	json_object_set_new(body, PD_F_CAP_DROP, json_pack("[s]", "ALL"));
	json_object_set_new(body, PD_F_CAP_ADD,
			    json_pack("[s, s, s, s]", "NET_RAW", "NET_ADMIN", "SETUID", "SETGID"));
	json_object_set_new(body, PD_F_AUTO_REMOVE, json_true());
	json_object_set_new(body, PD_F_START, json_false());
	return steal_ptr(body);
}

int
cmd_capture(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	struct pd_err err = {0};
	FILE *out = stdout;
	int rc;

	if (!cmd_parse(&capture_usage, argc, argv, &f, &rc))
		return rc;
	body = capture_body(ctl, &f, &err);
	if (body == NULL)
		return cmd_error(&err);
	if (f.v[C_WRITE].set) {
		out = fopen(f.v[C_WRITE].value, "we");
		if (out == NULL) {
			pd_fail_errno(&err, errno, "cannot write %s", f.v[C_WRITE].value);
			err.kind = PD_E_INVALID;
			return cmd_error(&err);
		}
	}
	rc = run_attached(ctl, body, out, NULL);
	if (out != stdout && fclose(out) != 0) {
		pd_fail_errno(&err, errno, "cannot write %s", f.v[C_WRITE].value);
		return cmd_error(&err);
	}
	return rc;
}
