/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest documents → the plan of /v1 bodies (kube_model.h says what):
 * the documents and their kinds, controllers' replicas, and the pod spec;
 * the parts of a pod are walked in kube_env.c, kube_container.c and
 * kube_volume.c, on the shared parts of kube_walk.h.
 */
#include "kube_model.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "api.h"
#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

#include "kube_walk.h"

/* ---- pods -------------------------------------------------------------- */

static int
dns_config(struct ctx *c, const json_t *spec, json_t *body)
{
	static const char *const known[] = {"nameservers", "searches", "options", NULL};
	const json_t *d, *opts, *o;
	json_t *ns = NULL, *search = NULL, *out;
	size_t i, s;

	if (kw_get_obj(c, spec, "dnsConfig", &d) < 0)
		return -1;
	if (d == NULL)
		return 0;
	s = kw_path_key(c, "dnsConfig");
	if (kw_check_fields(c, d, known, NULL) < 0 || kw_get_strings(c, d, "nameservers", &ns) < 0)
		return -1;
	if (ns != NULL)
		json_object_set_new(body, "dns", ns);
	if (kw_get_strings(c, d, "searches", &search) < 0)
		return -1;
	if (search != NULL)
		json_object_set_new(body, "dns_search", search);
	if (kw_get_arr(c, d, "options", &opts) < 0)
		return -1;
	out = json_array();
	json_array_foreach (opts, i, o) {
		const char *n = NULL, *v = NULL;
		size_t s2 = kw_path_push(c, ".options[%zu]", i);

		if (!json_is_object(o) || kw_get_str(c, o, "name", &n) < 0 ||
		    kw_get_str(c, o, "value", &v) < 0) {
			json_decref(out);
			return json_is_object(o) ? -1 : kw_fail(c, "must be an object");
		}
		if (n == NULL) {
			json_decref(out);
			return kw_fail_key(c, "name", "Required value");
		}
		json_array_append_new(out, v ? json_sprintf("%s:%s", n, v) : json_string(n));
		kw_path_pop(c, s2);
	}
	if (json_array_size(out) > 0)
		json_object_set_new(body, "dns_options", out);
	else
		json_decref(out);
	kw_path_pop(c, s);
	return 0;
}

static int
host_aliases(struct ctx *c, const json_t *spec, json_t *body)
{
	const json_t *list, *a;
	json_t *out;
	size_t i;

	if (kw_get_arr(c, spec, "hostAliases", &list) < 0)
		return -1;
	if (list == NULL || json_array_size(list) == 0)
		return 0;
	out = json_array();
	json_object_set_new(body, "host_aliases", out);
	json_array_foreach (list, i, a) {
		static const char *const known[] = {"ip", "hostnames", NULL};
		size_t s = kw_path_push(c, ".hostAliases[%zu]", i);
		const char *ip = NULL;
		json_t *names = NULL;

		if (!json_is_object(a) || kw_check_fields(c, a, known, NULL) < 0 ||
		    kw_get_str(c, a, "ip", &ip) < 0 ||
		    kw_get_strings(c, a, "hostnames", &names) < 0)
			return json_is_object(a) ? -1 : kw_fail(c, "must be an object");
		if (ip == NULL) {
			json_decref(names);
			return kw_fail_key(c, "ip", "Required value");
		}
		json_array_append_new(out, json_pack("{s:s, s:o}", "ip", ip, "hostnames",
						     names ? names : json_array()));
		kw_path_pop(c, s);
	}
	return 0;
}

