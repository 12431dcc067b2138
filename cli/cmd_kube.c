/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl kube play | down | generate: Kubernetes manifests in and out,
 * through podd's ordinary /v1 API. play reads the YAML (cli/kube_yaml.h), plans
 * every document first (cli/kube_model.h: errors and warnings by path, and
 * nothing created on an error), pulls what the images' policies ask, makes
 * the claims' volumes, then per pod: POST /v1/pods, POST /v1/containers
 * (start false) in order, POST /v1/pods/NAME/start (podd runs the init
 * containers first). A failure half-way removes what this play made. down
 * removes the pods a manifest names that play made (their "kube" object
 * says so) and the volumes play made for them. generate writes the
 * manifest of running pods or containers (cli/kube_gen.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "ctr.h"
#include "fd.h"
#include "json.h"
#include "kube_gen.h"
#include "kube_model.h"
#include "xalloc.h"
#include "kube_yaml.h"

/* ---- input --------------------------------------------------------------- */

/* The documents of FILE, or of stdin for "-". */
static json_t *
load_docs(const char *path, struct pd_err *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	size_t len = 0;
	json_t *docs;

	if (strcmp(path, "-") == 0) {
		if (pd_fd_read_all(STDIN_FILENO, KUBE_YAML_MAX_BYTES, &buf, &len, err) < 0)
			return NULL;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			pd_fail(err, PD_E_INVALID, "open \"%.128s\": %s", path, strerror(errno));
			return NULL;
		}
		if (pd_fd_read_all(fd, KUBE_YAML_MAX_BYTES, &buf, &len, err) < 0) {
			pd_err_prefix(err, "read \"%.128s\"", path);
			return NULL;
		}
	}
	docs = kube_yaml_load_all(buf, len, err);
	if (docs == NULL)
		pd_err_prefix(err, "%.128s", strcmp(path, "-") == 0 ? "stdin" : path);
	return docs;
}

/* The manifest and the --configmap files, planned. */
static int
plan_files(const char *path, const struct flag_value *cms, bool strict, struct kube_plan *plan,
	   struct pd_err *err)
{
	cleanup_json json_t *docs = load_docs(path, err);
	cleanup_json json_t *extra = json_array();

	if (docs == NULL)
		return -1;
	for (size_t i = 0; i < cms->count; i++) {
		cleanup_json json_t *d = load_docs(cms->values[i], err);

		if (d == NULL)
			return -1;
		json_array_extend(extra, d);
	}
	return kube_plan_make(docs, extra, strict, plan, err);
}

static char *
pod_path(const char *name, const char *action)
{
	return action ? xasprintf("%s/%s/%s", PD_PATH_PODS, name, action)
		      : xasprintf("%s/%s", PD_PATH_PODS, name);
}

/* GET @path: 1 found (*out, if not NULL, the object), 0 not found, -1. */
static int
lookup(struct podctl *ctl, const char *path, json_t **out, struct pd_err *err)
{
	json_t *j = client_call(ctl->socket_path, "GET", path, NULL, err);

	if (j != NULL) {
		if (out != NULL)
			*out = j;
		else
			json_decref(j);
		return 1;
	}
	if (err->kind != PD_E_NOT_FOUND)
		return -1;
	pd_err_clear(err);
	return 0;
}

/* ---- play ------------------------------------------------------------------ */

static int
ensure_image(struct podctl *ctl, const json_t *pull, bool quiet, struct pd_err *err)
{
	const char *image = json_string_value(json_object_get(pull, "image"));
	const char *policy = json_string_value(json_object_get(pull, "policy"));
	bool explicit_policy = json_is_true(json_object_get(pull, "explicit"));
	struct pull_cli o = {.tls_verify = true, .quiet = quiet};
	cleanup_free char *esc = ctr_query_escape(image);
	cleanup_free char *path = xasprintf("%s/%s", PD_PATH_IMAGES, esc);
	int found;

	/* An Always only implied by :latest or no tag uses a present image
	 * (as podman kube play): manifests run offline on loaded images. */
	if (strcmp(policy, "Always") != 0 || !explicit_policy) {
		found = lookup(ctl, path, NULL, err);
		if (found != 0)
			return found < 0 ? -1 : 0;
		if (strcmp(policy, "Never") == 0)
			return pd_fail(err, PD_E_NOT_FOUND,
				       "image \"%.128s\" is not present and its imagePullPolicy "
				       "is Never",
				       image);
	}
	return cmd_pull_image(ctl, image, &o, stderr, err);
}

