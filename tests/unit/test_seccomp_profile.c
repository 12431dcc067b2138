/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/seccomp_profile (issue 13): docker's profile format parsed (names and
 * name, actions, errnoRet, args, includes and excludes, architectures and
 * archMap, flags), what is refused and where, and when a rule applies; the
 * container's security_opt (podd/security_opt): docker's forms, the profile
 * shortened for inspect, allow_privilege_escalation, and the record's round
 * trip.
 */
#include <string.h>

#include "caps.h"
#include "ctr_spec.h"
#include "json.h"
#include "seccomp_profile.h"
#include "security_opt.h"
#include "unit.h"

static json_t *
load(const char *text)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(text, strlen(text), PD_SC_PROFILE_MAX, &err);

	if (j == NULL)
		unit_report(__FILE__, __LINE__, "bad JSON in the test: %s", err.msg);
	return j;
}

static const char good[] =
    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
    " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],"
    " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\","
    "   \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},"
    "  {\"architecture\": \"SCMP_ARCH_RISCV64\", \"subArchitectures\": null}],"
    " \"syscalls\": ["
    "  {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"io\"},"
    "  {\"name\": \"mkdir\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 122},"
    "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
    "    {\"index\": 0, \"value\": 38, \"op\": \"SCMP_CMP_LT\"},"
    "    {\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},"
    "  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\","
    "   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"], \"minKernel\": \"4.8\"}},"
    "  {\"names\": [\"clone3\"], \"action\": \"SCMP_ACT_KILL\","
    "   \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\"], \"arches\": [\"s390\", \"s390x\"]}},"
    "  {\"names\": [\"arch_prctl\"], \"action\": \"SCMP_ACT_LOG\","
    "   \"includes\": {\"arches\": [\"amd64\", \"x32\"]}}"
    "]}";

static void
test_parse_good(void)
{
	struct pd_sc_profile p;
	struct pd_err err = {0};
	json_t *j = load(good);
	int admin;

	REQUIRE(pd_sc_profile_parse(j, &p, &err) == 0);
	CHECK_INT(p.default_action, ==, PD_SC_ERRNO);
	CHECK_INT(p.default_errno, ==, 1);
	CHECK_INT(p.flags, ==, PD_SC_FLAG_LOG);
	CHECK_INT(p.arches, ==, 0);
	REQUIRE(p.n_arch_map == 2);
	CHECK_INT(p.arch_map[0].arch, ==, PD_SC_ARCH_X86_64);
	CHECK_INT(p.arch_map[0].subs, ==, (1U << PD_SC_ARCH_X86) | (1U << PD_SC_ARCH_X32));
	CHECK_INT(p.arch_map[1].subs, ==, 0);
	REQUIRE(p.n_rules == 6);
	CHECK_STR(p.rules[0].names[1], ==, "write");
	CHECK(p.rules[0].names[2] == NULL);
	CHECK_INT(p.rules[0].errno_ret, ==, -1);
	CHECK_STR(p.rules[1].names[0], ==, "mkdir");
	CHECK_INT(p.rules[1].errno_ret, ==, 122);
	REQUIRE(p.rules[2].n_args == 2);
	CHECK_INT(p.rules[2].args[0].op, ==, PD_SC_LT);
	CHECK_INT(p.rules[2].args[1].op, ==, PD_SC_MASKED_EQ);
	CHECK(p.rules[2].args[1].value == 2114060288U);
	REQUIRE(pd_cap_from_name("CAP_SYS_ADMIN", &admin, &err) == 0);
	CHECK(p.rules[3].includes.caps == (UINT64_C(1) << admin));
	CHECK_INT(p.rules[3].includes.kernel_major, ==, 4);
	CHECK_INT(p.rules[3].includes.kernel_minor, ==, 8);
	CHECK_INT(p.rules[4].action, ==, PD_SC_KILL_THREAD);
	CHECK_INT(p.rules[5].action, ==, PD_SC_LOG);
	pd_sc_profile_clear(&p);
	json_decref(j);
}

