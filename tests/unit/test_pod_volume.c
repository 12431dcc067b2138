/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/pod_volume_spec and the issue 12 parts of pod_spec and ctr_spec:
 * pod volumes (each type, defaults, refusals), pod mounts, relative paths,
 * the downward API's map format (Go's %q), the /etc/hosts and resolv.conf
 * of a pod's fields, and the Kubernetes-facing keys of pods and containers
 * through their records.
 */
#include <string.h>

#include "cleanup.h"
#include "ctr_spec.h"
#include "json.h"
#include "pod_spec.h"
#include "pod_volume.h"
#include "unit.h"

static json_t *
load(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	if (j == NULL)
		printf("  bad test JSON: %s\n", e.text);
	return j;
}

static void
test_volumes_canonical(void)
{
	cleanup_json json_t *in = load(
	    "[{\"name\":\"a\",\"type\":\"empty_dir\"},"
	    "{\"name\":\"m\",\"type\":\"empty_dir\",\"medium\":\"Memory\",\"size_limit\":1024},"
	    "{\"name\":\"c\",\"type\":\"config_map\",\"source\":\"cm.x\",\"items\":[{\"path\":\"d/"
	    "f\",\"data\":\"aGk=\"}]},"
	    "{\"name\":\"d\",\"type\":\"downward_api\",\"items\":[{\"path\":\"l\",\"field\":"
	    "\"metadata.labels\",\"mode\":256}]},"
	    "{\"name\":\"h\",\"type\":\"host_path\",\"path\":\"/srv//x/\"},"
	    "{\"name\":\"v\",\"type\":\"volume\",\"source\":\"claim\"}]");
	cleanup_json json_t *out = NULL;
	struct pd_err err = {0};

	REQUIRE(in != NULL);
	REQUIRE(pod_volumes_parse(in, &out, &err) == 0);
	CHECK_INT(json_array_size(out), ==, 6);
	CHECK_STR(json_string_value(json_object_get(json_array_get(out, 0), "medium")), ==, "");
	CHECK_INT(json_integer_value(json_object_get(json_array_get(out, 1), "size_limit")), ==,
		  1024);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(out, 2), "default_mode")), ==,
		  0644);
	CHECK_STR(json_string_value(json_object_get(json_array_get(out, 4), "path")), ==, "/srv/x");
	CHECK_STR(json_string_value(json_object_get(json_array_get(out, 4), "host_path_type")), ==,
		  "");
	CHECK(pod_volume_find(out, "v") == json_array_get(out, 5));
	CHECK(pod_volume_find(out, "zz") == NULL);
	{
		/* Parsing the canonical form again gives it back. */
		cleanup_json json_t *again = NULL;

		REQUIRE(pod_volumes_parse(out, &again, &err) == 0);
		CHECK(json_equal(out, again));
	}
	{
		cleanup_json json_t *none = NULL;

		REQUIRE(pod_volumes_parse(NULL, &none, &err) == 0);
		CHECK(json_is_array(none) && json_array_size(none) == 0);
	}
}

static void
test_volumes_refused(void)
{
	static const char *const bad[] = {
	    "{}",
	    "[{\"name\":\"A\",\"type\":\"empty_dir\"}]",
	    "[{\"name\":\"a\",\"type\":\"nfs\"}]",
	    "[{\"name\":\"a\",\"type\":\"empty_dir\",\"medium\":\"Disk\"}]",
	    "[{\"name\":\"a\",\"type\":\"empty_dir\",\"size_limit\":-1}]",
	    "[{\"name\":\"a\",\"type\":\"empty_dir\",\"path\":\"/x\"}]",
	    "[{\"name\":\"a\",\"type\":\"config_map\"}]",
	    "[{\"name\":\"a\",\"type\":\"config_map\",\"source\":\"UP\"}]",
	    "[{\"name\":\"a\",\"type\":\"secret\",\"source\":\"s\",\"items\":[{\"path\":\"/x\","
	    "\"data\":\"\"}]}]",
	    "[{\"name\":\"a\",\"type\":\"secret\",\"source\":\"s\",\"items\":[{\"path\":\"x\","
	    "\"data\":\"@@\"}]}]",
	    "[{\"name\":\"a\",\"type\":\"secret\",\"source\":\"s\",\"items\":[{\"path\":\"x\","
	    "\"data\":\"\"},{\"path\":\"x/y\",\"data\":\"\"}]}]",
	    "[{\"name\":\"a\",\"type\":\"secret\",\"source\":\"s\",\"default_mode\":512}]",
	    "[{\"name\":\"a\",\"type\":\"downward_api\",\"items\":[{\"path\":\"x\",\"field\":"
	    "\"status.podIP\"}]}]",
	    "[{\"name\":\"a\",\"type\":\"host_path\"}]",
	    "[{\"name\":\"a\",\"type\":\"host_path\",\"path\":\"/x\",\"host_path_type\":\"Pipe\"}]",
	    "[{\"name\":\"a\",\"type\":\"volume\",\"source\":\"-x\"}]",
	    "[{\"name\":\"a\",\"type\":\"empty_dir\"},{\"name\":\"a\",\"type\":\"empty_dir\"}]",
	    NULL};

	for (size_t i = 0; bad[i] != NULL; i++) {
		cleanup_json json_t *in = load(bad[i]);
		cleanup_json json_t *out = NULL;
		struct pd_err err = {0};

		REQUIRE(in != NULL);
		if (pod_volumes_parse(in, &out, &err) == 0)
			printf("  accepted: %s\n", bad[i]);
		CHECK(out == NULL);
		CHECK_INT(err.kind, ==, PD_E_INVALID);
	}
}