struct made {
	json_t *pods;    /* names this play created */
	json_t *volumes; /* names of volumes this play created */
};

static void
undo(struct podctl *ctl, struct made *m)
{
	size_t i;
	json_t *n;

	json_array_foreach (m->pods, i, n) {
		cleanup_free char *path =
		    xasprintf("%s/%s?%s=true", PD_PATH_PODS, json_string_value(n), PD_Q_FORCE);
		struct pd_err e = {0};
		json_t *r = client_call(ctl->socket_path, "DELETE", path, NULL, &e);

		if (r == NULL)
			fprintf(stderr, "podctl: undo: %s\n", e.msg);
		json_decref(r);
	}
	json_array_foreach (m->volumes, i, n) {
		cleanup_free char *path = xasprintf("%s/%s", PD_PATH_VOLUMES, json_string_value(n));
		struct pd_err e = {0};
		json_t *r = client_call(ctl->socket_path, "DELETE", path, NULL, &e);

		if (r == NULL)
			fprintf(stderr, "podctl: undo: %s\n", e.msg);
		json_decref(r);
	}
}

static int
make_claims(struct podctl *ctl, json_t *entry, struct made *m, struct pd_err *err)
{
	json_t *created = json_array();
	size_t i;
	json_t *n;

	json_object_set_new(json_object_get(json_object_get(entry, "pod"), "kube"),
			    "created_volumes", created);
	json_array_foreach (json_object_get(entry, "claims"), i, n) {
		cleanup_free char *path = xasprintf("%s/%s", PD_PATH_VOLUMES, json_string_value(n));
		cleanup_json json_t *body = NULL;
		json_t *r;
		int found = lookup(ctl, path, NULL, err);

		if (found < 0)
			return -1;
		if (found == 1)
			continue;
		body = json_pack("{s:O, s:{s:s}}", PD_F_NAME, n, PD_F_LABELS, "podd.kube/claim",
				 "true");
		r = client_call(ctl->socket_path, "POST", PD_PATH_VOLUMES, body, err);
		if (r == NULL)
			return pd_err_prefix(err, "create volume \"%s\"", json_string_value(n));
		json_decref(r);
		json_array_append(m->volumes, n);
		json_array_append(created, n);
	}
	return 0;
}

static int
play_pod(struct podctl *ctl, json_t *entry, struct made *m, struct pd_err *err)
{
	const char *name = json_string_value(json_object_get(entry, "name"));
	cleanup_free char *start = pod_path(name, PD_ACTION_START);
	json_t *r;
	size_t i;
	json_t *c;

	if (make_claims(ctl, entry, m, err) < 0)
		return -1;
	r = client_call(ctl->socket_path, "POST", PD_PATH_PODS, json_object_get(entry, "pod"), err);
	if (r == NULL)
		return pd_err_prefix(err, "create pod \"%s\"", name);
	json_decref(r);
	json_array_append_new(m->pods, json_string(name));
	json_array_foreach (json_object_get(entry, "containers"), i, c) {
		r = client_call(ctl->socket_path, "POST", PD_PATH_CONTAINERS, c, err);
		if (r == NULL)
			return pd_err_prefix(err, "create container \"%s\"",
					     json_string_value(json_object_get(c, PD_F_NAME)));
		json_decref(r);
	}
	r = client_call(ctl->socket_path, "POST", start, NULL, err);
	if (r == NULL)
		return pd_err_prefix(err, "start pod \"%s\"", name);
	json_decref(r);
	return 0;
}