static void
test_rule_applies(void)
{
	struct pd_sc_profile p;
	struct pd_err err = {0};
	json_t *j = load(good);
	uint64_t admin = UINT64_C(1) << 21; /* CAP_SYS_ADMIN */

	REQUIRE(pd_sc_profile_parse(j, &p, &err) == 0);
	CHECK(pd_sc_rule_applies(&p.rules[0], 0, "amd64", 6, 1));
	/* includes: every cap, and a kernel at least 4.8 */
	CHECK(!pd_sc_rule_applies(&p.rules[3], 0, "amd64", 6, 1));
	CHECK(pd_sc_rule_applies(&p.rules[3], admin, "amd64", 6, 1));
	CHECK(pd_sc_rule_applies(&p.rules[3], admin, "amd64", 4, 8));
	CHECK(!pd_sc_rule_applies(&p.rules[3], admin, "amd64", 4, 7));
	CHECK(!pd_sc_rule_applies(&p.rules[3], admin, "amd64", 3, 19));
	/* excludes: any cap, any arch */
	CHECK(pd_sc_rule_applies(&p.rules[4], 0, "amd64", 6, 1));
	CHECK(!pd_sc_rule_applies(&p.rules[4], admin, "amd64", 6, 1));
	CHECK(!pd_sc_rule_applies(&p.rules[4], 0, "s390x", 6, 1));
	/* includes.arches: docker's names */
	CHECK(pd_sc_rule_applies(&p.rules[5], 0, "amd64", 6, 1));
	CHECK(!pd_sc_rule_applies(&p.rules[5], 0, "arm64", 6, 1));
	pd_sc_profile_clear(&p);
	json_decref(j);
}

static void
test_parse_refused(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
	    {"[]", "expected a JSON object"},
	    {"{}", "\"defaultAction\" is required"},
	    {"{\"defaultAction\": \"SCMP_ACT_MAYBE\"}", "unknown action \"SCMP_ACT_MAYBE\""},
	    {"{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "SCMP_ACT_NOTIFY is not supported"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x.sock\"}",
	     "listenerPath is not supported"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 5000}",
	     "defaultErrnoRet"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultaction\": \"x\"}",
	     "unknown field \"defaultaction\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_X\"]}",
	     "unsupported flag"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}",
	     "unknown architecture \"SCMP_ARCH_Z80\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"],"
	     " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}",
	     "either \"architectures\" or \"archMap\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	     "syscalls must be an array"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": "
	     "\"SCMP_ACT_ALLOW\"}]}",
	     "syscalls[0]: \"names\" is required"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
	     "syscalls[0]: \"action\" is required"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"read\", "
	     "\"names\": "
	     "[\"write\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
	     "either \"name\" or \"names\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"Read Me\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\"}]}",
	     "bad name \"Read Me\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 0, \"op\": "
	     "\"SCMP_CMP_EQ\"}]}]}",
	     "syscalls[0]: args[0]: field \"index\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": "
	     "\"SCMP_CMP_EQ\"}]}]}",
	     "field \"value\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"op\": "
	     "\"SCMP_CMP_ABOUT\"}]}]}",
	     "unknown op \"SCMP_CMP_ABOUT\""},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_FLY\"]}}]}",
	     "syscalls[0]: includes: caps"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"minKernel\": \"four\"}}]}",
	     "minKernel must be a version"},
	    {"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	     "\"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"users\": []}}]}",
	     "unknown field \"users\""},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pd_sc_profile p;
		struct pd_err err = {0};
		json_t *j = load(bad[i].text);

		CHECK_INT(pd_sc_profile_parse(j, &p, &err), ==, -1);
		CHECK_CONTAINS(err.msg, bad[i].msg);
		pd_sc_profile_clear(&p);
		json_decref(j);
	}
}

static int
opts(const char *list_text, bool no_escalation, struct security_opt *s, struct pd_err *err)
{
	json_t *list = load(list_text);
	int r = security_opt_parse(list, no_escalation, s, err);

	json_decref(list);
	return r;
}