/* A pod spec (a Pod's, or a template's) named @pod → a plan entry. */
static json_t *
pod(struct ctx *c, const json_t *meta, const json_t *spec, const char *pod_name, json_t *origin,
    const char *forced_policy)
{
	static const char *const known[] = {"containers",
					    "initContainers",
					    "restartPolicy",
					    "shareProcessNamespace",
					    "hostNetwork",
					    "hostPID",
					    "hostIPC",
					    "hostname",
					    "subdomain",
					    "dnsConfig",
					    "hostAliases",
					    "terminationGracePeriodSeconds",
					    "activeDeadlineSeconds",
					    "volumes",
					    "securityContext",
					    "hostUsers",
					    NULL};
	static const char *const quiet[] = {"dnsPolicy", "schedulerName", NULL};
	cleanup_json json_t *body = json_object();
	cleanup_json json_t *entry = json_object();
	cleanup_json json_t *vols = json_object();
	cleanup_json json_t *names = json_object();
	json_t *ctrs = json_array(), *pulls = json_array(), *claims = json_array();
	json_t *labels = NULL, *ann = NULL, *vlist;
	const json_t *list, *x, *psc;
	const char *rp = NULL, *hostname = NULL, *sub = NULL;
	int share, hnet, hpid, hipc, husers;
	long long grace, deadline;
	/* @origin is the pod's "kube" object, stolen on every path. */
	cleanup_json json_t *own_origin = origin;
	struct pod_build pb = {.pod = pod_name,
			       .meta = meta,
			       .names = names,
			       .pulls = pulls,
			       .pod_uid = -1,
			       .pod_gid = -1};
	size_t i, s;

	json_object_set_new(entry, "name", json_string(pod_name));
	json_object_set_new(entry, "pod", json_incref(body));
	json_object_set_new(entry, "containers", ctrs);
	json_object_set_new(entry, "pulls", pulls);
	json_object_set_new(entry, "claims", claims);
	json_object_set_new(body, "name", json_string(pod_name));
	if (kw_string_map(c, meta, "labels", true, &labels) < 0)
		return NULL;
	if (labels != NULL)
		json_object_set_new(body, "labels", labels);
	if (kw_string_map(c, meta, "annotations", false, &ann) < 0)
		return NULL;
	if (ann != NULL && json_object_size(ann) > 0)
		json_object_set_new(body, "annotations", ann);
	else
		json_decref(ann);
	if (spec == NULL) {
		kw_fail_key(c, "spec", "Required value");
		return NULL;
	}
	s = kw_path_key(c, "spec");
	if (kw_check_fields(c, spec, known, quiet) < 0 ||
	    kw_get_str(c, spec, "restartPolicy", &rp) < 0 ||
	    kw_get_str(c, spec, "hostname", &hostname) < 0 ||
	    kw_get_str(c, spec, "subdomain", &sub) < 0 ||
	    kw_get_bool(c, spec, "shareProcessNamespace", &share) < 0 ||
	    kw_get_bool(c, spec, "hostNetwork", &hnet) < 0 ||
	    kw_get_bool(c, spec, "hostPID", &hpid) < 0 ||
	    kw_get_bool(c, spec, "hostIPC", &hipc) < 0 ||
	    kw_get_bool(c, spec, "hostUsers", &husers) < 0 ||
	    kw_get_int(c, spec, "terminationGracePeriodSeconds", 0, 86400, &grace) < 0 ||
	    kw_get_int(c, spec, "activeDeadlineSeconds", 1, 1LL << 31, &deadline) < 0 ||
	    kw_get_obj(c, spec, "securityContext", &psc) < 0)
		return NULL;
	if (rp != NULL && strcmp(rp, "Always") != 0 && strcmp(rp, "OnFailure") != 0 &&
	    strcmp(rp, "Never") != 0) {
		kw_fail_key(c, "restartPolicy", "must be Always, OnFailure or Never");
		return NULL;
	}
	if (forced_policy != NULL) {
		if (rp == NULL || (strcmp(rp, "Never") != 0 && strcmp(rp, "OnFailure") != 0)) {
			kw_fail_key(c, "restartPolicy", "a Job's must be Never or OnFailure");
			return NULL;
		}
	}
	json_object_set_new(body, "restart_policy", json_string(rp ? rp : "Always"));
	pb.policy = rp ? rp : "Always";
	if (hostname != NULL) {
		if (!kube_dns_label(hostname)) {
			kw_fail_key(c, "hostname", "not a lowercase RFC 1123 label");
			return NULL;
		}
		json_object_set_new(body, "hostname", json_string(hostname));
	}
	if (sub != NULL && sub[0] != '\0') {
		if (!kube_dns_label(sub)) {
			kw_fail_key(c, "subdomain", "not a lowercase RFC 1123 label");
			return NULL;
		}
		json_object_set_new(body, "subdomain", json_string(sub));
		if (kw_warn_key(c, "subdomain", "kept, not enforced yet") < 0)
			return NULL;
	}
	/* issue 13: a user namespace of the pod's own, as the kubelet's */
	if (husers == 0)
		json_object_set_new(body, PD_F_USERNS, json_string(PD_USERNS_AUTO));
	if (share == 1)
		json_object_set_new(body, "share_pid", json_true());
	if (hnet == 1) {
		json_object_set_new(body, "network", json_string("host"));
		pb.host_network = true;
	}
	if (hpid == 1)
		json_object_set_new(body, "host_pid", json_true());
	if (hipc == 1)
		json_object_set_new(body, "host_ipc", json_true());
	if (grace >= 0)
		json_object_set_new(body, "termination_grace_period", json_integer(grace));
	if (deadline > 0)
		json_object_set_new(body, "active_deadline", json_integer(deadline));
	if (psc != NULL) {
		static const char *const sk[] = {"runAsUser", "runAsGroup", "seccompProfile", NULL};
		size_t s2 = kw_path_key(c, "securityContext");

		if (kw_check_fields(c, psc, sk, NULL) < 0 ||
		    kw_get_int(c, psc, "runAsUser", 0, 2147483647, &pb.pod_uid) < 0 ||
		    kw_get_int(c, psc, "runAsGroup", 0, 2147483647, &pb.pod_gid) < 0 ||
		    kw_seccomp_profile(c, psc, &pb.seccomp) < 0)
			return NULL;
		kw_path_pop(c, s2);
	}
	if (dns_config(c, spec, body) < 0 || host_aliases(c, spec, body) < 0)
		return NULL;
	/* Volumes first: the mounts name them. */
	if (kw_get_arr(c, spec, "volumes", &list) < 0)
		return NULL;
	vlist = json_array();
	json_object_set_new(body, "volumes", vlist);
	json_array_foreach (list, i, x) {
		size_t s2 = kw_path_push(c, ".volumes[%zu]", i);
		json_t *v = kw_volume(c, x, claims);

		if (v == NULL)
			return NULL;
		if (json_object_get(vols, json_string_value(json_object_get(v, "name"))) != NULL) {
			json_decref(v);
			kw_fail_key(c, "name", "Duplicate value");
			return NULL;
		}
		json_object_set_new(vols, json_string_value(json_object_get(v, "name")),
				    json_true());
		json_array_append_new(vlist, v);
		kw_path_pop(c, s2);
	}
	if (json_array_size(vlist) == 0)
		json_object_del(body, "volumes");
	pb.volumes = vols;
	pb.publish = json_array();
	json_object_set_new(body, "ports", pb.publish);
	for (int pass = 0; pass < 2; pass++) {
		const char *key = pass == 0 ? "initContainers" : "containers";

		if (kw_get_arr(c, spec, key, &list) < 0)
			return NULL;
		if (pass == 1 && json_array_size(list) == 0) {
			kw_fail_key(c, key, "Required value");
			return NULL;
		}
		json_array_foreach (list, i, x) {
			size_t s2 = kw_path_push(c, ".%s[%zu]", key, i);
			json_t *b = kw_container(c, x, &pb, pass == 0 ? "init" : "app");

			if (b == NULL)
				return NULL;
			json_array_append_new(ctrs, b);
			kw_path_pop(c, s2);
		}
	}
	if (json_array_size(pb.publish) == 0)
		json_object_del(body, "ports");
	kw_path_pop(c, s);
	json_object_set(body, "kube", origin);
	return steal_ptr(entry);
}

