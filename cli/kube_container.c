/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container of a manifest → its POST /v1/containers body: name, image,
 * command and args, env, ports, securityContext, mounts, resources, probes
 * (kube_walk.h).
 */
#include "kube_walk.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

/* ---- probes ------------------------------------------------------------- */

/* A port by number or by the container's port name, into *port. */
static int
probe_port(struct ctx *c, const json_t *h, const json_t *ports, json_int_t *port)
{
	const json_t *v = json_object_get(h, "port");
	const json_t *p;
	size_t i;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 65535)
			return kw_fail_key(c, "port", "must be between 1 and 65535");
		*port = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return kw_fail_key(c, "port", "Required value: a number or a port's name");
	json_array_foreach (ports, i, p) {
		if (json_is_string(json_object_get(p, "name")) &&
		    strcmp(json_string_value(json_object_get(p, "name")), json_string_value(v)) ==
			0 &&
		    json_is_integer(json_object_get(p, "containerPort"))) {
			*port = json_integer_value(json_object_get(p, "containerPort"));
			return 0;
		}
	}
	return kw_fail_key(c, "port", "names no port of this container");
}

/* The Probe object for the API: the handler with its port as a number, the
 * timings as given (podd fills the defaults). */
static json_t *
probe(struct ctx *c, const json_t *pr, const json_t *ports, bool must_one_success)
{
	static const char *const known[] = {"exec",
					    "httpGet",
					    "tcpSocket",
					    "grpc",
					    "initialDelaySeconds",
					    "periodSeconds",
					    "timeoutSeconds",
					    "successThreshold",
					    "failureThreshold",
					    "terminationGracePeriodSeconds",
					    NULL};
	static const char *const nums[] = {"initialDelaySeconds",
					   "periodSeconds",
					   "timeoutSeconds",
					   "successThreshold",
					   "failureThreshold",
					   "terminationGracePeriodSeconds",
					   NULL};
	cleanup_json json_t *out = json_object();
	const json_t *h;
	int handlers = 0;
	json_int_t port;

	if (!json_is_object(pr)) {
		kw_fail(c, "must be an object");
		return NULL;
	}
	if (kw_check_fields(c, pr, known, NULL) < 0)
		return NULL;
	for (const char *const *n = nums; *n != NULL; n++) {
		long long v;
		long long min = strcmp(*n, "initialDelaySeconds") == 0 ? 0 : 1;

		if (strcmp(*n, "terminationGracePeriodSeconds") == 0)
			min = 1;
		if (kw_get_int(c, pr, *n, min, 1000000000, &v) < 0)
			return NULL;
		if (v >= 0)
			json_object_set_new(out, *n, json_integer(v));
		if (must_one_success && strcmp(*n, "successThreshold") == 0 && v > 1) {
			kw_fail_key(c, *n, "must be 1");
			return NULL;
		}
	}
	if ((h = json_object_get(pr, "exec")) != NULL) {
		static const char *const hk[] = {"command", NULL};
		size_t s = kw_path_key(c, "exec");
		json_t *cmd = NULL;

		handlers++;
		if (!json_is_object(h) || kw_check_fields(c, h, hk, NULL) < 0 ||
		    kw_get_strings(c, h, "command", &cmd) < 0)
			return json_is_object(h) ? NULL : (kw_fail(c, "must be an object"), NULL);
		if (cmd == NULL || json_array_size(cmd) == 0) {
			json_decref(cmd);
			kw_fail_key(c, "command", "Required value");
			return NULL;
		}
		json_object_set_new(out, "exec", json_pack("{s:o}", "command", cmd));
		kw_path_pop(c, s);
	}
	if ((h = json_object_get(pr, "httpGet")) != NULL) {
		static const char *const hk[] = {"path",   "port",        "host",
						 "scheme", "httpHeaders", NULL};
		size_t s = kw_path_key(c, "httpGet");
		const char *path = NULL, *host = NULL, *scheme = NULL;
		const json_t *hdrs;
		json_t *o;

		handlers++;
		if (!json_is_object(h)) {
			kw_fail(c, "must be an object");
			return NULL;
		}
		if (kw_check_fields(c, h, hk, NULL) < 0 || kw_get_str(c, h, "path", &path) < 0 ||
		    kw_get_str(c, h, "host", &host) < 0 ||
		    kw_get_str(c, h, "scheme", &scheme) < 0 ||
		    kw_get_arr(c, h, "httpHeaders", &hdrs) < 0 ||
		    probe_port(c, h, ports, &port) < 0)
			return NULL;
		if (scheme != NULL && strcmp(scheme, "HTTP") != 0) {
			kw_fail_key(c, "scheme",
				    strcmp(scheme, "HTTPS") == 0
					? "HTTPS is not supported by podd's probes"
					: "must be HTTP or HTTPS");
			return NULL;
		}
		o = json_pack("{s:s, s:I}", "path", path ? path : "/", "port", port);
		if (host != NULL)
			json_object_set_new(o, "host", json_string(host));
		json_object_set_new(o, "scheme", json_string("HTTP"));
		if (hdrs != NULL && json_array_size(hdrs) > 0)
			json_object_set_new(o, "httpHeaders", json_deep_copy(hdrs));
		json_object_set_new(out, "httpGet", o);
		kw_path_pop(c, s);
	}
	if ((h = json_object_get(pr, "tcpSocket")) != NULL) {
		static const char *const hk[] = {"port", "host", NULL};
		size_t s = kw_path_key(c, "tcpSocket");
		const char *host = NULL;
		json_t *o;

		handlers++;
		if (!json_is_object(h)) {
			kw_fail(c, "must be an object");
			return NULL;
		}
		if (kw_check_fields(c, h, hk, NULL) < 0 || kw_get_str(c, h, "host", &host) < 0 ||
		    probe_port(c, h, ports, &port) < 0)
			return NULL;
		o = json_pack("{s:I}", "port", port);
		if (host != NULL)
			json_object_set_new(o, "host", json_string(host));
		json_object_set_new(out, "tcpSocket", o);
		kw_path_pop(c, s);
	}
	if ((h = json_object_get(pr, "grpc")) != NULL) {
		static const char *const hk[] = {"port", "service", NULL};
		size_t s = kw_path_key(c, "grpc");
		const char *service = NULL;
		long long p;
		json_t *o;

		handlers++;
		if (!json_is_object(h)) {
			kw_fail(c, "must be an object");
			return NULL;
		}
		if (kw_check_fields(c, h, hk, NULL) < 0 ||
		    kw_get_str(c, h, "service", &service) < 0 ||
		    kw_get_int(c, h, "port", 1, 65535, &p) < 0)
			return NULL;
		if (p < 0) {
			kw_fail_key(c, "port", "Required value");
			return NULL;
		}
		o = json_pack("{s:I}", "port", (json_int_t)p);
		if (service != NULL)
			json_object_set_new(o, "service", json_string(service));
		json_object_set_new(out, "grpc", o);
		kw_path_pop(c, s);
	}
	if (handlers != 1) {
		kw_fail(c, handlers == 0
			       ? "a handler is required (exec, httpGet, tcpSocket or grpc)"
			       : "may not have more than one handler");
		return NULL;
	}
	return steal_ptr(out);
}

