/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records → manifest documents (kube_gen.h). Each builder sets the fields of
 * one Kubernetes object in the API's own order and leaves out what is
 * empty or the Kubernetes default, so that the document is what a user
 * would write and survives the client models (python3-kubernetes) as it
 * is.
 */
#include "kube_gen.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool
nonempty(const json_t *v)
{
	return v != NULL && !json_is_null(v) &&
	       !((json_is_array(v) && json_array_size(v) == 0) ||
		 (json_is_object(v) && json_object_size(v) == 0) ||
		 (json_is_string(v) && json_string_length(v) == 0));
}

/* A copy of @o with its keys sorted (maps Kubernetes keeps unordered). */
static json_t *
sorted_copy(const json_t *o)
{
	cleanup_free const char **keys = NULL;
	json_t *out = json_object();
	size_t n = json_object_size(o), i = 0;
	const char *k;
	json_t *v;

	if (n == 0)
		return out;
	keys = xcalloc(n, sizeof(*keys));
	json_object_foreach ((json_t *)o, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), (int (*)(const void *, const void *))strcmp);
	for (i = 0; i < n; i++)
		json_object_set(out, keys[i], json_object_get(o, keys[i]));
	return out;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A Kubernetes name from a podd one: lowercase, [a-z0-9-], no edges. */
static char *
dns_label_of(const char *s)
{
	size_t n = strlen(s), j = 0;
	char *out = xmalloc(n + 2);

	for (size_t i = 0; i < n && j < 63; i++) {
		char ch = (char)tolower((unsigned char)s[i]);

		out[j++] = (char)((isalnum((unsigned char)ch) && isascii(ch)) ? ch : '-');
	}
	while (j > 0 && out[j - 1] == '-')
		j--;
	out[j] = '\0';
	if (j == 0 || out[0] == '-') {
		free(out);
		return xstrdup("c");
	}
	return out;
}

/* "NAME=VALUE" list → [{"name","value"}], leaving out @skip entries. */
static json_t *
env_list(const json_t *env, const json_t *skip)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *e, *s;

	json_array_foreach (env, i, e) {
		const char *kv = json_string_value(e), *eq;
		bool skipped = false;

		if (kv == NULL || (eq = strchr(kv, '=')) == NULL)
			continue;
		/* podd's own HOSTNAME, the pod's name, unless the manifest set it. */
		if (skip != NULL && strncmp(kv, "HOSTNAME=", 9) == 0)
			continue;
		json_array_foreach (skip, j, s)
			if (json_is_string(s) && strcmp(json_string_value(s), kv) == 0)
				skipped = true;
		if (skipped)
			continue;
		json_array_append_new(
		    out, json_pack("{s:s%, s:s}", "name", kv, (size_t)(eq - kv), "value", eq + 1));
	}
	return out;
}

/* A quantity of bytes, with the largest binary suffix that divides it. */
static json_t *
quantity(json_int_t bytes)
{
	static const char *const suf[] = {"Ti", "Gi", "Mi", "Ki"};
	static const json_int_t mul[] = {1LL << 40, 1LL << 30, 1LL << 20, 1LL << 10};

	for (size_t i = 0; i < 4; i++)
		if (bytes % mul[i] == 0)
			return json_sprintf("%" JSON_INTEGER_FORMAT "%s", bytes / mul[i], suf[i]);
	return json_sprintf("%" JSON_INTEGER_FORMAT, bytes);
}

