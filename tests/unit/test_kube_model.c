/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/kube_model and cli/kube_gen: manifests as users write them turned
 * into /v1 bodies; what Kubernetes refuses refused with its path; what podd
 * does not model warned about (an error with strict); records turned back
 * into a manifest, deterministically.
 */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "kube_gen.h"
#include "kube_model.h"
#include "unit.h"
#include "kube_yaml.h"

static json_t *
docs_of(const char *yaml)
{
	struct pd_err err = {0};
	json_t *d = kube_yaml_load_all(yaml, strlen(yaml), &err);

	if (d == NULL)
		printf("  yaml: %s\n", err.msg);
	return d;
}

/* Plan @yaml; NULL with *msg on error. */
static int
plan_of(const char *yaml, bool strict, struct kube_plan *plan, struct pd_err *err)
{
	cleanup_json json_t *docs = docs_of(yaml);

	if (docs == NULL)
		return -2;
	return kube_plan_make(docs, NULL, strict, plan, err);
}

static void
plan_bad(const char *yaml, const char *want)
{
	struct kube_plan plan = {0};
	struct pd_err err = {0};

	CHECK_INT(plan_of(yaml, false, &plan, &err), ==, -1);
	CHECK_CONTAINS(err.msg, want);
	CHECK(plan.pods == NULL);
}

static const char web_yaml[] =
    "apiVersion: v1\n"
    "kind: Secret\n"
    "metadata: {name: sec}\n"
    "data: {password: czNjcjN0}\n"
    "stringData: {user: admin}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: ConfigMap\n"
    "metadata: {name: cfg}\n"
    "data:\n"
    "  index.html: hello\n"
    "  MODE: fast\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Pod\n"
    "metadata:\n"
    "  name: web\n"
    "  labels: {app: web}\n"
    "spec:\n"
    "  restartPolicy: OnFailure\n"
    "  shareProcessNamespace: true\n"
    "  volumes:\n"
    "  - name: www\n"
    "    configMap: {name: cfg, items: [{key: index.html, path: index.html}]}\n"
    "  - name: scratch\n"
    "    emptyDir: {medium: Memory, sizeLimit: 64Mi}\n"
    "  initContainers:\n"
    "  - name: prep\n"
    "    image: busybox\n"
    "    command: [sh, -c, 'echo hi > /s/x']\n"
    "    volumeMounts: [{name: scratch, mountPath: /s}]\n"
    "  containers:\n"
    "  - name: httpd\n"
    "    image: busybox:1.36\n"
    "    command: [httpd]\n"
    "    args: [-f, -p, '$(PORT)']\n"
    "    env:\n"
    "    - {name: PORT, value: '8080'}\n"
    "    - name: PW\n"
    "      valueFrom: {secretKeyRef: {name: sec, key: password}}\n"
    "    - name: POD\n"
    "      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n"
    "    envFrom: [{configMapRef: {name: cfg}, prefix: CFG_}]\n"
    "    ports: [{name: http, containerPort: 8080, hostPort: 18080}]\n"
    "    readinessProbe:\n"
    "      httpGet: {path: /, port: http}\n"
    "    securityContext:\n"
    "      capabilities: {add: [NET_ADMIN], drop: [MKNOD]}\n"
    "      runAsUser: 1000\n"
    "      runAsGroup: 100\n"
    "    volumeMounts: [{name: www, mountPath: /www, readOnly: true}]\n"
    "  - name: side\n"
    "    image: busybox\n"
    "    command: [sleep, '3600']\n";