/* ---- containers -------------------------------------------------------- */

static int
container_ports(struct ctx *c, const json_t *ctr, struct pod_build *pb, json_t *body)
{
	static const char *const known[] = {"name",     "containerPort", "hostPort",
					    "protocol", "hostIP",        NULL};
	const json_t *ports, *p;
	json_t *out = json_array();
	size_t i;

	json_object_set_new(body, "container_ports", out);
	if (kw_get_arr(c, ctr, "ports", &ports) < 0)
		return -1;
	json_array_foreach (ports, i, p) {
		size_t s = kw_path_push(c, ".ports[%zu]", i);
		const char *name = NULL, *proto = NULL, *hip = NULL;
		long long cport, hport;
		json_t *o;

		if (!json_is_object(p))
			return kw_fail(c, "must be an object");
		if (kw_check_fields(c, p, known, NULL) < 0 || kw_get_str(c, p, "name", &name) < 0 ||
		    kw_get_str(c, p, "protocol", &proto) < 0 ||
		    kw_get_str(c, p, "hostIP", &hip) < 0 ||
		    kw_get_int(c, p, "containerPort", 1, 65535, &cport) < 0 ||
		    kw_get_int(c, p, "hostPort", 0, 65535, &hport) < 0)
			return -1;
		if (cport < 0)
			return kw_fail_key(c, "containerPort", "Required value");
		if (name != NULL && !kw_port_name_ok(name))
			return kw_fail_key(c, "name", "not a valid port name (IANA_SVC_NAME)");
		if (proto == NULL)
			proto = "TCP";
		if (strcmp(proto, "TCP") != 0 && strcmp(proto, "UDP") != 0 &&
		    strcmp(proto, "SCTP") != 0)
			return kw_fail_key(c, "protocol", "must be TCP, UDP or SCTP");
		o = json_pack("{s:I, s:s}", "container_port", (json_int_t)cport, "protocol", proto);
		if (name != NULL)
			json_object_set_new(o, "name", json_string(name));
		json_array_append_new(out, o);
		if (hport > 0 && pb->host_network && hport != cport)
			return kw_fail_key(c, "hostPort",
					   "must match containerPort with hostNetwork");
		if (hport > 0 && !pb->host_network) {
			char lower[8];

			if (strcmp(proto, "SCTP") == 0)
				return kw_fail_key(c, "hostPort", "SCTP ports cannot be published");
			(void)snprintf(lower, sizeof(lower), "%s",
				       strcmp(proto, "UDP") == 0 ? "udp" : "tcp");
			json_array_append_new(pb->publish,
					      json_pack("{s:s, s:s, s:I, s:I}", "protocol", lower,
							"host_ip", hip ? hip : "0.0.0.0",
							"host_port", (json_int_t)hport, "pod_port",
							(json_int_t)cport));
		}
		kw_path_pop(c, s);
	}
	return 0;
}