enum { P_STRICT, P_REPLACE, P_CONFIGMAP, P_QUIET, P_NETWORK };

static const struct flag_spec play_flags[] = {
    [P_STRICT] = {"strict", NULL, 0, FLAG_BOOL, NULL,
		  "refuse fields podd does not model instead of warning"},
    [P_REPLACE] = {"replace", NULL, 0, FLAG_BOOL, NULL,
		   "remove the manifest's pods first if they exist"},
    [P_CONFIGMAP] = {"configmap", NULL, 0, FLAG_LIST, "FILE",
		     "ConfigMap and Secret documents for the manifest; repeatable"},
    [P_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "no pull progress"},
    [P_NETWORK] = {"network", "net", 0, FLAG_VALUE, "NAME",
		   "the pods' network (none, host or a network's name) unless hostNetwork"},
    {.name = NULL},
};

static const struct cmd_usage play_usage = {
    .name = "kube play",
    .operands = "FILE|-",
    .operand_what = "file",
    .summary = "Run the Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets and\n"
	       "Jobs of a Kubernetes manifest (ConfigMaps and Secrets feed their volumes\n"
	       "and env). Every document is checked before anything is made; the pods\n"
	       "made are printed.",
    .flags = play_flags,
    .min_operands = 1,
    .max_operands = 1,
};

static int
kube_play(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	struct kube_plan plan = {0};
	struct made m = {json_array(), json_array()};
	struct pd_err err = {0};
	size_t i;
	json_t *x;
	int rc;

	if (!cmd_parse(&play_usage, argc, argv, &f, &rc))
		goto out;
	rc = EXIT_PODCTL;
	if (plan_files(f.args[0], &f.v[P_CONFIGMAP], f.v[P_STRICT].on, &plan, &err) < 0) {
		rc = cmd_error(&err);
		goto out;
	}
	json_array_foreach (plan.warnings, i, x)
		fprintf(stderr, "podctl: warning: %s\n", json_string_value(x));
	/* --network, as podman kube play's: for pods without hostNetwork. */
	json_array_foreach (plan.pods, i, x) {
		json_t *body = json_object_get(x, "pod");

		if (f.v[P_NETWORK].value != NULL && json_object_get(body, PD_F_NETWORK) == NULL)
			json_object_set_new(body, PD_F_NETWORK, json_string(f.v[P_NETWORK].value));
	}
	/* Everything is checked before anything is made. */
	json_array_foreach (plan.pods, i, x) {
		const char *name = json_string_value(json_object_get(x, "name"));
		cleanup_free char *path = pod_path(name, NULL);
		int found = lookup(ctl, path, NULL, &err);

		if (found < 0) {
			rc = cmd_error(&err);
			goto out;
		}
		if (found == 1 && !f.v[P_REPLACE].on) {
			pd_fail(&err, PD_E_CONFLICT,
				"pod \"%s\" exists (kube play --replace re-creates it)", name);
			rc = cmd_error(&err);
			goto out;
		}
	}
	json_array_foreach (plan.pods, i, x) {
		size_t j;
		json_t *p;

		json_array_foreach (json_object_get(x, "pulls"), j, p) {
			if (ensure_image(ctl, p, f.v[P_QUIET].on, &err) < 0) {
				rc = cmd_error(&err);
				goto out;
			}
		}
	}
	if (f.v[P_REPLACE].on) {
		json_array_foreach (plan.pods, i, x) {
			cleanup_free char *path =
			    xasprintf("%s/%s?%s=true", PD_PATH_PODS,
				      json_string_value(json_object_get(x, "name")), PD_Q_FORCE);
			json_t *r = client_call(ctl->socket_path, "DELETE", path, NULL, &err);

			if (r == NULL && err.kind != PD_E_NOT_FOUND) {
				rc = cmd_error(&err);
				goto out;
			}
			pd_err_clear(&err);
			json_decref(r);
		}
	}
	json_array_foreach (plan.pods, i, x) {
		if (play_pod(ctl, x, &m, &err) < 0) {
			rc = cmd_error(&err);
			undo(ctl, &m);
			goto out;
		}
	}
	json_array_foreach (m.pods, i, x)
		printf("%s\n", json_string_value(x));
	rc = 0;
out:
	kube_plan_clear(&plan);
	json_decref(m.pods);
	json_decref(m.volumes);
	return rc;
}