static void
test_pod(void)
{
	struct kube_plan plan = {0};
	struct pd_err err = {0};
	const json_t *e, *pod, *ctrs, *httpd;
	cleanup_free char *text = NULL;

	REQUIRE(plan_of(web_yaml, false, &plan, &err) == 0);
	CHECK_INT(json_array_size(plan.pods), ==, 1);
	CHECK_INT(json_array_size(plan.warnings), ==, 0);
	e = json_array_get(plan.pods, 0);
	pod = json_object_get(e, "pod");
	text = pd_json_dump(pod);
	CHECK_STR(
	    text, ==,
	    "{\"kube\":{\"api_version\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\"},"
	    "\"labels\":{\"app\":\"web\"},\"name\":\"web\",\"ports\":[{\"host_ip\":\"0.0.0.0\","
	    "\"host_port\":18080,\"pod_port\":8080,\"protocol\":\"tcp\"}],\"restart_policy\":"
	    "\"OnFailure\",\"share_pid\":true,\"volumes\":[{\"default_mode\":420,\"items\":[{"
	    "\"data\":\"aGVsbG8=\",\"path\":\"index.html\"}],\"name\":\"www\",\"source\":\"cfg\","
	    "\"type\":\"config_map\"},{\"medium\":\"Memory\",\"name\":\"scratch\",\"size_limit\":"
	    "67108864,\"type\":\"empty_dir\"}]}");
	ctrs = json_object_get(e, "containers");
	REQUIRE(json_array_size(ctrs) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(ctrs, 0), "name")), ==,
		  "web-prep");
	CHECK_STR(json_string_value(json_object_get(json_array_get(ctrs, 0), "role")), ==, "init");
	/* The pod's OnFailure: an init container is restarted on failure only. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(ctrs, 0), "restart_policy")), ==,
		  "on-failure");
	httpd = json_array_get(ctrs, 1);
	free(text);
	text = pd_json_dump(httpd);
	CHECK_STR(
	    text, ==,
	    "{\"cap_add\":[\"NET_ADMIN\"],\"cap_drop\":[\"MKNOD\"],\"command\":[\"-f\",\"-p\","
	    "\"8080\"],\"container_ports\":[{\"container_port\":8080,\"name\":\"http\","
	    "\"protocol\":\"TCP\"}],\"entrypoint\":[\"httpd\"],\"env\":[\"CFG_MODE=fast\","
	    "\"CFG_index.html=hello\",\"PORT=8080\",\"PW=s3cr3t\",\"POD=web\"],\"image\":\"busybox:"
	    "1.36\","
	    "\"kube\":{\"args\":[\"-f\",\"-p\",\"8080\"],\"command\":[\"httpd\"],\"env\":["
	    "\"CFG_MODE=fast\",\"CFG_index.html=hello\",\"PORT=8080\",\"PW=s3cr3t\",\"POD=web\"],"
	    "\"image\":\"busybox:1.36\",\"name\":"
	    "\"httpd\",\"readiness_probe\":{\"httpGet\":{\"path\":\"/\",\"port\":8080,"
	    "\"scheme\":\"HTTP\"}}},\"name\":\"web-httpd\",\"pod\":\"web\",\"pod_mounts\":[{\"read_"
	    "only\":"
	    "true,\"target\":\"/www\",\"volume\":\"www\"}],\"readiness_probe\":{\"httpGet\":{"
	    "\"path\":\"/\",\"port\":8080,\"scheme\":\"HTTP\"}},\"role\":\"app\",\"start\":"
	    "false,\"user\":\"1000:100\"}");
	free(text);
	text = pd_json_dump(json_object_get(e, "pulls"));
	CHECK_STR(text, ==,
		  "[{\"explicit\":false,\"image\":\"busybox\",\"policy\":\"Always\"},{\"explicit\":"
		  "false,\"image\":\"busybox:1.36\",\"policy\":\"IfNotPresent\"}]");
	kube_plan_clear(&plan);
}

static const char deploy_yaml[] = /* kubectl create deployment web --image=busybox
				      --replicas=2 --dry-run=client -o yaml */
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  creationTimestamp: null\n"
    "  labels:\n"
    "    app: web\n"
    "  name: web\n"
    "spec:\n"
    "  replicas: 2\n"
    "  selector:\n"
    "    matchLabels:\n"
    "      app: web\n"
    "  strategy: {}\n"
    "  template:\n"
    "    metadata:\n"
    "      creationTimestamp: null\n"
    "      labels:\n"
    "        app: web\n"
    "    spec:\n"
    "      containers:\n"
    "      - image: busybox\n"
    "        name: busybox\n"
    "        resources: {}\n"
    "status: {}\n";