static int
security_context(struct ctx *c, const json_t *ctr, struct pod_build *pb, json_t *body)
{
	static const char *const known[] = {"capabilities",
					    "privileged",
					    "runAsUser",
					    "runAsGroup",
					    "readOnlyRootFilesystem",
					    "allowPrivilegeEscalation",
					    "seccompProfile", /* issue 13 */
					    NULL};
	const json_t *sc, *caps;
	const char *seccomp = pb->seccomp;
	int priv, ro, ape;
	long long uid, gid;
	size_t s;

	if (kw_get_obj(c, ctr, "securityContext", &sc) < 0)
		return -1;
	uid = pb->pod_uid;
	gid = pb->pod_gid;
	if (sc != NULL) {
		s = kw_path_key(c, "securityContext");
		if (kw_check_fields(c, sc, known, NULL) < 0 ||
		    kw_get_bool(c, sc, "privileged", &priv) < 0 ||
		    kw_get_bool(c, sc, "readOnlyRootFilesystem", &ro) < 0 ||
		    kw_get_bool(c, sc, "allowPrivilegeEscalation", &ape) < 0 ||
		    kw_get_int(c, sc, "runAsUser", 0, 2147483647, &uid) < 0 ||
		    kw_get_int(c, sc, "runAsGroup", 0, 2147483647, &gid) < 0 ||
		    kw_get_obj(c, sc, "capabilities", &caps) < 0 ||
		    kw_seccomp_profile(c, sc, &seccomp) < 0)
			return -1;
		if (uid < 0)
			uid = pb->pod_uid;
		if (gid < 0)
			gid = pb->pod_gid;
		if (priv >= 0) /* issue 13: enforced by podd */
			json_object_set_new(body, "privileged", json_boolean(priv));
		/* false: no_new_privs (issue 13); true is podd's default. */
		if (ape >= 0)
			json_object_set_new(body, "allow_privilege_escalation", json_boolean(ape));
		if (ro == 1)
			json_object_set_new(body, "read_only", json_true());
		if (caps != NULL) {
			static const char *const ck[] = {"add", "drop", NULL};
			json_t *add = NULL, *drop = NULL;
			size_t s2 = kw_path_key(c, "capabilities");

			if (kw_check_fields(c, caps, ck, NULL) < 0 ||
			    kw_get_strings(c, caps, "add", &add) < 0)
				return -1;
			if (kw_get_strings(c, caps, "drop", &drop) < 0) {
				json_decref(add);
				return -1;
			}
			if (json_array_size(add) > 0)
				json_object_set_new(body, "cap_add", add);
			else
				json_decref(add);
			if (json_array_size(drop) > 0)
				json_object_set_new(body, "cap_drop", drop);
			else
				json_decref(drop);
			kw_path_pop(c, s2);
		}
		kw_path_pop(c, s);
	}
	if (seccomp != NULL)
		json_object_set_new(body, "security_opt", json_pack("[s]", seccomp));
	if (uid >= 0 && gid >= 0)
		json_object_set_new(body, "user", json_sprintf("%lld:%lld", uid, gid));
	else if (uid >= 0)
		json_object_set_new(body, "user", json_sprintf("%lld", uid));
	else if (gid >= 0)
		return kw_fail(c, "runAsGroup needs runAsUser with podd (the image's user is "
				  "resolved in the container)");
	return 0;
}