/* ---- down ------------------------------------------------------------------- */

static const struct flag_spec down_flags[] = {
    {"configmap", NULL, 0, FLAG_LIST, "FILE", "as kube play's (for a manifest that needs them)"},
    {.name = NULL},
};

static const struct cmd_usage down_usage = {
    .name = "kube down",
    .operands = "FILE|-",
    .operand_what = "file",
    .summary = "Remove the pods kube play made from a manifest, and the volumes it made\n"
	       "for them; print the pods removed.",
    .flags = down_flags,
    .min_operands = 1,
    .max_operands = 1,
};

static int
down_pod(struct podctl *ctl, const char *name, struct pd_err *err)
{
	cleanup_free char *path = pod_path(name, NULL);
	cleanup_free char *del = xasprintf("%s?%s=true", path, PD_Q_FORCE);
	cleanup_json json_t *pod = NULL;
	cleanup_json json_t *vols = NULL;
	const json_t *kube;
	json_t *r, *v;
	size_t i;
	int found = lookup(ctl, path, &pod, err);

	if (found <= 0)
		return found;
	kube = json_object_get(pod, "kube");
	if (!json_is_object(kube) || json_object_get(kube, "kind") == NULL)
		return pd_fail(err, PD_E_CONFLICT,
			       "pod \"%s\" was not made by kube play, left alone", name);
	vols = json_incref(json_object_get(kube, "created_volumes"));
	r = client_call(ctl->socket_path, "DELETE", del, NULL, err);
	if (r == NULL)
		return -1;
	json_decref(r);
	json_array_foreach (vols, i, v) {
		cleanup_free char *vp = xasprintf("%s/%s", PD_PATH_VOLUMES, json_string_value(v));

		r = client_call(ctl->socket_path, "DELETE", vp, NULL, err);
		if (r == NULL && err->kind != PD_E_NOT_FOUND)
			return pd_err_prefix(err, "remove volume \"%s\"", json_string_value(v));
		pd_err_clear(err);
		json_decref(r);
	}
	return 1;
}

static int
kube_down(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	struct kube_plan plan = {0};
	struct pd_err err = {0};
	size_t i;
	json_t *x;
	int rc;

	if (!cmd_parse(&down_usage, argc, argv, &f, &rc))
		return rc;
	if (plan_files(f.args[0], &f.v[0], false, &plan, &err) < 0)
		return cmd_error(&err);
	rc = 0;
	json_array_foreach (plan.pods, i, x) {
		const char *name = json_string_value(json_object_get(x, "name"));
		int r = down_pod(ctl, name, &err);

		if (r < 0) {
			rc = cmd_error(&err);
			pd_err_clear(&err);
			if (err.errnum != 0)
				break;
		} else if (r == 1) {
			printf("%s\n", name);
		}
	}
	kube_plan_clear(&plan);
	return rc;
}

/* ---- generate -------------------------------------------------------------- */

enum { G_OUTPUT, G_TYPE };

static const struct flag_spec gen_flags[] = {
    [G_OUTPUT] = {"output", NULL, 'o', FLAG_VALUE, "FILE", "write to FILE instead of stdout"},
    [G_TYPE] = {"type", NULL, 0, FLAG_VALUE, "TYPE", "pod (default) or deployment"},
    {.name = NULL},
};

static const struct cmd_usage gen_usage = {
    .name = "kube generate",
    .operands = "POD|CONTAINER...",
    .operand_what = "pod or container",
    .summary = "Write the Kubernetes manifest of pods or containers: the ConfigMaps and\n"
	       "Secrets their volumes need, then a v1 Pod (or an apps/v1 Deployment)\n"
	       "each.",
    .flags = gen_flags,
    .min_operands = 1,
    .max_operands = -1,
};