static void
test_security_opt(void)
{
	struct security_opt s;
	struct pd_err err = {0};
	char *dump;

	REQUIRE(security_opt_parse(NULL, false, &s, &err) == 0);
	CHECK_INT(s.seccomp, ==, SEC_SECCOMP_DEFAULT);
	CHECK(!s.no_new_privs);
	security_opt_clear(&s);
	REQUIRE(security_opt_parse(NULL, true, &s, &err) == 0);
	CHECK(s.no_new_privs);
	security_opt_clear(&s);
	REQUIRE(opts("[\"seccomp=unconfined\", \"no-new-privileges\"]", false, &s, &err) == 0);
	CHECK_INT(s.seccomp, ==, SEC_SECCOMP_UNCONFINED);
	CHECK(s.no_new_privs);
	CHECK(security_opt_shim_seccomp(&s) == NULL);
	security_opt_clear(&s);
	REQUIRE(opts("[\"no-new-privileges:false\", \"seccomp=builtin\"]", false, &s, &err) == 0);
	CHECK(!s.no_new_privs);
	CHECK_INT(s.seccomp, ==, SEC_SECCOMP_DEFAULT);
	security_opt_clear(&s);
	REQUIRE(opts("[\"no-new-privileges=true\", \"seccomp={\\\"defaultAction\\\": "
		     "\\\"SCMP_ACT_ALLOW\\\"}\"]",
		     false, &s, &err) == 0);
	CHECK(s.no_new_privs);
	CHECK_INT(s.seccomp, ==, SEC_SECCOMP_CUSTOM);
	dump = json_dumps(s.shown, JSON_COMPACT);
	CHECK_STR(dump, ==, "[\"no-new-privileges=true\",\"seccomp=<custom>\"]");
	free(dump);
	security_opt_clear(&s);
	REQUIRE(opts("[\"apparmor=unconfined\"]", false, &s, &err) == -1);
	CHECK_CONTAINS(err.msg, "\"apparmor=unconfined\" is not supported");
	security_opt_clear(&s);
	REQUIRE(opts("[\"no-new-privileges:yes\"]", false, &s, &err) == -1);
	security_opt_clear(&s);
	REQUIRE(opts("[\"seccomp=/etc/profile.json\"]", false, &s, &err) == -1);
	CHECK_CONTAINS(err.msg, "seccomp profile");
	security_opt_clear(&s);
	REQUIRE(opts("[\"seccomp={\\\"defaultAction\\\": 1}\"]", false, &s, &err) == -1);
	CHECK_CONTAINS(err.msg, "seccomp profile: defaultAction must be a string");
	security_opt_clear(&s);
	REQUIRE(opts("[1]", false, &s, &err) == -1);
	security_opt_clear(&s);
}

/* A container record keeps them, and a record without them (older) reads
 * as the defaults. */
static void
test_record_round_trip(void)
{
	const char *body = "{\"image\": \"busybox\", \"security_opt\": [\"seccomp={"
			   "\\\"defaultAction\\\": \\\"SCMP_ACT_ALLOW\\\"}\"],"
			   " \"allow_privilege_escalation\": false}";
	struct ctr_record rec = {0}, back;
	struct pd_err err = {0};
	json_t *j = load(body), *saved;

	REQUIRE(ctr_spec_parse(j, &rec.spec, &err) == 0);
	CHECK(rec.spec.sec.no_new_privs);
	CHECK_INT(rec.spec.sec.seccomp, ==, SEC_SECCOMP_CUSTOM);
	memcpy(rec.id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 65);
	memcpy(rec.spec.name, "c", 2);
	json_decref(rec.spec.command);
	rec.spec.command = json_pack("[s]", "true");
	rec.spec.workdir = strdup("/");
	rec.exit_code = -1;
	saved = ctr_record_to_json(&rec);
	REQUIRE(saved != NULL);
	CHECK(json_is_object(json_object_get(saved, "seccomp_profile")));
	REQUIRE(ctr_record_from_json(saved, &back, &err) == 0);
	CHECK_INT(back.spec.sec.seccomp, ==, SEC_SECCOMP_CUSTOM);
	CHECK(back.spec.sec.no_new_privs);
	CHECK(json_equal(back.spec.sec.profile, rec.spec.sec.profile));
	ctr_spec_clear(&back.spec);
	/* Older records: the default profile, no no_new_privs. */
	json_object_del(saved, "seccomp");
	json_object_del(saved, "seccomp_profile");
	json_object_del(saved, "no_new_privileges");
	json_object_del(saved, "security_opt");
	REQUIRE(ctr_record_from_json(saved, &back, &err) == 0);
	CHECK_INT(back.spec.sec.seccomp, ==, SEC_SECCOMP_DEFAULT);
	CHECK(!back.spec.sec.no_new_privs);
	ctr_spec_clear(&back.spec);
	/* A custom mode without its profile is not a record of ours. */
	json_object_set_new(saved, "seccomp", json_string("custom"));
	CHECK_INT(ctr_record_from_json(saved, &back, &err), ==, -1);
	ctr_spec_clear(&back.spec);
	json_decref(saved);
	ctr_spec_clear(&rec.spec);
	json_decref(j);
}

static const struct unit_case cases[] = {
    {"parse_good", test_parse_good},
    {"rule_applies", test_rule_applies},
    {"parse_refused", test_parse_refused},
    {"security_opt", test_security_opt},
    {"record_round_trip", test_record_round_trip},
};

UNIT_MAIN(cases)