static void
test_deployment(void)
{
	struct kube_plan plan = {0};
	struct pd_err err = {0};

	REQUIRE(plan_of(deploy_yaml, true, &plan, &err) == 0);
	REQUIRE(json_array_size(plan.pods) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(plan.pods, 0), "name")), ==,
		  "web-0");
	CHECK_STR(json_string_value(json_object_get(json_array_get(plan.pods, 1), "name")), ==,
		  "web-1");
	CHECK_STR(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_array_get(plan.pods, 1), "containers"), 0),
		"name")),
	    ==, "web-1-busybox");
	CHECK_INT(json_array_size(plan.warnings), ==, 0);
	kube_plan_clear(&plan);
}

static void
test_job(void)
{
	struct kube_plan plan = {0};
	struct pd_err err = {0};
	const char *job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\n"
			  "spec:\n  activeDeadlineSeconds: 30\n  template:\n    spec:\n"
			  "      restartPolicy: Never\n"
			  "      containers: [{name: c, image: busybox, command: [\"true\"]}]\n";
	const json_t *pod;

	REQUIRE(plan_of(job, false, &plan, &err) == 0);
	pod = json_object_get(json_array_get(plan.pods, 0), "pod");
	CHECK_STR(json_string_value(json_object_get(pod, "name")), ==, "once-0");
	CHECK_INT(json_integer_value(json_object_get(pod, "active_deadline")), ==, 30);
	CHECK_STR(json_string_value(json_object_get(pod, "restart_policy")), ==, "Never");
	kube_plan_clear(&plan);
	plan_bad("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n"
		 "    spec:\n      containers: [{name: c, image: busybox}]\n",
		 "spec.template.spec.restartPolicy: a Job's must be Never or OnFailure");
}

static void
test_invalid(void)
{
	const char *head = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n";
	char buf[1024];

#define POD(body) (snprintf(buf, sizeof(buf), "%s%s", head, body) < (int)sizeof(buf) ? buf : "")
	plan_bad(POD("  containers: [{image: busybox}]\n"),
		 "Pod \"p\": spec.containers[0].name: Required value");
	plan_bad(POD("  containers: [{name: a, image: x}, {name: a, image: x}]\n"),
		 "spec.containers[1].name: Duplicate value");
	plan_bad(POD("  containers: [{name: A_b, image: x}]\n"),
		 "spec.containers[0].name: not a lowercase RFC 1123 label");
	plan_bad(POD("  containers: [{name: a, image: x, ports: [{containerPort: 70000}]}]\n"),
		 "spec.containers[0].ports[0].containerPort: must be between 1 and 65535");
	plan_bad(POD("  containers: [{name: a, image: x, ports: [{containerPort: 80, protocol: "
		     "tcp}]}]\n"),
		 "spec.containers[0].ports[0].protocol: must be TCP, UDP or SCTP");
	plan_bad(POD("  restartPolicy: Sometimes\n  containers: [{name: a, image: x}]\n"),
		 "spec.restartPolicy: must be Always, OnFailure or Never");
	plan_bad(
	    POD("  containers: [{name: a, image: x, livenessProbe: {exec: {command: [\"true\"]},"
		" tcpSocket: {port: 80}}}]\n"),
	    "spec.containers[0].livenessProbe: may not have more than one handler");
	plan_bad(
	    POD("  containers: [{name: a, image: x, readinessProbe: {httpGet: {port: web}}}]\n"),
	    "readinessProbe.httpGet.port: names no port of this container");
	plan_bad(POD("  containers: [{name: a}]\n"), "spec.containers[0].image: Required value");
	plan_bad(POD("  containers: []\n"), "spec.containers: Required value");
	plan_bad(
	    POD("  containers: [{name: a, image: x, volumeMounts: [{name: v, mountPath: /v}]}]\n"),
	    "volumeMounts[0].name: not found in the pod's volumes");
	plan_bad(POD("  volumes: [{name: v, configMap: {name: nope}}]\n"
		     "  containers: [{name: a, image: x}]\n"),
		 "spec.volumes[0].configMap: ConfigMap \"nope\" not found");
	plan_bad(POD("  containers: [{name: a, image: x, env: [{name: X, valueFrom: {secretKeyRef: "
		     "{name: s, key: k}}}]}]\n"),
		 "env[0].valueFrom.secretKeyRef: Secret \"s\" not found");
	plan_bad(POD("  containers: [{name: a, image: x, imagePullPolicy: Sometimes}]\n"),
		 "imagePullPolicy: must be Always, IfNotPresent or Never");
	plan_bad(POD("  containers: [{name: a, image: x, env: {A: b}}]\n"),
		 "spec.containers[0].env: must be a list");
	plan_bad("apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec:\n"
		 "  containers: [{name: a, image: x}]\n",
		 "metadata.name: not a lowercase RFC 1123 subdomain");
	plan_bad("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
		 "Service \"s\": kind: not supported");
	plan_bad(
	    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
	    "  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: y}}\n"
	    "    spec: {containers: [{name: a, image: x}]}\n",
	    "spec.template.metadata.labels: does not match the selector");
	plan_bad("kind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\n", "no Pod");
#undef POD
}