/* The volumeMounts of a container → "pod_mounts". */
static int
volume_mounts(struct ctx *c, const json_t *ctr, const struct pod_build *pb, json_t *body)
{
	static const char *const known[] = {"name", "mountPath", "readOnly", "subPath", NULL};
	const json_t *list, *m;
	json_t *out = json_array();
	cleanup_json json_t *targets = json_object();
	size_t i;

	json_object_set_new(body, "pod_mounts", out);
	if (kw_get_arr(c, ctr, "volumeMounts", &list) < 0)
		return -1;
	json_array_foreach (list, i, m) {
		size_t s = kw_path_push(c, ".volumeMounts[%zu]", i);
		const char *name = NULL, *target = NULL, *sub = NULL;
		int ro;
		json_t *o;

		if (!json_is_object(m))
			return kw_fail(c, "must be an object");
		if (kw_check_fields(c, m, known, NULL) < 0 || kw_get_str(c, m, "name", &name) < 0 ||
		    kw_get_str(c, m, "mountPath", &target) < 0 ||
		    kw_get_str(c, m, "subPath", &sub) < 0 || kw_get_bool(c, m, "readOnly", &ro) < 0)
			return -1;
		if (name == NULL)
			return kw_fail_key(c, "name", "Required value");
		if (json_object_get(pb->volumes, name) == NULL)
			return kw_fail_key(c, "name", "not found in the pod's volumes");
		if (target == NULL || target[0] == '\0')
			return kw_fail_key(c, "mountPath", "Required value");
		if (target[0] != '/')
			return kw_fail_key(c, "mountPath", "must be an absolute path");
		if (json_object_get(targets, target) != NULL)
			return kw_fail_key(c, "mountPath", "must be unique");
		json_object_set_new(targets, target, json_true());
		if (sub != NULL && (sub[0] == '/' || strstr(sub, "..") != NULL))
			return kw_fail_key(c, "subPath", "must be a relative path without '..'");
		o = json_pack("{s:s, s:s, s:b}", "volume", name, "target", target, "read_only",
			      ro == 1);
		if (sub != NULL && sub[0] != '\0')
			json_object_set_new(o, "sub_path", json_string(sub));
		json_array_append_new(out, o);
		kw_path_pop(c, s);
	}
	return 0;
}

static int
resources(struct ctx *c, const json_t *ctr, json_t *body)
{
	static const char *const known[] = {"limits", "requests", NULL};
	const json_t *r;
	cleanup_json json_t *out = json_object();
	size_t s;

	if (kw_get_obj(c, ctr, "resources", &r) < 0)
		return -1;
	if (r == NULL || json_object_size(r) == 0)
		return 0;
	s = kw_path_key(c, "resources");
	if (kw_check_fields(c, r, known, NULL) < 0)
		return -1;
	for (const char *const *k = known; *k != NULL; k++) {
		const json_t *m;
		const char *rk;
		json_t *v;
		json_t *o;

		if (kw_get_obj(c, r, *k, &m) < 0)
			return -1;
		if (m == NULL)
			continue;
		o = json_object();
		json_object_set_new(out, *k, o);
		json_object_foreach ((json_t *)m, rk, v) {
			/* A quantity: "500m", "64Mi", or a bare number. */
			if (json_is_string(v))
				json_object_set(o, rk, v);
			else if (json_is_integer(v))
				json_object_set_new(
				    o, rk,
				    json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v)));
			else if (json_is_real(v))
				json_object_set_new(o, rk, json_sprintf("%g", json_real_value(v)));
			else
				return kw_fail_key(c, rk, "must be a quantity");
		}
	}
	kw_path_pop(c, s);
	/* issue 13: podd maps them to cgroup limits as the kubelet does */
	json_object_set(body, "resources", out);
	return 0;
}

