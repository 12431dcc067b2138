/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiling and loading the seccomp filter; see seccomp.h. libseccomp is
 * used here only: it resolves names per architecture and lays the filter
 * out (as a binary tree of syscall numbers); the result is exported as raw
 * BPF, which the child hands to seccomp(2) itself.
 */
#include "seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "file.h"
#include "log.h"
#include "xalloc.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Each architecture's libseccomp token and docker's name for it (what
 * includes/excludes.arches compare with). */
static const struct {
	uint32_t token;
	const char *docker;
} arches[PD_SC_ARCH_COUNT] = {
    [PD_SC_ARCH_X86] = {SCMP_ARCH_X86, "x86"},
    [PD_SC_ARCH_X86_64] = {SCMP_ARCH_X86_64, "amd64"},
    [PD_SC_ARCH_X32] = {SCMP_ARCH_X32, "x32"},
    [PD_SC_ARCH_ARM] = {SCMP_ARCH_ARM, "arm"},
    [PD_SC_ARCH_AARCH64] = {SCMP_ARCH_AARCH64, "arm64"},
    [PD_SC_ARCH_MIPS] = {SCMP_ARCH_MIPS, "mips"},
    [PD_SC_ARCH_MIPS64] = {SCMP_ARCH_MIPS64, "mips64"},
    [PD_SC_ARCH_MIPS64N32] = {SCMP_ARCH_MIPS64N32, "mips64n32"},
    [PD_SC_ARCH_MIPSEL] = {SCMP_ARCH_MIPSEL, "mipsel"},
    [PD_SC_ARCH_MIPSEL64] = {SCMP_ARCH_MIPSEL64, "mipsel64"},
    [PD_SC_ARCH_MIPSEL64N32] = {SCMP_ARCH_MIPSEL64N32, "mips3l64n32"},
    [PD_SC_ARCH_PPC] = {SCMP_ARCH_PPC, "ppc"},
    [PD_SC_ARCH_PPC64] = {SCMP_ARCH_PPC64, "ppc64"},
    [PD_SC_ARCH_PPC64LE] = {SCMP_ARCH_PPC64LE, "ppc64le"},
    [PD_SC_ARCH_S390] = {SCMP_ARCH_S390, "s390"},
    [PD_SC_ARCH_S390X] = {SCMP_ARCH_S390X, "s390x"},
    [PD_SC_ARCH_PARISC] = {SCMP_ARCH_PARISC, "parisc"},
    [PD_SC_ARCH_PARISC64] = {SCMP_ARCH_PARISC64, "parisc64"},
    [PD_SC_ARCH_RISCV64] = {SCMP_ARCH_RISCV64, "riscv64"},
#ifdef SCMP_ARCH_LOONGARCH64
    [PD_SC_ARCH_LOONGARCH64] = {SCMP_ARCH_LOONGARCH64, "loongarch64"},
#endif
};