static void
test_rel_paths(void)
{
	static const char *const good[] = {"a", "a/b", "..a", "a..", ".x/y", NULL};
	static const char *const bad[] = {"", "/a", "..", "a/..", "a/../b", "a//b", "a/", NULL};
	struct pd_err err = {0};

	for (size_t i = 0; good[i] != NULL; i++)
		CHECK(pod_volume_check_rel_path(good[i], "p", &err) == 0);
	for (size_t i = 0; bad[i] != NULL; i++)
		CHECK(pod_volume_check_rel_path(bad[i], "p", &err) < 0);
}

static void
test_pod_mounts(void)
{
	cleanup_json json_t *mounts =
	    load("[{\"type\":\"tmpfs\",\"source\":\"\",\"target\":\"/t\"}]");
	cleanup_json json_t *pm =
	    load("[{\"volume\":\"data\",\"target\":\"/d//x/\",\"sub_path\":\"a/b\"},"
		 "{\"volume\":\"cfg\",\"target\":\"/c\",\"read_only\":true}]");
	cleanup_json json_t *dup = load("[{\"volume\":\"data\",\"target\":\"/t\"}]");
	cleanup_json json_t *esc =
	    load("[{\"volume\":\"data\",\"target\":\"/e\",\"sub_path\":\"../x\"}]");
	struct pd_err err = {0};
	const json_t *m;

	REQUIRE(mounts != NULL && pm != NULL && dup != NULL && esc != NULL);
	REQUIRE(pod_mounts_parse(pm, mounts, &err) == 0);
	REQUIRE(json_array_size(mounts) == 3);
	m = json_array_get(mounts, 1);
	CHECK_STR(json_string_value(json_object_get(m, "type")), ==, "pod");
	CHECK_STR(json_string_value(json_object_get(m, "source")), ==, "data");
	CHECK_STR(json_string_value(json_object_get(m, "target")), ==, "/d/x");
	CHECK_STR(json_string_value(json_object_get(m, "sub_path")), ==, "a/b");
	CHECK(pod_mount_check(m, &err) == 0);
	CHECK(json_is_true(json_object_get(json_array_get(mounts, 2), "read_only")));
	CHECK(pod_mounts_parse(dup, mounts, &err) < 0);
	CHECK_CONTAINS(err.msg, "two mounts");
	CHECK(pod_mounts_parse(esc, mounts, &err) < 0);
	CHECK_CONTAINS(err.msg, "..");
	CHECK_INT(json_array_size(mounts), ==, 3);
}

static void
test_downward_format(void)
{
	cleanup_json json_t *m =
	    load("{\"tier\":\"a \\\"q\\\"\\n\\t\\\\ \\u00e9\\u0001\",\"app\":\"web\",\"b\":\"\"}");
	cleanup_free char *s = NULL;
	cleanup_json json_t *empty = json_object();
	cleanup_free char *e = NULL;

	REQUIRE(m != NULL);
	s = pod_downward_format_map(m);
	CHECK_STR(s, ==, "app=\"web\"\nb=\"\"\ntier=\"a \\\"q\\\"\\n\\t\\\\ \xc3\xa9\\x01\"");
	e = pod_downward_format_map(empty);
	CHECK_STR(e, ==, "");
}