static void
test_warnings(void)
{
	const char *yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
			   "  nodeSelector: {disk: ssd}\n"
			   "  containers:\n  - name: a\n    image: x\n"
			   "    lifecycle: {preStop: {exec: {command: [\"true\"]}}}\n"
			   "    securityContext: {privileged: true}\n";
	struct kube_plan plan = {0};
	struct pd_err err = {0};
	cleanup_free char *text = NULL;

	REQUIRE(plan_of(yaml, false, &plan, &err) == 0);
	text = pd_json_dump(plan.warnings);
	CHECK_STR(text, ==,
		  "[\"Pod \\\"p\\\": spec.nodeSelector: not supported, ignored\",\"Pod \\\"p\\\": "
		  "spec.containers[0].lifecycle: not supported, ignored\"]");
	kube_plan_clear(&plan);
	CHECK_INT(plan_of(yaml, true, &plan, &err), ==, -1);
	CHECK_STR(err.msg, ==, "Pod \"p\": spec.nodeSelector: not supported, ignored (--strict)");
}

/* issue 13: seccompProfile (the pod's, a container's own over it) and
 * allowPrivilegeEscalation, now enforced without a warning. */
static void
test_seccomp(void)
{
	const char *yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
			   "  securityContext: {seccompProfile: {type: Unconfined}}\n"
			   "  containers:\n  - name: a\n    image: x\n"
			   "  - name: b\n    image: x\n"
			   "    securityContext: {allowPrivilegeEscalation: false,\n"
			   "      seccompProfile: {type: RuntimeDefault}}\n";
	struct kube_plan plan = {0};
	struct pd_err err = {0};
	json_t *ctrs;

	REQUIRE(plan_of(yaml, true, &plan, &err) == 0);
	ctrs = json_object_get(json_array_get(plan.pods, 0), "containers");
	REQUIRE(json_array_size(ctrs) == 2);
	CHECK_STR(json_string_value(
		      json_array_get(json_object_get(json_array_get(ctrs, 0), "security_opt"), 0)),
		  ==, "seccomp=unconfined");
	CHECK(json_object_get(json_array_get(ctrs, 1), "security_opt") == NULL);
	CHECK(
	    json_is_false(json_object_get(json_array_get(ctrs, 1), "allow_privilege_escalation")));
	CHECK_INT(json_array_size(plan.warnings), ==, 0);
	kube_plan_clear(&plan);
	plan_bad(
	    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	    "  containers:\n  - name: a\n    image: x\n"
	    "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}\n",
	    "spec.containers[0].securityContext.seccompProfile.type: Localhost is not supported");
}