static const enum scmp_compare ops[] = {
    [PD_SC_NE] = SCMP_CMP_NE,
    [PD_SC_LT] = SCMP_CMP_LT,
    [PD_SC_LE] = SCMP_CMP_LE,
    [PD_SC_EQ] = SCMP_CMP_EQ,
    [PD_SC_GE] = SCMP_CMP_GE,
    [PD_SC_GT] = SCMP_CMP_GT,
    [PD_SC_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* The native architecture (-1 when this libseccomp's is not in the table). */
static int
native_arch(void)
{
	uint32_t token = seccomp_arch_native();

	for (int i = 0; i < PD_SC_ARCH_COUNT; i++)
		if (arches[i].token == token && arches[i].docker != NULL)
			return i;
	return -1;
}

/* As docker: ERRNO and TRACE default to EPERM. */
static uint32_t
action_of(enum pd_sc_action a, int errno_ret)
{
	uint16_t data = errno_ret >= 0 ? (uint16_t)errno_ret : EPERM;

	switch (a) {
	case PD_SC_ALLOW:
		return SCMP_ACT_ALLOW;
	case PD_SC_ERRNO:
		return SCMP_ACT_ERRNO(data);
	case PD_SC_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case PD_SC_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case PD_SC_TRAP:
		return SCMP_ACT_TRAP;
	case PD_SC_TRACE:
		return SCMP_ACT_TRACE(data);
	case PD_SC_LOG:
		return SCMP_ACT_LOG;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static void
kernel_version(unsigned *major, unsigned *minor)
{
	struct utsname u;

	*major = *minor = 0;
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", major, minor) < 1)
		*major = *minor = 0;
}

static int
add_arches(scmp_filter_ctx ctx, const struct pd_sc_profile *p, int native, struct pd_err *err)
{
	uint32_t set = p->arches;

	for (size_t i = 0; native >= 0 && i < p->n_arch_map; i++)
		if (p->arch_map[i].arch == (enum pd_sc_arch)native)
			set |= (1U << native) | p->arch_map[i].subs;
	for (int a = 0; a < PD_SC_ARCH_COUNT; a++) {
		int r;

		if (!(set & (1U << a)))
			continue;
		if (arches[a].docker == NULL)
			return pd_fail(err, PD_E_INVALID,
				       "seccomp: architecture %s is not known to this libseccomp",
				       pd_sc_arch_name((enum pd_sc_arch)a));
		r = seccomp_arch_add(ctx, arches[a].token);
		if (r < 0 && r != -EEXIST)
			return pd_fail_errno(err, -r, "seccomp: add architecture %s",
					     pd_sc_arch_name((enum pd_sc_arch)a));
	}
	return 0;
}

/* Whether two conditions of @r look at the same argument: then each is a
 * rule of its own (any of them), as runc and crun read docker's profiles;
 * otherwise all of them must hold. */
static bool
has_repeated_index(const struct pd_sc_rule *r)
{
	unsigned seen = 0;

	for (size_t i = 0; i < r->n_args; i++) {
		if (seen & (1U << r->args[i].index))
			return true;
		seen |= 1U << r->args[i].index;
	}
	return false;
}

static int
add_rule(scmp_filter_ctx ctx, const struct pd_sc_rule *r, uint32_t action, int nr,
	 struct pd_err *err)
{
	struct scmp_arg_cmp cmp[PD_SC_MAX_ARGS];
	bool each = has_repeated_index(r);
	int ret = 0;

	for (size_t i = 0; i < r->n_args; i++) {
		const struct pd_sc_arg *a = &r->args[i];

		cmp[i] = (struct scmp_arg_cmp){.arg = a->index,
					       .op = ops[a->op],
					       .datum_a = a->value,
					       .datum_b = a->value_two};
	}
	if (!each)
		ret = seccomp_rule_add_array(ctx, action, nr, (unsigned)r->n_args,
					     r->n_args > 0 ? cmp : NULL);
	for (size_t i = 0; each && i < r->n_args && ret == 0; i++)
		ret = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i]);
	if (ret < 0)
		return pd_fail_errno(err, -ret, "seccomp: add the rule");
	return 0;
}

static int
add_rules(scmp_filter_ctx ctx, const struct pd_sc_profile *p, uint64_t caps, int native,
	  struct pd_err *err)
{
	uint32_t def = action_of(p->default_action, p->default_errno);
	const char *arch = native >= 0 ? arches[native].docker : "";
	unsigned major, minor;

	kernel_version(&major, &minor);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pd_sc_rule *r = &p->rules[i];
		uint32_t action = action_of(r->action, r->errno_ret);

		if (!pd_sc_rule_applies(r, caps, arch, major, minor))
			continue;
		/* libseccomp refuses a rule that does what the default does;
		 * it would change nothing. */
		if (action == def)
			continue;
		for (size_t n = 0; r->names[n] != NULL; n++) {
			int nr = seccomp_syscall_resolve_name(r->names[n]);

			/* Unknown here (newer than this libseccomp, or of
			 * another architecture): skipped, as docker does. */
			if (nr == __NR_SCMP_ERROR)
				continue;
			if (add_rule(ctx, r, action, nr, err) < 0)
				return pd_err_prefix(err, "syscalls[%zu] \"%s\"", i, r->names[n]);
		}
	}
	return 0;
}

/* The filter as raw BPF, through a memfd (libseccomp 2.5 exports to an fd). */
static int export(scmp_filter_ctx ctx, struct shim_filter *out, struct pd_err *err)
{
	cleanup_close int fd = memfd_create("podd-seccomp", MFD_CLOEXEC);
	struct stat st;
	ssize_t n;
	int r;

	if (fd < 0)
		return pd_fail_errno(err, errno, "seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return pd_fail_errno(err, -r, "seccomp: export the filter");
	if (fstat(fd, &st) < 0)
		return pd_fail_errno(err, errno, "seccomp: stat the filter");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return pd_fail(err, PD_E_INVALID,
			       "seccomp: the filter has %lld bytes (at most %d instructions)",
			       (long long)st.st_size, BPF_MAXINSNS);
	out->insns = xmalloc((size_t)st.st_size);
	n = pread(fd, out->insns, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		shim_seccomp_clear(out);
		return pd_fail_errno(err, n < 0 ? errno : EIO, "seccomp: read the filter");
	}
	out->len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
}

/* seccomp(2)'s flags for @p's. */
static unsigned
kernel_flags(const struct pd_sc_profile *p)
{
	unsigned flags = 0;

	if (p->flags & PD_SC_FLAG_TSYNC)
		flags |= SECCOMP_FILTER_FLAG_TSYNC;
	if (p->flags & PD_SC_FLAG_LOG)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	if (p->flags & PD_SC_FLAG_SPEC_ALLOW)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	return flags;
}

int
shim_seccomp_compile(const struct pd_sc_profile *p, uint64_t caps, struct shim_filter *out,
		     struct pd_err *err)
{
	int native = native_arch();
	scmp_filter_ctx ctx;
	int r;

	*out = (struct shim_filter){0};
	ctx = seccomp_init(action_of(p->default_action, p->default_errno));
	if (ctx == NULL)
		return pd_fail(err, PD_E_SYSTEM, "seccomp: seccomp_init failed");
	/* A binary tree of syscall numbers rather than a list: fewer
	 * instructions run per syscall (libseccomp 2.5). */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	r = add_arches(ctx, p, native, err);
	if (r == 0)
		r = add_rules(ctx, p, caps, native, err);
	if (r == 0)
		r = export(ctx, out, err);
	seccomp_release(ctx);
	if (r < 0)
		return -1;
	out->flags = kernel_flags(p);
	return 0;
}

void
shim_seccomp_clear(struct shim_filter *f)
{
	free(f->insns);
	*f = (struct shim_filter){0};
}

int
shim_seccomp_load(const struct shim_filter *f, struct pd_err *err)
{
	struct sock_fprog prog = {.len = f->len, .filter = f->insns};

	if (f->insns == NULL)
		return 0;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog) < 0)
		return pd_fail_errno(err, errno, "load the seccomp filter");
	return 0;
}

/* ---- the cache ---- */

/* FNV-1a, 64 bits: a name for what a filter was compiled from. */
struct hash {
	uint64_t h;
};

static void
hash_bytes(struct hash *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h->h = (h->h ^ b[i]) * UINT64_C(0x100000001b3);
}

static void
hash_u64(struct hash *h, uint64_t v)
{
	hash_bytes(h, &v, sizeof(v));
}

/* A string and its end, so that "ab","c" and "a","bc" differ. */
static void
hash_str(struct hash *h, const char *s)
{
	hash_bytes(h, s, strlen(s) + 1);
}

static void
hash_strv(struct hash *h, const char *const *v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		hash_str(h, v[i]);
	hash_u64(h, UINT64_MAX);
}

static void
hash_when(struct hash *h, const struct pd_sc_when *w)
{
	hash_u64(h, w->caps);
	hash_strv(h, w->arches);
	hash_u64(h, ((uint64_t)w->kernel_major << 32) | w->kernel_minor);
}

static uint64_t
filter_key(const struct pd_sc_profile *p, uint64_t caps)
{
	const struct scmp_version *v = seccomp_version();
	struct hash h = {UINT64_C(0xcbf29ce484222325)};
	unsigned major, minor;

	kernel_version(&major, &minor);
	hash_str(&h, "podd-seccomp-1");
	hash_u64(&h, ((uint64_t)v->major << 40) | ((uint64_t)v->minor << 20) | v->micro);
	hash_u64(&h, seccomp_arch_native());
	hash_u64(&h, ((uint64_t)major << 32) | minor);
	hash_u64(&h, caps);
	hash_u64(&h, p->default_action);
	hash_u64(&h, (uint64_t)(int64_t)p->default_errno);
	hash_u64(&h, p->flags);
	hash_u64(&h, p->arches);
	for (size_t i = 0; i < p->n_arch_map; i++)
		hash_u64(&h, ((uint64_t)p->arch_map[i].arch << 32) | p->arch_map[i].subs);
	hash_u64(&h, p->n_rules);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pd_sc_rule *r = &p->rules[i];

		hash_strv(&h, r->names);
		hash_u64(&h, r->action);
		hash_u64(&h, (uint64_t)(int64_t)r->errno_ret);
		hash_u64(&h, r->n_args);
		for (size_t a = 0; a < r->n_args; a++) {
			hash_u64(&h, ((uint64_t)r->args[a].index << 32) | r->args[a].op);
			hash_u64(&h, r->args[a].value);
			hash_u64(&h, r->args[a].value_two);
		}
		hash_when(&h, &r->includes);
		hash_when(&h, &r->excludes);
	}
	return h.h;
}