/* ---- documents -------------------------------------------------------- */

static const char *
str_at(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
plan_doc(struct ctx *c, const json_t *doc, json_t *pods, json_t *seen)
{
	static const char *const doc_known[] = {"apiVersion", "kind", "metadata", "spec", NULL};
	static const char *const meta_known[] = {"name", "namespace", "labels", "annotations",
						 NULL};
	static const char *const quiet_meta[] = {"creationTimestamp", NULL};
	static const char *const tmpl_known[] = {"metadata", "spec", NULL};
	const char *kind = str_at(doc, "kind"), *api = str_at(doc, "apiVersion");
	const char *name = NULL, *ns = NULL;
	const json_t *meta, *spec, *tmpl = NULL, *tmeta, *tspec;
	long long replicas = 1;
	bool controller;

	if (strcmp(kind, "ConfigMap") == 0 || strcmp(kind, "Secret") == 0)
		return 0; /* kept in the first pass */
	if (kw_check_fields(c, doc, doc_known, (const char *const[]){"status", NULL}) < 0 ||
	    kw_get_obj(c, doc, "metadata", &meta) < 0 || kw_get_obj(c, doc, "spec", &spec) < 0)
		return -1;
	if (meta == NULL || kw_get_str(c, meta, "name", &name) < 0 || name == NULL)
		return kw_fail_key(c, "metadata.name", "Required value");
	if (kw_get_str(c, meta, "namespace", &ns) < 0)
		return -1;
	{
		size_t s = kw_path_key(c, "metadata");
		int r = kw_check_fields(c, meta, meta_known, quiet_meta);

		kw_path_pop(c, s);
		if (r < 0)
			return -1;
	}
	if (!kube_dns_subdomain(name))
		return kw_fail_key(c, "metadata.name", "not a lowercase RFC 1123 subdomain");
	controller = strcmp(kind, "Pod") != 0;
	if (strcmp(kind, "Pod") == 0 && strcmp(api, "v1") != 0)
		return kw_fail_key(c, "apiVersion", "a Pod's is v1");
	if ((strcmp(kind, "Deployment") == 0 || strcmp(kind, "ReplicaSet") == 0 ||
	     strcmp(kind, "StatefulSet") == 0 || strcmp(kind, "DaemonSet") == 0) &&
	    strcmp(api, "apps/v1") != 0)
		return kw_fail_key(c, "apiVersion", "must be apps/v1");
	if (strcmp(kind, "Job") == 0 && strcmp(api, "batch/v1") != 0)
		return kw_fail_key(c, "apiVersion", "a Job's is batch/v1");
	if (controller) {
		static const char *const known[] = {"template", "replicas", "selector",
						    "activeDeadlineSeconds", NULL};
		static const char *const quiet[] = {"strategy",
						    "serviceName",
						    "updateStrategy",
						    "revisionHistoryLimit",
						    "progressDeadlineSeconds",
						    NULL};
		const json_t *sel, *ml;
		long long jd;
		size_t s;

		if (spec == NULL)
			return kw_fail_key(c, "spec", "Required value");
		s = kw_path_key(c, "spec");
		if (kw_check_fields(c, spec, known, quiet) < 0 ||
		    kw_get_obj(c, spec, "template", &tmpl) < 0 ||
		    kw_get_int(c, spec, "replicas", 0, KUBE_MAX_REPLICAS, &replicas) < 0 ||
		    kw_get_obj(c, spec, "selector", &sel) < 0 ||
		    kw_get_int(c, spec, "activeDeadlineSeconds", 1, 1LL << 31, &jd) < 0)
			return -1;
		if (jd > 0 && strcmp(kind, "Job") != 0)
			return kw_fail_key(c, "activeDeadlineSeconds", "only a Job has one");
		if (replicas < 0 || strcmp(kind, "DaemonSet") == 0 || strcmp(kind, "Job") == 0)
			replicas = 1;
		if (tmpl == NULL)
			return kw_fail_key(c, "template", "Required value");
		if (kw_check_fields(c, tmpl, tmpl_known, NULL) < 0 ||
		    kw_get_obj(c, tmpl, "metadata", &tmeta) < 0 ||
		    kw_get_obj(c, tmpl, "spec", &tspec) < 0)
			return -1;
		if (strcmp(kind, "Job") != 0 && sel == NULL)
			return kw_fail_key(c, "selector", "Required value");
		ml = sel ? json_object_get(sel, "matchLabels") : NULL;
		if (ml != NULL) {
			const char *k;
			json_t *v;
			const json_t *tl = json_object_get(tmeta, "labels");

			json_object_foreach ((json_t *)ml, k, v)
				if (!json_equal(json_object_get(tl, k), v))
					return kw_fail_key(c, "template.metadata.labels",
							   "does not match the selector");
		}
		kw_path_pop(c, s);
		for (long long r = 0; r < replicas; r++) {
			char pname[256];
			size_t s2 = kw_path_key(c, "spec.template");
			json_t *origin, *e;
			cleanup_json json_t *tm = tmeta ? json_deep_copy(tmeta) : json_object();

			if (snprintf(pname, sizeof(pname), "%s-%lld", name, r) >= 64)
				return kw_fail_key(c, "metadata.name",
						   "with its replica number, over podd's 63 bytes");
			json_object_set_new(tm, "name", json_string(pname));
			if (ns != NULL)
				json_object_set_new(tm, "namespace", json_string(ns));
			origin = json_pack("{s:s, s:s, s:s, s:I}", "kind", kind, "api_version", api,
					   "name", name, "replica", (json_int_t)r);
			if (ns != NULL)
				json_object_set_new(origin, "namespace", json_string(ns));
			if (json_object_get(seen, pname) != NULL) {
				json_decref(origin);
				return kw_fail_key(c, "metadata.name", "a second pod of this name");
			}
			json_object_set_new(seen, pname, json_true());
			{
				size_t s3 = kw_path_key(c, "metadata");
				int r2 =
				    tmeta ? kw_check_fields(c, tmeta, meta_known, quiet_meta) : 0;

				kw_path_pop(c, s3);
				if (r2 < 0) {
					json_decref(origin);
					return -1;
				}
			}
			kw_path_pop(c, s2);
			s2 = kw_path_key(c, "spec.template");
			e = pod(c, tm, tspec, pname, origin,
				strcmp(kind, "Job") == 0 ? "job" : NULL);
			if (e == NULL)
				return -1;
			if (jd > 0)
				json_object_set_new(json_object_get(e, "pod"), "active_deadline",
						    json_integer(jd));
			json_object_set_new(e, "kind", json_string(kind));
			json_array_append_new(pods, e);
			kw_path_pop(c, s2);
			if (json_array_size(pods) > KUBE_MAX_PODS)
				return kw_fail(c, "more than %d pods", KUBE_MAX_PODS);
		}
		return 0;
	}
	{
		json_t *origin =
		    json_pack("{s:s, s:s, s:s}", "kind", kind, "api_version", api, "name", name);
		json_t *e;

		if (ns != NULL)
			json_object_set_new(origin, "namespace", json_string(ns));
		if (json_object_get(seen, name) != NULL) {
			json_decref(origin);
			return kw_fail_key(c, "metadata.name", "a second pod of this name");
		}
		json_object_set_new(seen, name, json_true());
		if (strlen(name) > 63) {
			json_decref(origin);
			return kw_fail_key(c, "metadata.name", "over podd's 63 bytes");
		}
		e = pod(c, meta, spec, name, origin, NULL);
		if (e == NULL)
			return -1;
		json_object_set_new(e, "kind", json_string(kind));
		json_array_append_new(pods, e);
	}
	return 0;
}

static const char *const kinds[] = {"Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
				    "Job", "ConfigMap",  "Secret",     NULL};

/* The kind and name of a document, for messages: "Pod \"web\"". */
static int
doc_what(struct ctx *c, const json_t *doc, size_t index)
{
	const char *kind, *name;

	c->plen = 0;
	c->path[0] = '\0';
	if (!json_is_object(doc)) {
		(void)snprintf(c->what, sizeof(c->what), "document %zu", index + 1);
		return kw_fail(c, "must be an object");
	}
	kind = str_at(doc, "kind");
	name = str_at(json_object_get(doc, "metadata"), "name");
	(void)snprintf(c->what, sizeof(c->what), "%s%s%.64s%s", kind ? kind : "document",
		       name ? " \"" : "", name ? name : "", name ? "\"" : "");
	if (kind == NULL)
		return kw_fail_key(c, "kind", "Required value");
	if (!json_is_string(json_object_get(doc, "apiVersion")))
		return kw_fail_key(c, "apiVersion", "Required value");
	if (!kw_in_list(kind, kinds))
		return kw_fail_key(c, "kind",
				   "not supported (Pod, Deployment, ReplicaSet, "
				   "StatefulSet, DaemonSet, Job, ConfigMap, Secret)");
	return 0;
}

int
kube_plan_make(const json_t *docs, const json_t *extra, bool strict, struct kube_plan *plan,
	       struct pd_err *err)
{
	cleanup_json json_t *cms = json_object();
	cleanup_json json_t *secs = json_object();
	cleanup_json json_t *pods = json_array();
	cleanup_json json_t *warnings = json_array();
	cleanup_json json_t *seen = json_object();
	struct ctx c = {
	    .err = err, .strict = strict, .configmaps = cms, .secrets = secs, .warnings = warnings};
	const json_t *d;
	size_t i;

	memset(plan, 0, sizeof(*plan));
	for (int pass = 0; pass < 2; pass++) {
		const json_t *list = pass == 0 ? extra : docs;

		json_array_foreach (list, i, d) {
			const char *kind;

			if (doc_what(&c, d, i) < 0)
				return -1;
			kind = str_at(d, "kind");
			if (pass == 0 && strcmp(kind, "ConfigMap") != 0 &&
			    strcmp(kind, "Secret") != 0)
				return kw_fail(
				    &c, "--configmap files hold ConfigMap and Secret documents");
			if ((strcmp(kind, "ConfigMap") == 0 || strcmp(kind, "Secret") == 0) &&
			    kw_keep_data_doc(&c, d, strcmp(kind, "Secret") == 0) < 0)
				return -1;
		}
	}
	json_array_foreach (docs, i, d) {
		doc_what(&c, d, i);
		if (plan_doc(&c, d, pods, seen) < 0)
			return -1;
	}
	if (json_array_size(pods) == 0)
		return pd_fail(err, PD_E_INVALID,
			       "no Pod, Deployment, ReplicaSet, StatefulSet, "
			       "DaemonSet or Job in the manifest");
	plan->pods = steal_ptr(pods);
	plan->warnings = steal_ptr(warnings);
	return 0;
}

void
kube_plan_clear(struct kube_plan *plan)
{
	json_decref(plan->pods);
	json_decref(plan->warnings);
	plan->pods = plan->warnings = NULL;
}
