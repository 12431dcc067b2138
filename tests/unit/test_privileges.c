/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Issue 13, privileges: the pure parts. lib's sysctl, device and rlimit
 * checks and pd_parse_size; podd's create-body keys (ctr_privileges.h);
 * the shim's keys (priv_spec.h); podctl's flags (priv_flags.h); the
 * devices cgroup's rules, v1 lines and the device program, which a small
 * interpreter of the instructions it uses runs against device accesses.
 */
#include <string.h>
#include <sys/resource.h>

#include "api.h"
#include "caps.h"
#include "cgroup_devices.h"
#include "cleanup.h"
#include "ctr_privileges.h"
#include "ctr_spec.h"
#include "device.h"
#include "json.h"
#include "parse.h"
#include "priv_flags.h"
#include "priv_spec.h"
#include "rlimit.h"
#include "sysctl.h"
#include "unit.h"
#include "xalloc.h"

static void
test_sysctl_names(void)
{
	struct pd_err err = {0};

	CHECK_INT(pd_sysctl_check("net.ipv4.ip_forward", "1", &err), ==, 0);
	CHECK_INT(pd_sysctl_check("net/ipv4/conf/eth0.100/rp_filter", "2", &err), ==, 0);
	CHECK_INT(pd_sysctl_check("net..x", "1", &err), ==, -1);
	CHECK_INT(pd_sysctl_check("net/../../etc", "1", &err), ==, -1);
	CHECK_INT(pd_sysctl_check("net.ipv4.", "1", &err), ==, -1);
	CHECK_INT(pd_sysctl_check("", "1", &err), ==, -1);
	CHECK_INT(pd_sysctl_check("net.a b", "1", &err), ==, -1);
	CHECK_INT(pd_sysctl_check("net.x", "1\n2", &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_INT(pd_sysctl_ns_of("net.core.somaxconn"), ==, PD_SYSCTL_NS_NET);
	CHECK_INT(pd_sysctl_ns_of("net/ipv4/conf/eth0.100/rp_filter"), ==, PD_SYSCTL_NS_NET);
	CHECK_INT(pd_sysctl_ns_of("kernel.shmmax"), ==, PD_SYSCTL_NS_IPC);
	CHECK_INT(pd_sysctl_ns_of("kernel/sem"), ==, PD_SYSCTL_NS_IPC);
	CHECK_INT(pd_sysctl_ns_of("fs.mqueue.msg_max"), ==, PD_SYSCTL_NS_IPC);
	CHECK_INT(pd_sysctl_ns_of("kernel.domainname"), ==, PD_SYSCTL_NS_UTS);
	CHECK_INT(pd_sysctl_ns_of("kernel.hostname"), ==, PD_SYSCTL_NS_NONE);
	CHECK_INT(pd_sysctl_ns_of("kernel.shm"), ==, PD_SYSCTL_NS_NONE);
	CHECK_INT(pd_sysctl_ns_of("vm.swappiness"), ==, PD_SYSCTL_NS_NONE);
	CHECK_INT(pd_sysctl_ns_of("fs.mqueue"), ==, PD_SYSCTL_NS_NONE);
}

static void
test_device_paths_and_perms(void)
{
	struct pd_err err = {0};
	char p[4];

	CHECK(pd_dev_path_valid("/dev/null"));
	CHECK(pd_dev_path_valid("/dev/net/tun"));
	CHECK(!pd_dev_path_valid("/dev/"));
	CHECK(!pd_dev_path_valid("/dev"));
	CHECK(!pd_dev_path_valid("/tmp/x"));
	CHECK(!pd_dev_path_valid("/dev/../etc/passwd"));
	CHECK(!pd_dev_path_valid("/dev/./x"));
	CHECK(!pd_dev_path_valid("/dev//x"));
	CHECK(!pd_dev_path_valid("/dev/x/"));
	CHECK_INT(pd_dev_perms_parse("mwr", p, &err), ==, 0);
	CHECK_STR(p, ==, "rwm");
	CHECK_INT(pd_dev_perms_parse("r", p, &err), ==, 0);
	CHECK_STR(p, ==, "r");
	CHECK_INT(pd_dev_perms_parse("rr", p, &err), ==, -1);
	CHECK_INT(pd_dev_perms_parse("", p, &err), ==, -1);
	CHECK_INT(pd_dev_perms_parse("rwx", p, &err), ==, -1);
	CHECK_INT(pd_dev_perms_parse("rwmr", p, &err), ==, -1);
}

static void
test_rlimits_and_sizes(void)
{
	struct pd_err err = {0};
	unsigned long long n = 0;
	int r = -1;

	CHECK_INT(pd_rlimit_from_name("nofile", &r, &err), ==, 0);
	CHECK_INT(r, ==, RLIMIT_NOFILE);
	CHECK_INT(pd_rlimit_from_name("NOFILE", &r, &err), ==, -1);
	CHECK_INT(pd_rlimit_check("nofile", 10, 20, &err), ==, 0);
	CHECK_INT(pd_rlimit_check("core", -1, -1, &err), ==, 0);
	CHECK_INT(pd_rlimit_check("core", 5, -1, &err), ==, 0);
	CHECK_INT(pd_rlimit_check("core", -1, 5, &err), ==, -1);
	CHECK_INT(pd_rlimit_check("nofile", 30, 20, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "over the hard limit");
	CHECK_INT(pd_parse_size("64m", 1ULL << 40, &n, &err), ==, 0);
	CHECK(n == 64ULL << 20);
	CHECK_INT(pd_parse_size("1GiB", 1ULL << 40, &n, &err), ==, 0);
	CHECK(n == 1ULL << 30);
	CHECK_INT(pd_parse_size("2t", 1ULL << 40, &n, &err), ==, -1);
	CHECK_INT(pd_parse_size("m", 1ULL << 40, &n, &err), ==, -1);
	CHECK_INT(pd_parse_size("12q", 1ULL << 40, &n, &err), ==, -1);
}

/* ctr_priv_parse of @body as text: the canonical JSON, or "ERR: msg". */
static char *
priv_of(const char *body)
{
	struct pd_err err = {0};
	cleanup_json json_t *j = pd_json_load(body, strlen(body), 65536, &err);
	cleanup_json json_t *out = NULL;

	if (j == NULL || ctr_priv_parse(j, &out, &err) < 0)
		return xasprintf("ERR: %s", err.msg);
	return pd_json_dump(out);
}

static void
test_ctr_priv_parse(void)
{
	cleanup_free char *a = priv_of("{}");
	cleanup_free char *b = priv_of(
	    "{\"devices\":[{\"host_path\":\"/dev/sda\"},{\"host_path\":\"/dev/null\","
	    "\"container_path\":\"/dev/"
	    "n\",\"permissions\":\"wr\"}],\"init\":true,\"shm_size\":1024,"
	    "\"sysctls\":{\"net.core.somaxconn\":\"100\"},\"ulimits\":[{\"name\":\"nofile\","
	    "\"soft\":1,\"hard\":2}],\"oom_score_adj\":-5}");
	cleanup_free char *c = priv_of("{\"init\":false,\"oom_score_adj\":0}");

	CHECK_STR(a, ==, "{}");
	CHECK_STR(b, ==,
		  "{\"devices\":[{\"container_path\":\"/dev/sda\",\"host_path\":\"/dev/sda\","
		  "\"permissions\":\"rwm\"},{\"container_path\":\"/dev/n\",\"host_path\":\"/dev/"
		  "null\",\"permissions\":\"rw\"}],\"init\":true,\"oom_score_adj\":-5,\"shm_size\":"
		  "1024,\"sysctls\":{\"net.core.somaxconn\":\"100\"},\"ulimits\":[{\"hard\":2,"
		  "\"name\":\"nofile\",\"soft\":1}]}");
	CHECK_STR(c, ==, "{\"oom_score_adj\":0}");
}

static void
test_ctr_priv_parse_bad(void)
{
	static const struct {
		const char *body, *msg;
	} bad[] = {
	    {"{\"devices\":{}}", "must be an array"},
	    {"{\"devices\":[{\"host_path\":\"dev/x\"}]}", "absolute"},
	    {"{\"devices\":[{\"container_path\":\"/dev/x\"}]}", "host_path"},
	    {"{\"devices\":[{\"host_path\":\"/dev/x\",\"container_path\":\"/x\"}]}", "under /dev"},
	    {"{\"devices\":[{\"host_path\":\"/dev/x\",\"perm\":\"r\"}]}", "perm"},
	    {"{\"devices\":[{\"host_path\":\"/dev/x\",\"permissions\":\"x\"}]}", "r, w and m"},
	    {"{\"devices\":[{\"host_path\":\"/dev/x\"},{\"host_path\":\"/dev/x\"}]}", "twice"},
	    {"{\"sysctls\":{\"vm.swappiness\":\"1\"}}", "not allowed"},
	    {"{\"sysctls\":{\"kernel.hostname\":\"x\"}}", "--hostname"},
	    {"{\"sysctls\":{\"net.x\":1}}", "must be a string"},
	    {"{\"ulimits\":[{\"name\":\"nofile\",\"soft\":1}]}", "hard"},
	    {"{\"ulimits\":[{\"name\":\"x\",\"soft\":1,\"hard\":1}]}", "not a resource"},
	    {"{\"ulimits\":[{\"name\":\"nofile\",\"soft\":1,\"hard\":1},{\"name\":\"nofile\","
	     "\"soft\":1,\"hard\":1}]}",
	     "twice"},
	    {"{\"oom_score_adj\":1001}", "oom_score_adj"},
	    {"{\"shm_size\":0}", "shm_size"},
	    {"{\"init\":1}", "init"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cleanup_free char *got = priv_of(bad[i].body);

		CHECK_CONTAINS(got, "ERR: ");
		CHECK_CONTAINS(got, bad[i].msg);
	}
}

/* Privileged takes every capability; sysctls need the namespace. */
static void
test_ctr_spec_privileged_and_namespaces(void)
{
	struct pd_err err = {0};
	struct ctr_spec spec;
	const char *ok = "{\"image\":\"x\",\"privileged\":true}";
	const char *host_net = "{\"image\":\"x\",\"network\":\"host\",\"sysctls\":"
			       "{\"net.core.somaxconn\":\"1\"}}";
	const char *host_ipc = "{\"image\":\"x\",\"network\":\"host\",\"sysctls\":"
			       "{\"kernel.shmmax\":\"1\"}}";
	cleanup_json json_t *j1 = pd_json_load(ok, strlen(ok), 4096, &err);
	cleanup_json json_t *j2 = pd_json_load(host_net, strlen(host_net), 4096, &err);
	cleanup_json json_t *j3 = pd_json_load(host_ipc, strlen(host_ipc), 4096, &err);

	REQUIRE(j1 != NULL && j2 != NULL && j3 != NULL);
	CHECK_INT(ctr_spec_parse(j1, &spec, &err), ==, 0);
	CHECK(spec.caps == PD_CAP_ALL);
	CHECK(ctr_is_privileged(&spec));
	ctr_spec_clear(&spec);
	CHECK_INT(ctr_spec_parse(j2, &spec, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "network=host");
	ctr_spec_clear(&spec);
	/* Only the IPC namespace counts for kernel.shmmax. */
	CHECK_INT(ctr_spec_parse(j3, &spec, &err), ==, 0);
	CHECK(!ctr_is_privileged(&spec));
	ctr_spec_clear(&spec);
}

/* priv_flags_body over hand-made flag values. */
static void
test_flags_body(void)
{
	struct flag_value v[PRIV_FLAG_COUNT];
	const char *devs[] = {"/dev/a", "/dev/b:rw", "/dev/c:/dev/d", "/dev/e:/dev/f:m"};
	const char *sysctls[] = {"net.core.somaxconn=10"};
	const char *ulimits[] = {"nofile=10:20", "core=unlimited"};
	cleanup_json json_t *body = json_object();
	cleanup_free char *text = NULL;
	struct pd_err err = {0};

	memset(v, 0, sizeof(v));
	v[PRIV_F_PRIVILEGED] = (struct flag_value){.set = true, .on = true};
	v[PRIV_F_INIT] = (struct flag_value){.set = true, .on = true};
	v[PRIV_F_DEVICE] = (struct flag_value){.set = true, .values = devs, .count = 4};
	v[PRIV_F_SYSCTL] = (struct flag_value){.set = true, .values = sysctls, .count = 1};
	v[PRIV_F_ULIMIT] = (struct flag_value){.set = true, .values = ulimits, .count = 2};
	v[PRIV_F_SHM_SIZE] = (struct flag_value){.set = true, .value = "1m"};
	v[PRIV_F_OOM_SCORE_ADJ] = (struct flag_value){.set = true, .value = "-10"};
	REQUIRE(priv_flags_body(body, v, &err) == 0);
	text = pd_json_dump(body);
	CHECK_STR(
	    text, ==,
	    "{\"devices\":[{\"host_path\":\"/dev/a\"},{\"host_path\":\"/dev/b\","
	    "\"permissions\":\"rw\"},{\"container_path\":\"/dev/d\",\"host_path\":\"/dev/c\"},"
	    "{\"container_path\":\"/dev/f\",\"host_path\":\"/dev/e\",\"permissions\":\"m\"}],"
	    "\"init\":true,\"oom_score_adj\":-10,\"privileged\":true,\"shm_size\":1048576,"
	    "\"sysctls\":{\"net.core.somaxconn\":\"10\"},\"ulimits\":[{\"hard\":20,\"name\":"
	    "\"nofile\",\"soft\":10},{\"hard\":-1,\"name\":\"core\",\"soft\":-1}]}");
	memset(v, 0, sizeof(v));
	v[PRIV_F_DEVICE] = (struct flag_value){.set = true, .values = devs + 1, .count = 1};
	devs[1] = "/dev/a:/dev/b:rw:x";
	CHECK_INT(priv_flags_body(body, v, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "too many");
	devs[1] = "dev/a";
	CHECK_INT(priv_flags_body(body, v, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "absolute");
	memset(v, 0, sizeof(v));
	v[PRIV_F_ULIMIT] = (struct flag_value){.set = true, .values = ulimits, .count = 1};
	ulimits[0] = "nofile=x";
	CHECK_INT(priv_flags_body(body, v, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "--ulimit");
}

/* shim_priv_parse of @spec text. */
static int
shim_priv_of(const char *text, bool is_exec, struct shim_priv *p, struct pd_err *err)
{
	cleanup_json json_t *j = pd_json_load(text, strlen(text), 65536, err);

	memset(p, 0, sizeof(*p));
	if (j == NULL)
		return -1;
	/* The strings are borrowed from the JSON: parse, then check what
	 * does not borrow. */
	return shim_priv_parse(j, is_exec, p, err);
}

static void
test_shim_priv_parse(void)
{
	struct shim_priv p;
	struct pd_err err = {0};

	REQUIRE(
	    shim_priv_of("{\"privileged\":true,\"devices\":[{\"path\":\"/dev/x\",\"type\":\"b\","
			 "\"major\":8,\"minor\":1,\"file_mode\":432,\"uid\":0,\"gid\":6}],"
			 "\"shm_size\":4096,\"rlimits\":[{\"name\":\"core\",\"soft\":-1,"
			 "\"hard\":-1}],\"oom_score_adj\":-1000}",
			 false, &p, &err) == 0);
	CHECK(p.privileged);
	CHECK_INT(p.n_devices, ==, 1);
	CHECK_STR(p.devices[0].path, ==, "/dev/x");
	CHECK_INT(p.devices[0].type, ==, 'b');
	CHECK_INT(p.devices[0].major, ==, 8);
	CHECK_INT(p.devices[0].mode, ==, 0660);
	CHECK_INT(p.devices[0].gid, ==, 6);
	CHECK(p.shm_size == 4096);
	CHECK_INT(p.n_rlimits, ==, 1);
	CHECK(p.rlimits[0].soft == RLIM_INFINITY);
	CHECK(p.has_oom_score_adj);
	CHECK_INT(p.oom_score_adj, ==, -1000);
	shim_priv_clear(&p);
	REQUIRE(shim_priv_of("{}", false, &p, &err) == 0);
	CHECK(p.shm_size == SHIM_SHM_DEFAULT);
	CHECK(!p.has_oom_score_adj);
	shim_priv_clear(&p);
	CHECK_INT(shim_priv_of("{\"init\":\"/x\"}", true, &p, &err), ==, -1);
	CHECK_CONTAINS(err.msg, "exec session");
	shim_priv_clear(&p);
	CHECK_INT(shim_priv_of("{\"devices\":[{\"path\":\"/tmp/x\",\"type\":\"c\",\"major\":1,"
			       "\"minor\":3}]}",
			       false, &p, &err),
		  ==, -1);
	shim_priv_clear(&p);
	CHECK_INT(shim_priv_of("{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"p\",\"major\":1,"
			       "\"minor\":3}]}",
			       false, &p, &err),
		  ==, -1);
	shim_priv_clear(&p);
	CHECK_INT(shim_priv_of("{\"sysctls\":{\"net/../x\":\"1\"}}", false, &p, &err), ==, -1);
	shim_priv_clear(&p);
	CHECK_INT(shim_priv_of("{\"init\":\"relative\"}", false, &p, &err), ==, -1);
	shim_priv_clear(&p);
}

static void
test_cgdev_v1_lines(void)
{
	struct cgdev_rule rules[CGDEV_MAX_RULES];
	size_t n = cgdev_default_rules(rules);
	char line[64];

	REQUIRE(n == 11);
	cgdev_v1_line(&rules[0], line, sizeof(line));
	CHECK_STR(line, ==, "c *:* m");
	cgdev_v1_line(&rules[1], line, sizeof(line));
	CHECK_STR(line, ==, "b *:* m");
	cgdev_v1_line(&rules[2], line, sizeof(line));
	CHECK_STR(line, ==, "c 1:3 rwm");
	cgdev_v1_line(&rules[n - 1], line, sizeof(line));
	CHECK_STR(line, ==, "c 136:* rwm");
	CHECK_INT(cgdev_access_of("rw"), ==, CGDEV_READ | CGDEV_WRITE);
	CHECK_INT(cgdev_access_of("m"), ==, CGDEV_MKNOD);
}

/* Run the program on one access, with only the instructions it is made
 * of; -1 on an instruction it should not have. */
static int
run_prog(const struct bpf_insn *insns, size_t n, char type, unsigned access, unsigned major,
	 unsigned minor)
{
	unsigned ctx[3] = {(access << 16) |
			       (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
			   major, minor};
	unsigned long long r[11] = {0};

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &insns[pc];

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != BPF_REG_1 || i->off % 4 != 0 || i->off > 8)
				return -1;
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i->dst_reg] = (unsigned)r[i->src_reg];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = (unsigned)r[i->dst_reg] & (unsigned)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = (unsigned)r[i->dst_reg] >> i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (unsigned long long)(long long)i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != (unsigned long long)(long long)i->imm)
				pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -1;
}

static void
test_cgdev_program(void)
{
	struct cgdev_rule rules[CGDEV_MAX_RULES];
	struct bpf_insn insns[CGDEV_MAX_INSNS];
	size_t n = cgdev_default_rules(rules), k;
	const unsigned R = CGDEV_READ, W = CGDEV_WRITE, M = CGDEV_MKNOD;

	rules[n++] = (struct cgdev_rule){'b', 8, 0, CGDEV_READ};
	rules[n++] = (struct cgdev_rule){'c', 10, CGDEV_ANY, CGDEV_READ | CGDEV_WRITE};
	k = cgdev_bpf_program(rules, n, insns);
	REQUIRE(k <= CGDEV_MAX_INSNS);
	CHECK_INT(run_prog(insns, k, 'c', R | W, 1, 3), ==, 1); /* null */
	CHECK_INT(run_prog(insns, k, 'c', R, 136, 7), ==, 1);   /* a pts */
	CHECK_INT(run_prog(insns, k, 'b', M, 254, 0), ==, 1);   /* mknod of a disk */
	CHECK_INT(run_prog(insns, k, 'b', R, 254, 0), ==, 0);   /* but no read */
	CHECK_INT(run_prog(insns, k, 'b', R | W, 254, 0), ==, 0);
	CHECK_INT(run_prog(insns, k, 'b', R, 8, 0), ==, 1); /* --device ...:r */
	CHECK_INT(run_prog(insns, k, 'b', W, 8, 0), ==, 0);
	CHECK_INT(run_prog(insns, k, 'b', R, 8, 1), ==, 0);
	CHECK_INT(run_prog(insns, k, 'c', R | W, 10, 200), ==, 1);
	/* One rule must allow the whole access, as v1's exceptions do (the
	 * kernel never asks for m with r or w: mknod and open are apart). */
	CHECK_INT(run_prog(insns, k, 'c', M | R, 10, 200), ==, 0);
	CHECK_INT(run_prog(insns, k, 'c', R, 1, 4), ==, 0);
	CHECK_INT(run_prog(insns, k, 'c', R, 4, 1), ==, 0); /* tty1 */
	/* No rule: nothing allowed. */
	k = cgdev_bpf_program(rules, 0, insns);
	CHECK_INT(run_prog(insns, k, 'c', R, 1, 3), ==, 0);
	/* An "a" rule matches both types. */
	rules[0] = (struct cgdev_rule){'a', CGDEV_ANY, CGDEV_ANY, CGDEV_ALL};
	k = cgdev_bpf_program(rules, 1, insns);
	CHECK_INT(run_prog(insns, k, 'b', R | W | M, 254, 0), ==, 1);
}

static const struct unit_case cases[] = {
    {"sysctl_names", test_sysctl_names},
    {"device_paths_and_perms", test_device_paths_and_perms},
    {"rlimits_and_sizes", test_rlimits_and_sizes},
    {"ctr_priv_parse", test_ctr_priv_parse},
    {"ctr_priv_parse_bad", test_ctr_priv_parse_bad},
    {"ctr_spec_privileged_and_namespaces", test_ctr_spec_privileged_and_namespaces},
    {"flags_body", test_flags_body},
    {"shim_priv_parse", test_shim_priv_parse},
    {"cgdev_v1_lines", test_cgdev_v1_lines},
    {"cgdev_program", test_cgdev_program},
};

UNIT_MAIN(cases)
