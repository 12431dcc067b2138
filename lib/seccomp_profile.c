/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing docker's seccomp profiles; see seccomp_profile.h.
 */
#include "seccomp_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "json.h"
#include "xalloc.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const action_names[] = {
    [PD_SC_ALLOW] = "SCMP_ACT_ALLOW",
    [PD_SC_ERRNO] = "SCMP_ACT_ERRNO",
    [PD_SC_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [PD_SC_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [PD_SC_TRAP] = "SCMP_ACT_TRAP",
    [PD_SC_TRACE] = "SCMP_ACT_TRACE",
    [PD_SC_LOG] = "SCMP_ACT_LOG",
};

static const char *const op_names[] = {
    [PD_SC_NE] = "SCMP_CMP_NE",
    [PD_SC_LT] = "SCMP_CMP_LT",
    [PD_SC_LE] = "SCMP_CMP_LE",
    [PD_SC_EQ] = "SCMP_CMP_EQ",
    [PD_SC_GE] = "SCMP_CMP_GE",
    [PD_SC_GT] = "SCMP_CMP_GT",
    [PD_SC_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const arch_names[PD_SC_ARCH_COUNT] = {
    [PD_SC_ARCH_X86] = "SCMP_ARCH_X86",
    [PD_SC_ARCH_X86_64] = "SCMP_ARCH_X86_64",
    [PD_SC_ARCH_X32] = "SCMP_ARCH_X32",
    [PD_SC_ARCH_ARM] = "SCMP_ARCH_ARM",
    [PD_SC_ARCH_AARCH64] = "SCMP_ARCH_AARCH64",
    [PD_SC_ARCH_MIPS] = "SCMP_ARCH_MIPS",
    [PD_SC_ARCH_MIPS64] = "SCMP_ARCH_MIPS64",
    [PD_SC_ARCH_MIPS64N32] = "SCMP_ARCH_MIPS64N32",
    [PD_SC_ARCH_MIPSEL] = "SCMP_ARCH_MIPSEL",
    [PD_SC_ARCH_MIPSEL64] = "SCMP_ARCH_MIPSEL64",
    [PD_SC_ARCH_MIPSEL64N32] = "SCMP_ARCH_MIPSEL64N32",
    [PD_SC_ARCH_PPC] = "SCMP_ARCH_PPC",
    [PD_SC_ARCH_PPC64] = "SCMP_ARCH_PPC64",
    [PD_SC_ARCH_PPC64LE] = "SCMP_ARCH_PPC64LE",
    [PD_SC_ARCH_S390] = "SCMP_ARCH_S390",
    [PD_SC_ARCH_S390X] = "SCMP_ARCH_S390X",
    [PD_SC_ARCH_PARISC] = "SCMP_ARCH_PARISC",
    [PD_SC_ARCH_PARISC64] = "SCMP_ARCH_PARISC64",
    [PD_SC_ARCH_RISCV64] = "SCMP_ARCH_RISCV64",
    [PD_SC_ARCH_LOONGARCH64] = "SCMP_ARCH_LOONGARCH64",
};

static const struct {
	const char *name;
	unsigned flag;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", PD_SC_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", PD_SC_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", PD_SC_FLAG_SPEC_ALLOW},
};

const char *
pd_sc_arch_name(enum pd_sc_arch a)
{
	return (unsigned)a < PD_SC_ARCH_COUNT ? arch_names[a] : NULL;
}

int
pd_sc_arch_from_name(const char *name)
{
	for (int i = 0; i < PD_SC_ARCH_COUNT; i++)
		if (strcmp(name, arch_names[i]) == 0)
			return i;
	return -1;
}

/* The index of @s in @names (@n entries, some NULL), or -1. */
static int
lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* A string value of at most PD_SC_NAME_MAX bytes. */
static int
get_name(const json_t *v, const char *what, const char **out, struct pd_err *err)
{
	if (!json_is_string(v))
		return pd_fail(err, PD_E_INVALID, "%s must be a string", what);
	if (json_string_length(v) == 0 || json_string_length(v) > PD_SC_NAME_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return pd_fail(err, PD_E_INVALID, "%s: bad name \"%.64s\"", what,
			       json_string_value(v));
	*out = json_string_value(v);
	return 0;
}

/* A syscall's or an architecture's name: lowercase letters, digits, '_'. */
static int
check_ident(const char *s, const char *what, struct pd_err *err)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(s))
		return pd_fail(err, PD_E_INVALID, "%s: bad name \"%.64s\"", what, s);
	return 0;
}

static int
get_action(const json_t *obj, const char *key, bool required, enum pd_sc_action *out,
	   struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);
	const char *s = "";
	int i;

	if (v == NULL && !required)
		return 0;
	if (v == NULL)
		return pd_fail(err, PD_E_INVALID, "\"%s\" is required", key);
	if (get_name(v, key, &s, err) < 0)
		return -1;
	/* SCMP_ACT_KILL is the thread's end, as in libseccomp. */
	if (strcmp(s, "SCMP_ACT_KILL") == 0) {
		*out = PD_SC_KILL_THREAD;
		return 0;
	}
	if (strcmp(s, "SCMP_ACT_NOTIFY") == 0)
		return pd_fail(err, PD_E_INVALID,
			       "%s SCMP_ACT_NOTIFY is not supported (no listener agent)", key);
	i = lookup(action_names, N_OF(action_names), s);
	if (i < 0)
		return pd_fail(err, PD_E_INVALID, "%s: unknown action \"%s\"", key, s);
	*out = (enum pd_sc_action)i;
	return 0;
}

/* An errno for ERRNO (or a TRACE message): 0..4095, as the kernel takes. */
static int
get_errno(const json_t *obj, const char *key, int *out, struct pd_err *err)
{
	long long v = -1;

	if (pd_json_get_int(obj, key, 0, 4095, &v, err) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

/* A NULL-terminated array of the strings of @arr (borrowed from it). */
static const char **
strv_of(const json_t *arr, const char *what, size_t max, struct pd_err *err)
{
	const char **vec;
	json_t *v;
	size_t i;

	if (!json_is_array(arr)) {
		pd_fail(err, PD_E_INVALID, "%s must be an array of strings", what);
		return NULL;
	}
	if (json_array_size(arr) > max) {
		pd_fail(err, PD_E_TOO_LARGE, "%s has more than %zu items", what, max);
		return NULL;
	}
	vec = xcalloc(json_array_size(arr) + 1, sizeof(*vec));
	json_array_foreach (arr, i, v) {
		if (get_name(v, what, &vec[i], err) < 0) {
			free(vec);
			return NULL;
		}
	}
	return vec;
}

/* "4.8" or "5": minKernel. */
static int
get_kernel(const json_t *obj, unsigned *major, unsigned *minor, struct pd_err *err)
{
	json_t *v = json_object_get(obj, "minKernel");
	unsigned a = 0, b = 0;
	int n = 0;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > 16 ||
	    strspn(json_string_value(v), "0123456789.") != json_string_length(v) ||
	    (sscanf(json_string_value(v), "%5u.%5u%n", &a, &b, &n) != 2 &&
	     sscanf(json_string_value(v), "%5u%n", &a, &n) != 1) ||
	    (size_t)n != json_string_length(v) || a == 0)
		return pd_fail(err, PD_E_INVALID, "minKernel must be a version such as \"4.8\"");
	*major = a;
	*minor = b;
	return 0;
}

static int
when_parse(const json_t *j, struct pd_sc_when *w, struct pd_err *err)
{
	static const char *const allowed[] = {"caps", "arches", "minKernel", NULL};
	json_t *caps, *arches, *v;
	size_t i;

	if (j == NULL || json_is_null(j))
		return 0;
	if (pd_json_check_keys(j, "includes/excludes", allowed, err) < 0)
		return -1;
	caps = json_object_get(j, "caps");
	if (caps != NULL && !json_is_null(caps)) {
		if (!json_is_array(caps))
			return pd_fail(err, PD_E_INVALID, "caps must be an array of strings");
		json_array_foreach (caps, i, v) {
			int n;

			if (!json_is_string(v))
				return pd_fail(err, PD_E_INVALID,
					       "caps must be an array of strings");
			if (pd_cap_from_name(json_string_value(v), &n, err) < 0)
				return pd_err_prefix(err, "caps");
			w->caps |= UINT64_C(1) << n;
		}
	}
	arches = json_object_get(j, "arches");
	if (arches != NULL && !json_is_null(arches)) {
		const char **vec = strv_of(arches, "arches", PD_SC_ARCH_COUNT * 2, err);

		w->arches = vec;
		for (i = 0; vec != NULL && vec[i] != NULL; i++)
			if (check_ident(vec[i], "arches", err) < 0)
				return -1;
		if (vec == NULL)
			return -1;
	}
	return get_kernel(j, &w->kernel_major, &w->kernel_minor, err);
}

static int
arg_parse(const json_t *j, struct pd_sc_arg *a, struct pd_err *err)
{
	static const char *const allowed[] = {"index", "value", "valueTwo", "op", NULL};
	long long index = -1, value = 0, two = 0;
	const char *op = "";
	int i;

	if (pd_json_check_keys(j, "arg", allowed, err) < 0 ||
	    pd_json_get_int(j, "index", 0, 5, &index, err) < 0 ||
	    pd_json_get_int(j, "value", 0, INT64_MAX, &value, err) < 0 ||
	    pd_json_get_int(j, "valueTwo", 0, INT64_MAX, &two, err) < 0)
		return -1;
	if (index < 0)
		return pd_fail(err, PD_E_INVALID, "\"index\" is required");
	if (get_name(json_object_get(j, "op"), "op", &op, err) < 0)
		return -1;
	i = lookup(op_names, N_OF(op_names), op);
	if (i < 0)
		return pd_fail(err, PD_E_INVALID, "unknown op \"%s\"", op);
	*a = (struct pd_sc_arg){.index = (unsigned)index,
				.op = (enum pd_sc_op)i,
				.value = (uint64_t)value,
				.value_two = (uint64_t)two};
	return 0;
}

static int
args_parse(const json_t *arr, struct pd_sc_rule *r, struct pd_err *err)
{
	struct pd_sc_arg *args;
	json_t *v;
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return pd_fail(err, PD_E_INVALID, "args must be an array");
	if (json_array_size(arr) > PD_SC_MAX_ARGS)
		return pd_fail(err, PD_E_TOO_LARGE, "args has more than %d items", PD_SC_MAX_ARGS);
	if (json_array_size(arr) == 0)
		return 0;
	args = xcalloc(json_array_size(arr), sizeof(*args));
	r->args = args;
	json_array_foreach (arr, i, v) {
		if (arg_parse(v, &args[i], err) < 0)
			return pd_err_prefix(err, "args[%zu]", i);
		r->n_args++;
	}
	return 0;
}

static int
rule_parse(const json_t *j, struct pd_sc_rule *r, struct pd_err *err)
{
	static const char *const allowed[] = {"names",    "name",     "action",  "errnoRet", "args",
					      "includes", "excludes", "comment", NULL};
	json_t *names = json_object_get(j, "names"), *name = json_object_get(j, "name");
	const char **vec;

	r->errno_ret = -1;
	if (pd_json_check_keys(j, "syscall", allowed, err) < 0)
		return -1;
	if (names != NULL && name != NULL)
		return pd_fail(err, PD_E_INVALID, "give either \"name\" or \"names\"");
	if (name != NULL) {
		vec = xcalloc(2, sizeof(*vec));
		r->names = vec;
		if (get_name(name, "name", &vec[0], err) < 0)
			return -1;
	} else if (names != NULL) {
		vec = strv_of(names, "names", PD_SC_MAX_NAMES, err);
		if (vec == NULL)
			return -1;
		r->names = vec;
	} else {
		return pd_fail(err, PD_E_INVALID, "\"names\" is required");
	}
	for (size_t i = 0; r->names[i] != NULL; i++)
		if (check_ident(r->names[i], "names", err) < 0)
			return -1;
	if (get_action(j, "action", true, &r->action, err) < 0 ||
	    get_errno(j, "errnoRet", &r->errno_ret, err) < 0 ||
	    args_parse(json_object_get(j, "args"), r, err) < 0)
		return -1;
	if (when_parse(json_object_get(j, "includes"), &r->includes, err) < 0)
		return pd_err_prefix(err, "includes");
	if (when_parse(json_object_get(j, "excludes"), &r->excludes, err) < 0)
		return pd_err_prefix(err, "excludes");
	return 0;
}

static int
arch_parse(const json_t *v, const char *what, enum pd_sc_arch *out, struct pd_err *err)
{
	const char *s = "";
	int a;

	if (get_name(v, what, &s, err) < 0)
		return -1;
	a = pd_sc_arch_from_name(s);
	if (a < 0)
		return pd_fail(err, PD_E_INVALID, "%s: unknown architecture \"%s\"", what, s);
	*out = (enum pd_sc_arch)a;
	return 0;
}

static int
arches_parse(const json_t *j, struct pd_sc_profile *p, struct pd_err *err)
{
	static const char *const allowed[] = {"architecture", "subArchitectures", NULL};
	json_t *arr = json_object_get(j, "architectures"), *map = json_object_get(j, "archMap");
	struct pd_sc_archmap *m;
	enum pd_sc_arch a = PD_SC_ARCH_X86;
	json_t *v, *s;
	size_t i, k;

	if (arr != NULL && !json_is_null(arr)) {
		if (!json_is_array(arr) || json_array_size(arr) > PD_SC_ARCH_COUNT * 2)
			return pd_fail(err, PD_E_INVALID,
				       "architectures must be an array of names");
		json_array_foreach (arr, i, v) {
			if (arch_parse(v, "architectures", &a, err) < 0)
				return -1;
			p->arches |= 1U << a;
		}
	}
	if (map == NULL || json_is_null(map))
		return 0;
	if (p->arches != 0 && json_array_size(map) > 0)
		return pd_fail(err, PD_E_INVALID, "give either \"architectures\" or \"archMap\"");
	if (!json_is_array(map) || json_array_size(map) > PD_SC_ARCH_COUNT * 2)
		return pd_fail(err, PD_E_INVALID, "archMap must be an array");
	if (json_array_size(map) == 0)
		return 0;
	m = xcalloc(json_array_size(map), sizeof(*m));
	p->arch_map = m;
	json_array_foreach (map, i, v) {
		json_t *subs = json_object_get(v, "subArchitectures");

		if (pd_json_check_keys(v, "archMap", allowed, err) < 0 ||
		    arch_parse(json_object_get(v, "architecture"), "archMap", &m[i].arch, err) < 0)
			return pd_err_prefix(err, "archMap[%zu]", i);
		if (subs != NULL && !json_is_null(subs) &&
		    (!json_is_array(subs) || json_array_size(subs) > PD_SC_ARCH_COUNT))
			return pd_fail(err, PD_E_INVALID, "archMap[%zu]: bad subArchitectures", i);
		json_array_foreach (subs, k, s) {
			if (arch_parse(s, "subArchitectures", &a, err) < 0)
				return pd_err_prefix(err, "archMap[%zu]", i);
			m[i].subs |= 1U << a;
		}
		p->n_arch_map++;
	}
	return 0;
}

static int
flags_parse(const json_t *arr, struct pd_sc_profile *p, struct pd_err *err)
{
	json_t *v;
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return pd_fail(err, PD_E_INVALID, "flags must be an array of strings");
	json_array_foreach (arr, i, v) {
		const char *s = json_string_value(v);
		bool found = false;

		for (size_t f = 0; s != NULL && f < N_OF(flag_names) && !found; f++) {
			found = strcmp(s, flag_names[f].name) == 0;
			if (found)
				p->flags |= flag_names[f].flag;
		}
		if (!found)
			return pd_fail(err, PD_E_INVALID, "flags: unsupported flag \"%.64s\"",
				       s != NULL ? s : "(not a string)");
	}
	return 0;
}

int
pd_sc_profile_parse(const json_t *j, struct pd_sc_profile *p, struct pd_err *err)
{
	static const char *const allowed[] = {
	    "defaultAction", "defaultErrnoRet",  "architectures", "archMap", "syscalls",
	    "flags",         "listenerMetadata", "listenerPath",  "comment", NULL};
	const json_t *sys = json_object_get(j, "syscalls"), *v;
	struct pd_sc_rule *rules;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->default_errno = -1;
	if (pd_json_check_keys(j, "seccomp profile", allowed, err) < 0)
		return -1;
	if (json_string_length(json_object_get(j, "listenerPath")) > 0)
		return pd_fail(err, PD_E_INVALID, "listenerPath is not supported");
	if (get_action(j, "defaultAction", true, &p->default_action, err) < 0 ||
	    get_errno(j, "defaultErrnoRet", &p->default_errno, err) < 0 ||
	    arches_parse(j, p, err) < 0 || flags_parse(json_object_get(j, "flags"), p, err) < 0)
		return -1;
	if (sys == NULL || json_is_null(sys))
		return 0;
	if (!json_is_array(sys))
		return pd_fail(err, PD_E_INVALID, "syscalls must be an array");
	if (json_array_size(sys) > PD_SC_MAX_RULES)
		return pd_fail(err, PD_E_TOO_LARGE, "syscalls has more than %d items",
			       PD_SC_MAX_RULES);
	if (json_array_size(sys) == 0)
		return 0;
	rules = xcalloc(json_array_size(sys), sizeof(*rules));
	p->rules = rules;
	json_array_foreach (sys, i, v) {
		/* Counted first, so clear frees what a failing rule holds. */
		p->n_rules++;
		if (rule_parse(v, &rules[i], err) < 0)
			return pd_err_prefix(err, "syscalls[%zu]", i);
	}
	return 0;
}

void
pd_sc_profile_clear(struct pd_sc_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pd_sc_rule *r = &p->rules[i];

		free((void *)r->names);
		free((void *)r->args);
		free((void *)r->includes.arches);
		free((void *)r->excludes.arches);
	}
	free((void *)p->rules);
	free((void *)p->arch_map);
	memset(p, 0, sizeof(*p));
}

static bool
has_arch(const char *const *arches, const char *arch)
{
	for (size_t i = 0; arches != NULL && arches[i] != NULL; i++)
		if (strcmp(arches[i], arch) == 0)
			return true;
	return false;
}

/* Whether the kernel @major.@minor is at least @w's minKernel. */
static bool
kernel_at_least(const struct pd_sc_when *w, unsigned major, unsigned minor)
{
	return major > w->kernel_major || (major == w->kernel_major && minor >= w->kernel_minor);
}

bool
pd_sc_rule_applies(const struct pd_sc_rule *r, uint64_t caps, const char *arch, unsigned major,
		   unsigned minor)
{
	const struct pd_sc_when *in = &r->includes, *ex = &r->excludes;

	if (has_arch(ex->arches, arch) || (caps & ex->caps) != 0 ||
	    (ex->kernel_major != 0 && kernel_at_least(ex, major, minor)))
		return false;
	if ((in->arches != NULL && in->arches[0] != NULL && !has_arch(in->arches, arch)) ||
	    (caps & in->caps) != in->caps ||
	    (in->kernel_major != 0 && !kernel_at_least(in, major, minor)))
		return false;
	return true;
}