/* A record as podd would answer it → the manifest, as text. */
static void
test_generate(void)
{
	const char *pod_json =
	    "{\"name\":\"web\",\"hostname\":\"web\",\"labels\":{\"z\":\"1\",\"app\":\"web\"},"
	    "\"restart_policy\":\"Always\",\"ports\":[{\"protocol\":\"tcp\",\"host_ip\":\"0.0.0."
	    "0\","
	    "\"host_port\":18080,\"pod_port\":8080}],\"volumes\":[{\"name\":\"www\",\"type\":"
	    "\"config_map\",\"source\":\"cfg\",\"default_mode\":420,\"items\":[{\"path\":\"index."
	    "html\","
	    "\"data\":\"aGVsbG8=\"}]}]}";
	const char *ctrs_json =
	    "[{\"name\":\"web-side\",\"seq\":1,\"role\":\"app\",\"image\":\"busybox\",\"command\":"
	    "[\"sleep\",\"3600\"],\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/"
	    "bin:"
	    "/sbin:/bin\",\"HOSTNAME=web\",\"HOME=/root\"],\"workdir\":\"/\",\"config\":{}},"
	    "{\"name\":\"web-httpd\",\"seq\":0,\"role\":\"app\",\"image\":\"busybox\",\"kube\":{"
	    "\"name\":"
	    "\"httpd\",\"command\":[\"httpd\",\"-f\"],\"env\":[\"A=1\"]},\"workdir\":\"/www\","
	    "\"container_ports\":[{\"container_port\":8080,\"protocol\":\"TCP\"}],\"mounts\":[{"
	    "\"type\":\"pod\",\"source\":\"www\",\"target\":\"/www\",\"read_only\":true}],"
	    "\"cap_add\":[\"NET_ADMIN\"],\"readiness_probe\":{\"httpGet\":{\"path\":\"/"
	    "\",\"port\":8080,"
	    "\"scheme\":\"HTTP\"},\"periodSeconds\":10}}]";
	struct pd_err err = {0};
	cleanup_json json_t *pod = pd_json_load(pod_json, strlen(pod_json), 1 << 20, &err);
	cleanup_json json_t *ctrs = pd_json_load(ctrs_json, strlen(ctrs_json), 1 << 20, &err);
	cleanup_json json_t *docs = NULL;
	cleanup_free char *text = NULL;

	REQUIRE(pod != NULL && ctrs != NULL);
	docs = kube_generate(pod, ctrs, "pod", &err);
	REQUIRE(docs != NULL);
	text = kube_yaml_dump_all(docs, &err);
	REQUIRE(text != NULL);
	CHECK_STR(
	    text, ==,
	    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n"
	    "  index.html: hello\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"
	    "  labels:\n    app: web\n    z: '1'\nspec:\n  containers:\n  - name: httpd\n"
	    "    image: busybox\n    command:\n    - httpd\n    - -f\n    env:\n    - name: A\n"
	    "      value: '1'\n    workingDir: /www\n    ports:\n    - containerPort: 8080\n"
	    "      hostPort: 18080\n      protocol: TCP\n    volumeMounts:\n    - name: www\n"
	    "      mountPath: /www\n      readOnly: true\n    readinessProbe:\n      httpGet:\n"
	    "        path: /\n        port: 8080\n        scheme: HTTP\n      periodSeconds: 10\n"
	    "    securityContext:\n      capabilities:\n        add:\n        - NET_ADMIN\n"
	    "  - name: side\n    image: busybox\n    command:\n    - sleep\n    - '3600'\n"
	    "  restartPolicy: Always\n  volumes:\n  - name: www\n    configMap:\n"
	    "      name: cfg\n      items:\n      - key: index.html\n        path: index.html\n");
}

static void
test_names(void)
{
	CHECK(kube_dns_label("web-1"));
	CHECK(!kube_dns_label("-web"));
	CHECK(!kube_dns_label("Web"));
	CHECK(!kube_dns_label(""));
	CHECK(kube_dns_subdomain("a.b-c.d"));
	CHECK(!kube_dns_subdomain("a..b"));
	CHECK(!kube_dns_subdomain("a_b"));
}

static const struct unit_case cases[] = {
    {"pod", test_pod},           {"deployment", test_deployment}, {"job", test_job},
    {"invalid", test_invalid},   {"warnings", test_warnings},     {"seccomp", test_seccomp},
    {"generate", test_generate}, {"names", test_names},
};

UNIT_MAIN(cases)