static int
plan_pull(struct ctx *c, struct pod_build *pb, const char *image, const char *policy)
{
	const char *tag_at = strrchr(image, ':');
	const char *slash = strrchr(image, '/');
	bool latest, explicit_policy = policy != NULL;
	size_t i;
	json_t *p;

	json_array_foreach (pb->pulls, i, p)
		if (strcmp(json_string_value(json_object_get(p, "image")), image) == 0)
			return 0;
	/* No tag, or :latest, and no digest: the kubelet's default is Always. */
	if (tag_at != NULL && slash != NULL && tag_at < slash)
		tag_at = NULL;
	latest = strchr(image, '@') == NULL && (tag_at == NULL || strcmp(tag_at, ":latest") == 0);
	if (policy == NULL)
		policy = latest ? "Always" : "IfNotPresent";
	if (strcmp(policy, "Always") != 0 && strcmp(policy, "IfNotPresent") != 0 &&
	    strcmp(policy, "Never") != 0)
		return kw_fail_key(c, "imagePullPolicy", "must be Always, IfNotPresent or Never");
	json_array_append_new(pb->pulls, json_pack("{s:s, s:s, s:b}", "image", image, "policy",
						   policy, "explicit", explicit_policy));
	return 0;
}

/* One container of the manifest → its create body. @kind: "app", "init". */
json_t *
kw_container(struct ctx *c, const json_t *ctr, struct pod_build *pb, const char *kind)
{
	static const char *const known[] = {"name",
					    "image",
					    "command",
					    "args",
					    "env",
					    "envFrom",
					    "workingDir",
					    "ports",
					    "imagePullPolicy",
					    "securityContext",
					    "stdin",
					    "tty",
					    "volumeMounts",
					    "livenessProbe",
					    "readinessProbe",
					    "startupProbe",
					    "resources",
					    "restartPolicy",
					    NULL};
	static const char *const quiet[] = {"terminationMessagePath", "terminationMessagePolicy",
					    NULL};
	const char *name = NULL, *image = NULL, *wd = NULL, *pull = NULL, *rp = NULL;
	cleanup_json json_t *body = json_object();
	cleanup_json json_t *kube = json_object();
	cleanup_json json_t *env = json_object();
	json_t *cmd = NULL, *args = NULL, *envl;
	const json_t *ports;
	int in, tty;
	const char *k;
	json_t *v;
	const char *role = kind;

	if (!json_is_object(ctr)) {
		kw_fail(c, "must be an object");
		return NULL;
	}
	if (kw_check_fields(c, ctr, known, quiet) < 0 || kw_get_str(c, ctr, "name", &name) < 0 ||
	    kw_get_str(c, ctr, "image", &image) < 0 || kw_get_str(c, ctr, "workingDir", &wd) < 0 ||
	    kw_get_str(c, ctr, "imagePullPolicy", &pull) < 0 ||
	    kw_get_str(c, ctr, "restartPolicy", &rp) < 0 || kw_get_bool(c, ctr, "stdin", &in) < 0 ||
	    kw_get_bool(c, ctr, "tty", &tty) < 0)
		return NULL;
	if (name == NULL) {
		kw_fail_key(c, "name", "Required value");
		return NULL;
	}
	if (!kube_dns_label(name)) {
		kw_fail_key(c, "name", "not a lowercase RFC 1123 label");
		return NULL;
	}
	if (json_object_get(pb->names, name) != NULL) {
		kw_fail_key(c, "name", "Duplicate value");
		return NULL;
	}
	json_object_set_new(pb->names, name, json_true());
	if (image == NULL || image[0] == '\0') {
		kw_fail_key(c, "image", "Required value");
		return NULL;
	}
	if (rp != NULL) {
		if (strcmp(kind, "init") != 0) {
			kw_fail_key(c, "restartPolicy", "only init containers may have one");
			return NULL;
		}
		if (strcmp(rp, "Always") != 0) {
			kw_fail_key(c, "restartPolicy", "must be Always (a native sidecar)");
			return NULL;
		}
		role = "sidecar";
	}
	if (strlen(pb->pod) + 1 + strlen(name) > 63) {
		kw_fail_key(c, "name", "with its pod's name, over podd's 63 bytes");
		return NULL;
	}
	json_object_set_new(body, "name", json_sprintf("%s-%s", pb->pod, name));
	json_object_set_new(body, "pod", json_string(pb->pod));
	json_object_set_new(body, "image", json_string(image));
	json_object_set_new(body, "start", json_false());
	json_object_set_new(body, "role", json_string(role));
	/* The kubelet restarts a native sidecar always, and an init
	 * container only on failure, whatever the pod's policy says (Never:
	 * never). */
	if (strcmp(role, "sidecar") == 0)
		json_object_set_new(body, "restart_policy", json_string("always"));
	else if (strcmp(role, "init") == 0)
		json_object_set_new(
		    body, "restart_policy",
		    json_string(strcmp(pb->policy, "Never") == 0 ? "no" : "on-failure"));
	json_object_set_new(kube, "name", json_string(name));
	json_object_set_new(kube, "image", json_string(image));
	if (plan_pull(c, pb, image, pull) < 0)
		return NULL;
	if (pull != NULL)
		json_object_set_new(kube, "image_pull_policy", json_string(pull));
	if (kw_container_env(c, ctr, pb->meta, env) < 0)
		return NULL;
	envl = json_array();
	json_object_foreach (env, k, v)
		json_array_append_new(envl, json_sprintf("%s=%s", k, json_string_value(v)));
	json_object_set_new(kube, "env", json_deep_copy(envl));
	json_object_set_new(body, "env", envl);
	if (kw_get_strings(c, ctr, "command", &cmd) < 0)
		return NULL;
	if (kw_get_strings(c, ctr, "args", &args) < 0) {
		json_decref(cmd);
		return NULL;
	}
	/* $(VAR) in command and args, from the container's env. */
	for (json_t *a = cmd; a != NULL; a = a == cmd ? args : NULL) {
		size_t i;
		json_t *s;

		json_array_foreach (a, i, s) {
			cleanup_free char *x = kw_expand_vars(json_string_value(s), env);

			json_array_set_new(a, i, json_string(x));
		}
		if (a == args)
			break;
	}
	/* Kubernetes' command is docker's entrypoint, its args docker's cmd. */
	if (cmd != NULL) {
		json_object_set(kube, "command", cmd);
		json_object_set_new(body, "entrypoint", cmd);
	}
	if (args != NULL) {
		json_object_set(kube, "args", args);
		json_object_set_new(body, "command", args);
	}
	if (wd != NULL && wd[0] != '\0')
		json_object_set_new(body, "workdir", json_string(wd));
	if (in == 1)
		json_object_set_new(body, "stdin", json_true());
	if (tty == 1)
		json_object_set_new(body, "tty", json_true());
	if (container_ports(c, ctr, pb, body) < 0 || security_context(c, ctr, pb, body) < 0 ||
	    volume_mounts(c, ctr, pb, body) < 0 || resources(c, ctr, body) < 0)
		return NULL;
	if (kw_get_arr(c, ctr, "ports", &ports) < 0)
		return NULL;
	{
		static const char *const pk[] = {"livenessProbe", "readinessProbe", "startupProbe"};
		static const char *const api[] = {"liveness_probe", "readiness_probe",
						  "startup_probe"};

		for (size_t i = 0; i < 3; i++) {
			const json_t *pr = json_object_get(ctr, pk[i]);
			size_t s;
			json_t *p;

			if (pr == NULL || json_is_null(pr))
				continue;
			if (strcmp(kind, "init") == 0 && strcmp(role, "sidecar") != 0) {
				kw_fail_key(c, pk[i], "may not be set for init containers");
				return NULL;
			}
			s = kw_path_key(c, pk[i]);
			p = probe(c, pr, ports, i != 1);
			if (p == NULL)
				return NULL;
			/* Kept in the kube object too: generate reads it there
			 * when podd's container JSON does not show the probe. */
			json_object_set(kube, api[i], p);
			json_object_set_new(body, api[i], p);
			kw_path_pop(c, s);
		}
	}
	if (json_array_size(json_object_get(body, "container_ports")) == 0)
		json_object_del(body, "container_ports");
	if (json_array_size(json_object_get(body, "pod_mounts")) == 0)
		json_object_del(body, "pod_mounts");
	json_object_set(body, "kube", kube);
	return steal_ptr(body);
}