/* The documents of pod or container @ref. */
static json_t *
generate_one(struct podctl *ctl, const char *ref, const char *type, struct pd_err *err)
{
	cleanup_free char *path = pod_path(ref, NULL);
	cleanup_json json_t *pod = NULL;
	cleanup_json json_t *ctrs = json_array();
	size_t i;
	json_t *c;
	int found = lookup(ctl, path, &pod, err);

	if (found < 0)
		return NULL;
	if (found == 1) {
		json_array_foreach (json_object_get(pod, PD_F_CONTAINERS), i, c) {
			cleanup_free char *cp =
			    xasprintf("%s/%s", PD_PATH_CONTAINERS,
				      json_string_value(json_object_get(c, PD_F_ID)));
			json_t *full = client_call(ctl->socket_path, "GET", cp, NULL, err);

			if (full == NULL)
				return NULL;
			/* Debug containers are no part of a manifest. */
			if (json_is_true(json_object_get(full, PD_F_EPHEMERAL)))
				json_decref(full);
			else
				json_array_append_new(ctrs, full);
		}
		return kube_generate(pod, ctrs, type, err);
	}
	free(path);
	path = xasprintf("%s/%s", PD_PATH_CONTAINERS, ref);
	c = client_call(ctl->socket_path, "GET", path, NULL, err);
	if (c == NULL) {
		if (err->kind == PD_E_NOT_FOUND)
			pd_fail(err, PD_E_NOT_FOUND, "no pod or container \"%.128s\"", ref);
		return NULL;
	}
	json_array_append_new(ctrs, c);
	return kube_generate(NULL, ctrs, type, err);
}

static int
kube_gen(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *docs = json_array();
	cleanup_free char *text = NULL;
	const char *type;
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&gen_usage, argc, argv, &f, &rc))
		return rc;
	type = f.v[G_TYPE].value ? f.v[G_TYPE].value : "pod";
	if (strcmp(type, "pod") != 0 && strcmp(type, "deployment") != 0)
		return cmd_usage_error(&gen_usage, "--type is pod or deployment, not \"%.32s\"",
				       type);
	for (size_t i = 0; i < f.nargs; i++) {
		cleanup_json json_t *d = generate_one(ctl, f.args[i], type, &err);

		if (d == NULL)
			return cmd_error(&err);
		json_array_extend(docs, d);
	}
	text = kube_yaml_dump_all(docs, &err);
	if (text == NULL)
		return cmd_error(&err);
	if (f.v[G_OUTPUT].value != NULL && strcmp(f.v[G_OUTPUT].value, "-") != 0) {
		cleanup_close int fd =
		    open(f.v[G_OUTPUT].value, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || pd_fd_write_all(fd, text, strlen(text), &err) < 0) {
			if (fd < 0)
				pd_fail(&err, PD_E_INVALID, "open \"%.128s\": %s",
					f.v[G_OUTPUT].value, strerror(errno));
			return cmd_error(&err);
		}
		if (close(steal_fd(fd)) < 0) {
			pd_fail(&err, PD_E_SYSTEM, "write \"%.128s\": %s", f.v[G_OUTPUT].value,
				strerror(errno));
			return cmd_error(&err);
		}
		return 0;
	}
	fputs(text, stdout);
	return 0;
}

/* ---- the noun --------------------------------------------------------- */

static const struct cmd kube_cmds[] = {
    {"play", kube_play, "run the pods of a Kubernetes manifest"},
    {"down", kube_down, "remove what kube play made from a manifest"},
    {"generate", kube_gen, "write the Kubernetes manifest of pods or containers"},
    {.name = NULL},
};

static const struct cmd_group kube_group = {
    .name = "podctl kube",
    .summary = "Kubernetes manifests in (play, down) and out (generate), without a cluster.",
    .cmds = kube_cmds,
};

int
cmd_kube(struct podctl *ctl, int argc, char **argv)
{
	return cmd_dispatch(&kube_group, ctl, argc - 1, argv + 1);
}