/* ConfigMap/Secret keys: [-._a-zA-Z0-9]+; an item's path may hold '/'. */
static char *
key_of_path(const char *path)
{
	char *k = xstrdup(path);

	for (char *p = k; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			*p = '_';
	return k;
}

/* ---- volumes ----------------------------------------------------------- */

/* The data documents, name → {"secret": bool, "data": {key: base64}}. */
static json_t *
volume_of(const json_t *v, json_t *data_docs)
{
	const char *type = str(v, "type"), *name = str(v, "name");
	json_t *out = json_pack("{s:s}", "name", name ? name : "v");

	if (type == NULL)
		type = "";
	if (strcmp(type, "empty_dir") == 0) {
		json_t *ed = json_object();
		const json_t *lim = json_object_get(v, "size_limit");

		if (str(v, "medium") != NULL && strcmp(str(v, "medium"), "Memory") == 0)
			json_object_set_new(ed, "medium", json_string("Memory"));
		if (json_is_integer(lim) && json_integer_value(lim) > 0)
			json_object_set_new(ed, "sizeLimit", quantity(json_integer_value(lim)));
		json_object_set_new(out, "emptyDir", ed);
	} else if (strcmp(type, "host_path") == 0) {
		json_t *hp = json_pack("{s:s}", "path", str(v, "path") ? str(v, "path") : "/");

		if (nonempty(json_object_get(v, "host_path_type")))
			json_object_set(hp, "type", json_object_get(v, "host_path_type"));
		json_object_set_new(out, "hostPath", hp);
	} else if (strcmp(type, "volume") == 0) {
		json_object_set_new(
		    out, "persistentVolumeClaim",
		    json_pack("{s:s}", "claimName", str(v, "source") ? str(v, "source") : name));
	} else if (strcmp(type, "config_map") == 0 || strcmp(type, "secret") == 0) {
		bool secret = strcmp(type, "secret") == 0;
		const char *src = str(v, "source") ? str(v, "source") : name;
		json_t *doc = json_object_get(data_docs, src);
		json_t *items = json_array(), *it, *o;
		const json_t *mode = json_object_get(v, "default_mode");
		size_t i;

		if (doc == NULL) {
			doc = json_pack("{s:b, s:{}}", "secret", secret, "data");
			json_object_set_new(data_docs, src, doc);
		}
		json_array_foreach (json_object_get(v, "items"), i, it) {
			const char *path = str(it, "path");
			cleanup_free char *key = NULL;
			json_t *item;

			if (path == NULL)
				continue;
			key = key_of_path(path);
			if (json_is_string(json_object_get(it, "data")))
				json_object_set(json_object_get(doc, "data"), key,
						json_object_get(it, "data"));
			item = json_pack("{s:s, s:s}", "key", key, "path", path);
			if (json_is_integer(json_object_get(it, "mode")))
				json_object_set(item, "mode", json_object_get(it, "mode"));
			json_array_append_new(items, item);
		}
		o = json_pack("{s:s}", secret ? "secretName" : "name", src);
		if (json_array_size(items) > 0)
			json_object_set_new(o, "items", items);
		else
			json_decref(items);
		if (json_is_integer(mode) && json_integer_value(mode) != 0644)
			json_object_set(o, "defaultMode", (json_t *)mode);
		json_object_set_new(out, secret ? "secret" : "configMap", o);
	} else if (strcmp(type, "downward_api") == 0) {
		json_t *items = json_array(), *it, *o;
		const json_t *mode = json_object_get(v, "default_mode");
		size_t i;

		json_array_foreach (json_object_get(v, "items"), i, it) {
			json_t *item =
			    json_pack("{s:s, s:{s:s}}", "path", str(it, "path") ?: "x", "fieldRef",
				      "fieldPath", str(it, "field") ?: "metadata.name");

			if (json_is_integer(json_object_get(it, "mode")))
				json_object_set(item, "mode", json_object_get(it, "mode"));
			json_array_append_new(items, item);
		}
		o = json_pack("{s:o}", "items", items);
		if (json_is_integer(mode) && json_integer_value(mode) != 0644)
			json_object_set(o, "defaultMode", (json_t *)mode);
		json_object_set_new(out, "downwardAPI", o);
	} else {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* ---- containers ------------------------------------------------------- */

static long long
seq_of(const json_t *c, size_t index)
{
	const json_t *s = json_object_get(c, "seq");

	return json_is_integer(s) ? (long long)json_integer_value(s) : (long long)index;
}

struct ord {
	const json_t *c;
	long long seq;
	size_t index;
};

static int
cmp_ord(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->index < y->index ? -1 : (x->index > y->index);
}

static const char *
role_of(const json_t *c)
{
	const char *r = str(c, "role");

	return r ? r : "app";
}

/* The manifest's name of container @c of pod @pod. */
static char *
ctr_name(const json_t *c, const char *pod)
{
	const char *given = str(json_object_get(c, "kube"), "name");
	const char *name = str(c, "name") ? str(c, "name") : "c";
	size_t n = pod ? strlen(pod) : 0;

	if (given != NULL)
		return xstrdup(given);
	if (pod != NULL && strncmp(name, pod, n) == 0 && name[n] == '-' && name[n + 1] != '\0')
		return dns_label_of(name + n + 1);
	return dns_label_of(name);
}

/* "UID[:GID]" → runAsUser/runAsGroup; a name has no manifest form. */
static void
user_of(const char *user, json_t *sc)
{
	char *end = NULL;
	long long uid, gid;

	if (user == NULL || !isdigit((unsigned char)user[0]))
		return;
	uid = strtoll(user, &end, 10);
	if (*end != '\0' && *end != ':')
		return;
	json_object_set_new(sc, "runAsUser", json_integer(uid));
	if (*end == ':' && isdigit((unsigned char)end[1])) {
		gid = strtoll(end + 1, &end, 10);
		if (*end == '\0')
			json_object_set_new(sc, "runAsGroup", json_integer(gid));
	}
}

static json_t *
container_of(const json_t *c, const char *pod, json_t *host_ports, json_t *volumes,
	     json_t *data_docs)
{
	const json_t *kube = json_object_get(c, "kube");
	const json_t *cfg = json_object_get(c, "config");
	json_t *out = json_object(), *v, *sc, *ports, *mounts;
	cleanup_free char *name = ctr_name(c, pod);
	const char *wd = str(c, "workdir"), *img_wd = str(cfg, "WorkingDir");
	size_t i;

	json_object_set_new(out, "name", json_string(name));
	/* The image as the manifest wrote it ("busybox"), not as podd
	 * normalised it ("docker.io/library/busybox:latest"). */
	if (str(kube, "image") != NULL)
		json_object_set(out, "image", json_object_get(kube, "image"));
	else
		json_object_set_new(out, "image",
				    json_string(str(c, "image") ? str(c, "image") : ""));
	if (kube != NULL) {
		if (nonempty(json_object_get(kube, "command")))
			json_object_set(out, "command", json_object_get(kube, "command"));
		if (nonempty(json_object_get(kube, "args")))
			json_object_set(out, "args", json_object_get(kube, "args"));
		v = env_list(json_object_get(kube, "env"), NULL);
	} else {
		cleanup_json json_t *skip = json_deep_copy(json_object_get(cfg, "Env"));

		if (skip == NULL)
			skip = json_array();
		json_array_append_new(skip, json_string("HOME=/root"));
		json_array_append_new(
		    skip, json_string(
			      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
		if (nonempty(json_object_get(c, "command")))
			json_object_set(out, "command", json_object_get(c, "command"));
		v = env_list(json_object_get(c, "env"), skip);
	}
	if (json_array_size(v) > 0)
		json_object_set_new(out, "env", v);
	else
		json_decref(v);
	if (kube != NULL && json_is_string(json_object_get(kube, "image_pull_policy")))
		json_object_set(out, "imagePullPolicy", json_object_get(kube, "image_pull_policy"));
	if (wd != NULL && wd[0] != '\0' &&
	    strcmp(wd, img_wd != NULL && img_wd[0] != '\0' ? img_wd : "/") != 0)
		json_object_set_new(out, "workingDir", json_string(wd));
	ports = json_array();
	json_array_foreach (json_object_get(c, "container_ports"), i, v) {
		json_t *p = json_object();
		const char *proto = str(v, "protocol") ? str(v, "protocol") : "TCP";
		json_int_t cp = json_integer_value(json_object_get(v, "container_port"));
		size_t j;
		json_t *h;

		if (str(v, "name") != NULL)
			json_object_set(p, "name", json_object_get(v, "name"));
		json_object_set_new(p, "containerPort", json_integer(cp));
		json_array_foreach (host_ports, j, h) {
			const char *hp = str(h, "protocol") ? str(h, "protocol") : "tcp";

			if (json_integer_value(json_object_get(h, "pod_port")) == cp &&
			    strcasecmp(hp, proto) == 0 &&
			    !json_is_true(json_object_get(h, "used"))) {
				json_object_set(p, "hostPort", json_object_get(h, "host_port"));
				if (str(h, "host_ip") && strcmp(str(h, "host_ip"), "0.0.0.0") != 0)
					json_object_set(p, "hostIP", json_object_get(h, "host_ip"));
				json_object_set_new(h, "used", json_true());
				break;
			}
		}
		json_object_set_new(p, "protocol", json_string(proto));
		json_array_append_new(ports, p);
	}
	if (json_array_size(ports) > 0)
		json_object_set_new(out, "ports", ports);
	else
		json_decref(ports);
	if (nonempty(json_object_get(c, "resources"))) {
		json_t *r = json_object();
		const json_t *rr = json_object_get(c, "resources");

		if (nonempty(json_object_get(rr, "limits")))
			json_object_set_new(r, "limits",
					    sorted_copy(json_object_get(rr, "limits")));
		if (nonempty(json_object_get(rr, "requests")))
			json_object_set_new(r, "requests",
					    sorted_copy(json_object_get(rr, "requests")));
		json_object_set_new(out, "resources", r);
	}
	mounts = json_array();
	json_array_foreach (json_object_get(c, "mounts"), i, v) {
		const char *type = str(v, "type"), *target = str(v, "target");
		const char *vname = str(v, "source");
		json_t *m;

		if (type == NULL || target == NULL)
			continue;
		if (strcmp(type, "pod") != 0) {
			/* podctl run's own mounts become pod volumes of their own. */
			cleanup_free char *vn = xasprintf("%s-%zu", name, i);
			json_t *pv;

			if (strcmp(type, "volume") == 0)
				pv = json_pack("{s:s, s:s, s:s}", "name", vn, "type", "volume",
					       "source", vname ? vname : vn);
			else if (strcmp(type, "bind") == 0)
				pv = json_pack("{s:s, s:s, s:s}", "name", vn, "type", "host_path",
					       "path", vname ? vname : "/");
			else if (strcmp(type, "tmpfs") == 0)
				pv = json_pack("{s:s, s:s, s:s}", "name", vn, "type", "empty_dir",
					       "medium", "Memory");
			else
				continue;
			json_array_append_new(volumes, volume_of(pv, data_docs));
			json_decref(pv);
			vname = json_string_value(json_object_get(
			    json_array_get(volumes, json_array_size(volumes) - 1), "name"));
		}
		m = json_pack("{s:s, s:s}", "name", vname ? vname : "v", "mountPath", target);
		if (json_is_true(json_object_get(v, "read_only")))
			json_object_set_new(m, "readOnly", json_true());
		if (nonempty(json_object_get(v, "sub_path")))
			json_object_set(m, "subPath", json_object_get(v, "sub_path"));
		json_array_append_new(mounts, m);
	}
	if (json_array_size(mounts) > 0)
		json_object_set_new(out, "volumeMounts", mounts);
	else
		json_decref(mounts);
	{
		static const char *const api[] = {"liveness_probe", "readiness_probe",
						  "startup_probe"};
		static const char *const k8s[] = {"livenessProbe", "readinessProbe",
						  "startupProbe"};

		for (size_t p = 0; p < 3; p++) {
			if (nonempty(json_object_get(c, api[p])))
				json_object_set(out, k8s[p], json_object_get(c, api[p]));
			else if (nonempty(json_object_get(kube, api[p])))
				json_object_set(out, k8s[p], json_object_get(kube, api[p]));
		}
	}
	if (strcmp(role_of(c), "sidecar") == 0)
		json_object_set_new(out, "restartPolicy", json_string("Always"));
	sc = json_object();
	if (nonempty(json_object_get(c, "cap_add")) || nonempty(json_object_get(c, "cap_drop"))) {
		json_t *caps = json_object();

		if (nonempty(json_object_get(c, "cap_add")))
			json_object_set(caps, "add", json_object_get(c, "cap_add"));
		if (nonempty(json_object_get(c, "cap_drop")))
			json_object_set(caps, "drop", json_object_get(c, "cap_drop"));
		json_object_set_new(sc, "capabilities", caps);
	}
	if (json_is_boolean(json_object_get(c, "privileged")))
		json_object_set(sc, "privileged", json_object_get(c, "privileged"));
	if (json_is_true(json_object_get(c, "read_only")))
		json_object_set_new(sc, "readOnlyRootFilesystem", json_true());
	/* issue 13: a custom profile has no file to name (Localhost). */
	if (str(c, "seccomp") != NULL && strcmp(str(c, "seccomp"), "unconfined") == 0)
		json_object_set_new(sc, "seccompProfile", json_pack("{s:s}", "type", "Unconfined"));
	if (json_is_boolean(json_object_get(c, "allow_privilege_escalation")))
		json_object_set(sc, "allowPrivilegeEscalation",
				json_object_get(c, "allow_privilege_escalation"));
	/* The image's user is the image's business, not the manifest's. */
	if (str(c, "user") != NULL &&
	    (str(cfg, "User") == NULL || strcmp(str(cfg, "User"), str(c, "user")) != 0))
		user_of(str(c, "user"), sc);
	if (json_object_size(sc) > 0)
		json_object_set_new(out, "securityContext", sc);
	else
		json_decref(sc);
	if (json_is_true(json_object_get(c, "stdin")))
		json_object_set_new(out, "stdin", json_true());
	if (json_is_true(json_object_get(c, "tty")))
		json_object_set_new(out, "tty", json_true());
	return out;
}

/* The pod's restartPolicy: its own, else what its app containers' docker
 * policies say. */
static const char *
pod_policy(const json_t *pod, const json_t *apps)
{
	const char *rp = str(pod, "restart_policy");
	size_t i;
	json_t *c;

	if (rp != NULL && rp[0] != '\0')
		return rp;
	json_array_foreach (apps, i, c) {
		const char *p = str(c, "restart_policy");

		if (p != NULL && (strcmp(p, "always") == 0 || strcmp(p, "unless-stopped") == 0))
			return "Always";
		if (p != NULL && strncmp(p, "on-failure", 10) == 0)
			return "OnFailure";
	}
	return "Never";
}

static json_t *
data_doc(const char *name, const json_t *d)
{
	bool secret = json_is_true(json_object_get(d, "secret"));
	json_t *doc = json_pack("{s:s, s:s, s:{s:s}}", "apiVersion", "v1", "kind",
				secret ? "Secret" : "ConfigMap", "metadata", "name", name);
	json_t *data = json_object(), *bin = json_object();
	cleanup_json json_t *sorted = sorted_copy(json_object_get(d, "data"));
	const char *k;
	json_t *v;

	json_object_foreach (sorted, k, v) {
		struct pd_err e = {0};
		size_t len = 0;
		cleanup_free char *raw = pd_base64_decode(json_string_value(v), &len, &e);

		if (secret)
			json_object_set(data, k, v);
		else if (raw != NULL && strlen(raw) == len)
			json_object_set_new(data, k, json_string(raw));
		else
			json_object_set(bin, k, v);
	}
	if (secret)
		json_object_set_new(doc, "type", json_string("Opaque"));
	if (json_object_size(data) > 0)
		json_object_set_new(doc, "data", data);
	else
		json_decref(data);
	if (json_object_size(bin) > 0)
		json_object_set_new(doc, "binaryData", bin);
	else
		json_decref(bin);
	return doc;
}

json_t *
kube_generate(const json_t *pod, const json_t *ctrs, const char *type, struct pd_err *err)
{
	size_t n = json_array_size(ctrs), i;
	cleanup_free struct ord *ord = NULL;
	cleanup_json json_t *data_docs = json_object();
	cleanup_json json_t *host_ports = NULL;
	cleanup_json json_t *apps = json_array();
	json_t *docs, *spec, *meta, *inits, *cts, *vols, *v, *doc;
	cleanup_free char *pod_name = NULL;
	const json_t *labels, *ann, *x;

	if (n == 0) {
		pd_fail(err, PD_E_INVALID, "a manifest needs at least one container");
		return NULL;
	}
	pod_name = xstrdup(pod ? (str(pod, "name") ?: "pod")
			       : (str(json_array_get(ctrs, 0), "name") ?: "pod"));
	ord = xcalloc(n, sizeof(*ord));
	json_array_foreach (ctrs, i, x) {
		ord[i].c = x;
		ord[i].seq = seq_of(x, i);
		ord[i].index = i;
	}
	qsort(ord, n, sizeof(*ord), cmp_ord);
	host_ports = json_deep_copy(pod ? json_object_get(pod, "ports") : NULL);
	if (host_ports == NULL)
		host_ports = json_array();
	vols = json_array();
	json_array_foreach (pod ? json_object_get(pod, "volumes") : NULL, i, x) {
		json_t *kv = volume_of(x, data_docs);

		if (kv != NULL)
			json_array_append_new(vols, kv);
	}
	inits = json_array();
	cts = json_array();
	for (i = 0; i < n; i++) {
		const char *role = role_of(ord[i].c);
		bool init = strcmp(role, "init") == 0 || strcmp(role, "sidecar") == 0;

		json_array_append_new(
		    init ? inits : cts,
		    container_of(ord[i].c, pod ? pod_name : NULL, host_ports, vols, data_docs));
		if (!init)
			json_array_append(apps, (json_t *)ord[i].c);
	}
	/* A published port no container declares goes to the first app one. */
	json_array_foreach (host_ports, i, x) {
		json_t *first = json_array_get(cts, 0), *plist;
		const char *proto = str(x, "protocol") ? str(x, "protocol") : "tcp";

		if (json_is_true(json_object_get(x, "used")) || first == NULL)
			continue;
		plist = json_object_get(first, "ports");
		if (plist == NULL) {
			plist = json_array();
			json_object_set_new(first, "ports", plist);
		}
		v = json_pack("{s:O, s:O, s:s}", "containerPort", json_object_get(x, "pod_port"),
			      "hostPort", json_object_get(x, "host_port"), "protocol",
			      strcasecmp(proto, "udp") == 0 ? "UDP" : "TCP");
		if (str(x, "host_ip") && strcmp(str(x, "host_ip"), "0.0.0.0") != 0)
			json_object_set(v, "hostIP", json_object_get(x, "host_ip"));
		json_array_append_new(plist, v);
	}
	if (json_array_size(cts) == 0) {
		json_decref(inits);
		json_decref(cts);
		json_decref(vols);
		pd_fail(err, PD_E_INVALID, "pod \"%s\" has no app container", pod_name);
		return NULL;
	}
	spec = json_object();
	if (json_array_size(inits) > 0)
		json_object_set_new(spec, "initContainers", inits);
	else
		json_decref(inits);
	json_object_set_new(spec, "containers", cts);
	json_object_set_new(spec, "restartPolicy", json_string(pod_policy(pod, apps)));
	if (pod != NULL) {
		const char *hn = str(pod, "hostname"), *net = str(pod, "network");
		const char *userns = str(json_object_get(pod, PD_F_USERNS), PD_F_USERNS_MODE);

		if (json_is_integer(json_object_get(pod, "termination_grace_period")))
			json_object_set(spec, "terminationGracePeriodSeconds",
					json_object_get(pod, "termination_grace_period"));
		if (json_is_integer(json_object_get(pod, "active_deadline")))
			json_object_set(spec, "activeDeadlineSeconds",
					json_object_get(pod, "active_deadline"));
		if (json_is_true(json_object_get(pod, "share_pid")))
			json_object_set_new(spec, "shareProcessNamespace", json_true());
		if (net != NULL && strcmp(net, "host") == 0)
			json_object_set_new(spec, "hostNetwork", json_true());
		if (json_is_true(json_object_get(pod, "host_pid")))
			json_object_set_new(spec, "hostPID", json_true());
		if (json_is_true(json_object_get(pod, "host_ipc")))
			json_object_set_new(spec, "hostIPC", json_true());
		/* issue 13 */
		if (userns != NULL && strcmp(userns, PD_USERNS_AUTO) == 0)
			json_object_set_new(spec, "hostUsers", json_false());
		if (hn != NULL && strcmp(hn, pod_name) != 0)
			json_object_set_new(spec, "hostname", json_string(hn));
		if (nonempty(json_object_get(pod, "subdomain")))
			json_object_set(spec, "subdomain", json_object_get(pod, "subdomain"));
		if (nonempty(json_object_get(pod, "dns")) ||
		    nonempty(json_object_get(pod, "dns_search")) ||
		    nonempty(json_object_get(pod, "dns_options"))) {
			json_t *dc = json_object(), *opts;

			if (nonempty(json_object_get(pod, "dns")))
				json_object_set(dc, "nameservers", json_object_get(pod, "dns"));
			if (nonempty(json_object_get(pod, "dns_search")))
				json_object_set(dc, "searches", json_object_get(pod, "dns_search"));
			opts = json_array();
			json_array_foreach (json_object_get(pod, "dns_options"), i, x) {
				const char *o = json_string_value(x), *colon;

				if (o == NULL)
					continue;
				colon = strchr(o, ':');
				json_array_append_new(
				    opts, colon ? json_pack("{s:s%, s:s}", "name", o,
							    (size_t)(colon - o), "value", colon + 1)
						: json_pack("{s:s}", "name", o));
			}
			if (json_array_size(opts) > 0)
				json_object_set_new(dc, "options", opts);
			else
				json_decref(opts);
			json_object_set_new(spec, "dnsConfig", dc);
		}
		if (nonempty(json_object_get(pod, "host_aliases"))) {
			json_t *ha = json_array();

			json_array_foreach (json_object_get(pod, "host_aliases"), i, x)
				json_array_append_new(
				    ha, json_pack("{s:O, s:O}", "ip", json_object_get(x, "ip"),
						  "hostnames", json_object_get(x, "hostnames")));
			json_object_set_new(spec, "hostAliases", ha);
		}
	}
	if (json_array_size(vols) > 0)
		json_object_set_new(spec, "volumes", vols);
	else
		json_decref(vols);

	docs = json_array();
	{
		cleanup_free const char **names = NULL;
		size_t nd = json_object_size(data_docs), k = 0;
		const char *dn;

		if (nd > 0) {
			names = xcalloc(nd, sizeof(*names));
			json_object_foreach (data_docs, dn, v)
				names[k++] = dn;
			qsort(names, nd, sizeof(*names), cmp_str);
			for (k = 0; k < nd; k++)
				json_array_append_new(
				    docs, data_doc(names[k], json_object_get(data_docs, names[k])));
		}
	}
	/* A Deployment of a controller's replica takes the controller's name
	 * (web, not web-0): play names its pods web-0... again. */
	if (type != NULL && strcmp(type, "deployment") == 0 && pod != NULL &&
	    str(json_object_get(pod, "kube"), "name") != NULL &&
	    str(json_object_get(pod, "kube"), "kind") != NULL &&
	    strcmp(str(json_object_get(pod, "kube"), "kind"), "Pod") != 0)
		meta = json_pack("{s:s}", "name", str(json_object_get(pod, "kube"), "name"));
	else
		meta = json_pack("{s:s}", "name", pod_name);
	labels = pod ? json_object_get(pod, "labels")
		     : json_object_get(json_array_get(ctrs, 0), "labels");
	ann = pod ? json_object_get(pod, "annotations") : NULL;
	if (type != NULL && strcmp(type, "deployment") == 0) {
		cleanup_json json_t *lab =
		    nonempty(labels) ? sorted_copy(labels) : json_pack("{s:s}", "app", pod_name);
		json_t *tmeta = json_pack("{s:O}", "labels", lab);

		json_object_set(meta, "labels", lab);
		if (nonempty(ann)) {
			json_object_set_new(meta, "annotations", sorted_copy(ann));
			json_object_set_new(tmeta, "annotations", sorted_copy(ann));
		}
		doc = json_pack("{s:s, s:s, s:o, s:{s:i, s:{s:O}, s:{s:o, s:o}}}", "apiVersion",
				"apps/v1", "kind", "Deployment", "metadata", meta, "spec",
				"replicas", 1, "selector", "matchLabels", lab, "template",
				"metadata", tmeta, "spec", spec);
	} else {
		if (nonempty(labels))
			json_object_set_new(meta, "labels", sorted_copy(labels));
		if (nonempty(ann))
			json_object_set_new(meta, "annotations", sorted_copy(ann));
		doc = json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "v1", "kind", "Pod",
				"metadata", meta, "spec", spec);
	}
	json_array_append_new(docs, doc);
	return docs;
}