static void
test_etc_files(void)
{
	cleanup_json json_t *k8s =
	    load("{\"host_aliases\":[{\"ip\":\"10.1.2.3\",\"hostnames\":[\"a\",\"b.c\"]}],"
		 "\"dns_search\":[\"x.y\"],\"dns_options\":[\"ndots:2\"]}");
	cleanup_json json_t *none = json_object();
	cleanup_free char *h = NULL, *r = NULL, *r2 = NULL;
	const char *resolv = "nameserver 1.1.1.1\nsearch old\noptions rotate\ndomain d\n";

	REQUIRE(k8s != NULL);
	h = pod_etc_hosts("127.0.0.1\tlocalhost\n", k8s);
	CHECK_STR(h, ==,
		  "127.0.0.1\tlocalhost\n\n# Entries added by HostAliases.\n10.1.2.3\ta\tb.c\n");
	r = pod_etc_resolv(resolv, strlen(resolv), k8s);
	CHECK_STR(r, ==, "nameserver 1.1.1.1\nsearch x.y\noptions ndots:2\n");
	r2 = pod_etc_resolv(resolv, strlen(resolv), none);
	CHECK_STR(r2, ==, resolv);
}

static void
test_pod_record_keeps_fields(void)
{
	cleanup_json json_t *body =
	    load("{\"name\":\"p\",\"network\":\"none\",\"host_ipc\":true,\"subdomain\":\"s\","
		 "\"annotations\":{\"k\":\"v\"},\"dns_search\":[\"a\"],\"kube\":{\"x\":1},"
		 "\"host_aliases\":[{\"ip\":\"::ffff:1.2.3.4\",\"hostnames\":[\"h\"]}],"
		 "\"volumes\":[{\"name\":\"v\",\"type\":\"empty_dir\"}]}");
	struct pod_record rec = {0}, back = {0};
	struct pd_err err = {0};
	cleanup_json json_t *j = NULL;

	REQUIRE(body != NULL);
	REQUIRE(pod_spec_parse(body, &rec.spec, &err) == 0);
	CHECK(rec.spec.host_ipc && !rec.spec.host_pid);
	memcpy(rec.id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	       sizeof(rec.id));
	rec.infra_exit_code = -1;
	j = pod_record_to_json(&rec);
	REQUIRE(pod_record_from_json(j, &back, &err) == 0);
	CHECK(json_equal(rec.spec.k8s, back.spec.k8s));
	CHECK(back.spec.host_ipc);
	CHECK_STR(json_string_value(json_object_get(
		      json_array_get(json_object_get(back.spec.k8s, "host_aliases"), 0), "ip")),
		  ==, "::ffff:1.2.3.4");
	pod_record_clear(&rec);
	pod_record_clear(&back);
}

static void
test_ctr_fields(void)
{
	cleanup_json json_t *body = load(
	    "{\"image\":\"i\",\"pod\":\"p\",\"container_ports\":[{\"container_port\":80,\"name\":"
	    "\"http\"}],\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"1.5Gi\","
	    "\"nvidia.com/gpu\":\"1\"},\"requests\":{\"cpu\":\"2e-1\"}},\"privileged\":false,"
	    "\"pod_mounts\":[{\"volume\":\"v\",\"target\":\"/v\"}]}");
	cleanup_json json_t *bad =
	    load("{\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1x\"}}}");
	struct ctr_spec s = {0}, s2 = {0};
	struct pd_err err = {0};

	REQUIRE(body != NULL && bad != NULL);
	REQUIRE(ctr_spec_parse(body, &s, &err) == 0);
	CHECK_STR(json_string_value(json_object_get(
		      json_array_get(json_object_get(s.k8s, "container_ports"), 0), "protocol")),
		  ==, "TCP");
	CHECK(json_is_false(json_object_get(s.k8s, "privileged")));
	CHECK(json_object_get(s.k8s, "allow_privilege_escalation") == NULL);
	CHECK_STR(json_string_value(json_object_get(json_array_get(s.mounts, 0), "type")), ==,
		  "pod");
	CHECK(ctr_spec_parse(bad, &s2, &err) < 0);
	CHECK_CONTAINS(err.msg, "quantity");
	ctr_spec_clear(&s);
	ctr_spec_clear(&s2);
}

static const struct unit_case cases[] = {
    {"volumes_canonical", test_volumes_canonical},
    {"volumes_refused", test_volumes_refused},
    {"rel_paths", test_rel_paths},
    {"pod_mounts", test_pod_mounts},
    {"downward_format", test_downward_format},
    {"etc_files", test_etc_files},
    {"pod_record_keeps_fields", test_pod_record_keeps_fields},
    {"ctr_fields", test_ctr_fields},
};

UNIT_MAIN(cases)