/* The cached program named @name in @dirfd, into @out: 1 when found. */
static int
cache_read(int dirfd, const char *name, struct shim_filter *out)
{
	struct pd_err ignored;
	char *buf = NULL;
	size_t len = 0;

	if (pd_file_read(dirfd, name, BPF_MAXINSNS * sizeof(struct sock_filter), &buf, &len,
			 &ignored) < 0)
		return 0;
	if (len == 0 || len % sizeof(struct sock_filter) != 0) {
		free(buf);
		return 0;
	}
	out->insns = (struct sock_filter *)buf;
	out->len = (unsigned short)(len / sizeof(struct sock_filter));
	return 1;
}

int
shim_seccomp_prepare(const struct pd_sc_profile *p, uint64_t caps, const char *cache_dir,
		     struct shim_filter *out, struct pd_err *err)
{
	cleanup_close int dirfd = -1;
	struct pd_err ignored;
	char name[32];

	if (cache_dir == NULL)
		return shim_seccomp_compile(p, caps, out, err);
	if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST)
		log_warn("seccomp cache %s: %s", cache_dir, strerror(errno));
	dirfd = open(cache_dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	(void)snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)filter_key(p, caps));
	if (dirfd < 0 || !cache_read(dirfd, name, out)) {
		if (shim_seccomp_compile(p, caps, out, err) < 0)
			return -1;
		if (dirfd >= 0 &&
		    pd_file_write_volatile(dirfd, name, out->insns,
					   out->len * sizeof(struct sock_filter), &ignored) < 0)
			log_warn("seccomp cache %s: %s", cache_dir, ignored.msg);
		return 0;
	}
	/* The flags are not in the program: from the profile, as compile. */
	out->flags = kernel_flags(p);
	return 0;
}
