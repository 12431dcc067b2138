/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device rules of a container's cgroup; see cgroup_devices.h. The program
 * reads the BPF_PROG_TYPE_CGROUP_DEVICE context (struct bpf_cgroup_dev_ctx:
 * access_type = access << 16 | type, major, minor; Linux 4.15) and returns
 * 1 (allow) at the first rule that matches, else 0 (EPERM):
 *
 *   r2 = ctx->access_type; r3 = r2 & 0xffff (type); r4 = r2 >> 16 (access)
 *   r5 = ctx->major; r6 = ctx->minor
 *   per rule: if r3 != type goto next      (unless the rule is for both)
 *             r7 = r4 & ~access; if r7 != 0 goto next   (asks for more)
 *             if r5 != major goto next     (unless any)
 *             if r6 != minor goto next     (unless any)
 *             r0 = 1; exit
 *   r0 = 0; exit
 */
#include "cgroup_devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off)    INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(dst, src)     INSN(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define ALU32_IMM(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_IMM(dst, imm)     INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off)  INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define EXIT_INSN()             INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

size_t
cgdev_default_rules(struct cgdev_rule *out)
{
	static const struct cgdev_rule defaults[] = {
	    {'c', CGDEV_ANY, CGDEV_ANY, CGDEV_MKNOD}, /* mknod of any node */
	    {'b', CGDEV_ANY, CGDEV_ANY, CGDEV_MKNOD},
	    {'c', 1, 3, CGDEV_ALL},           /* null */
	    {'c', 1, 5, CGDEV_ALL},           /* zero */
	    {'c', 1, 7, CGDEV_ALL},           /* full */
	    {'c', 1, 8, CGDEV_ALL},           /* random */
	    {'c', 1, 9, CGDEV_ALL},           /* urandom */
	    {'c', 5, 0, CGDEV_ALL},           /* tty */
	    {'c', 5, 1, CGDEV_ALL},           /* console */
	    {'c', 5, 2, CGDEV_ALL},           /* ptmx */
	    {'c', 136, CGDEV_ANY, CGDEV_ALL}, /* pts */
	};

	memcpy(out, defaults, sizeof(defaults));
	return sizeof(defaults) / sizeof(defaults[0]);
}

unsigned
cgdev_access_of(const char *perms)
{
	return (strchr(perms, 'r') ? CGDEV_READ : 0) | (strchr(perms, 'w') ? CGDEV_WRITE : 0) |
	       (strchr(perms, 'm') ? CGDEV_MKNOD : 0);
}

void
cgdev_v1_line(const struct cgdev_rule *r, char *buf, size_t len)
{
	char major[24] = "*", minor[24] = "*";

	if (r->major != CGDEV_ANY)
		(void)snprintf(major, sizeof(major), "%ld", r->major);
	if (r->minor != CGDEV_ANY)
		(void)snprintf(minor, sizeof(minor), "%ld", r->minor);
	(void)snprintf(buf, len, "%c %s:%s %s%s%s", r->type, major, minor,
		       (r->access & CGDEV_READ) ? "r" : "", (r->access & CGDEV_WRITE) ? "w" : "",
		       (r->access & CGDEV_MKNOD) ? "m" : "");
}

/* The instructions of one rule, its last two (allow) included. */
static size_t
rule_insns(const struct cgdev_rule *r, struct bpf_insn *out)
{
	struct bpf_insn *p = out;
	size_t n = 0, total;
	size_t jumps[4], nj = 0;

	if (r->type != 'a') {
		jumps[nj++] = n;
		p[n++] = JNE_IMM(BPF_REG_3,
				 r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
	}
	if ((r->access & CGDEV_ALL) != CGDEV_ALL) {
		p[n++] = MOV32_REG(BPF_REG_7, BPF_REG_4);
		p[n++] = ALU32_IMM(BPF_AND, BPF_REG_7, (int)(~r->access & CGDEV_ALL));
		jumps[nj++] = n;
		p[n++] = JNE_IMM(BPF_REG_7, 0, 0);
	}
	if (r->major != CGDEV_ANY) {
		jumps[nj++] = n;
		p[n++] = JNE_IMM(BPF_REG_5, (int)r->major, 0);
	}
	if (r->minor != CGDEV_ANY) {
		jumps[nj++] = n;
		p[n++] = JNE_IMM(BPF_REG_6, (int)r->minor, 0);
	}
	p[n++] = MOV64_IMM(BPF_REG_0, 1);
	p[n++] = EXIT_INSN();
	total = n;
	/* Each failed test jumps past the rule: to the next one. */
	for (size_t i = 0; i < nj; i++)
		p[jumps[i]].off = (short)(total - jumps[i] - 1);
	return total;
}

size_t
cgdev_bpf_program(const struct cgdev_rule *rules, size_t n, struct bpf_insn *insns)
{
	size_t k = 0;

	insns[k++] = LDX_W(BPF_REG_2, BPF_REG_1, 0);
	insns[k++] = MOV32_REG(BPF_REG_3, BPF_REG_2);
	insns[k++] = ALU32_IMM(BPF_AND, BPF_REG_3, 0xffff);
	insns[k++] = MOV32_REG(BPF_REG_4, BPF_REG_2);
	insns[k++] = ALU32_IMM(BPF_RSH, BPF_REG_4, 16);
	insns[k++] = LDX_W(BPF_REG_5, BPF_REG_1, 4);
	insns[k++] = LDX_W(BPF_REG_6, BPF_REG_1, 8);
	for (size_t i = 0; i < n && i < CGDEV_MAX_RULES; i++)
		k += rule_insns(&rules[i], insns + k);
	insns[k++] = MOV64_IMM(BPF_REG_0, 0);
	insns[k++] = EXIT_INSN();
	return k;
}

/* bpf(2) through syscall(2): glibc has no wrapper. */
static int
sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* BPF_PROG_LOAD. The verifier gives up with EAGAIN when a signal is
 * pending (podd's SIGCHLD of a container that just ended), as libbpf knows:
 * it is tried again. */
static int
prog_load(union bpf_attr *load)
{
	int prog, tries = 0;

	do
		prog = sys_bpf(BPF_PROG_LOAD, load);
	while (prog < 0 && errno == EAGAIN && ++tries < 10);
	return prog;
}

/* Write @line to @name under the v1 devices dir @dir. */
static int
v1_write(int dir, const char *name, const char *line, struct pd_err *err)
{
	cleanup_close int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, line, strlen(line)) < 0)
		return pd_fail_errno(err, errno, "%s \"%s\"", name, line);
	return 0;
}

static int
apply_v1(int dir, bool privileged, const struct cgdev_rule *rules, size_t n, struct pd_err *err)
{
	char line[64];

	if (privileged)
		return v1_write(dir, "devices.allow", "a", err);
	/* "a" denied first: the list is then exactly the allowed rules. */
	if (v1_write(dir, "devices.deny", "a", err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cgdev_v1_line(&rules[i], line, sizeof(line));
		if (v1_write(dir, "devices.allow", line, err) < 0)
			return -1;
	}
	return 0;
}

/* Load the program of @rules and attach it to the v2 dir @dir, with
 * BPF_F_ALLOW_MULTI: programs of the ancestors (a systemd unit's) still
 * run, and each must allow (Linux 4.15). The attachment holds the
 * program: the fd is closed here, the program goes with the cgroup. */
static int
apply_bpf(int dir, const struct cgdev_rule *rules, size_t n, struct pd_err *err)
{
	struct bpf_insn insns[CGDEV_MAX_INSNS];
	char log[512] = "";
	union bpf_attr load, attach;
	cleanup_close int prog = -1;

	memset(&load, 0, sizeof(load));
	load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	load.insns = (uintptr_t)insns;
	load.insn_cnt = (unsigned)cgdev_bpf_program(rules, n, insns);
	load.license = (uintptr_t) "Apache-2.0";
	prog = prog_load(&load);
	if (prog < 0) {
		int e = errno;

		if (e != EAGAIN) { /* once more with the verifier's log, to tell why */
			int again;

			load.log_buf = (uintptr_t)log;
			load.log_size = sizeof(log);
			load.log_level = 1;
			again = prog_load(&load);
			if (again >= 0)
				close(again);
		}
		log[strcspn(log, "\n")] = '\0';
		return pd_fail_errno(err, e, "load the device program%s%s", log[0] ? ": " : "",
				     log);
	}
	memset(&attach, 0, sizeof(attach));
	attach.target_fd = (unsigned)dir;
	attach.attach_bpf_fd = (unsigned)prog;
	attach.attach_type = BPF_CGROUP_DEVICE;
	attach.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attach) < 0)
		return pd_fail_errno(err, errno, "attach the device program");
	return 0;
}

int
cgdev_apply_dirs(int v1_dir, int v2_dir, bool privileged, const struct cgdev_rule *extra,
		 size_t n_extra, struct pd_err *err)
{
	struct cgdev_rule rules[CGDEV_MAX_RULES];
	size_t n = cgdev_default_rules(rules);

	if (n + n_extra > CGDEV_MAX_RULES)
		return pd_fail(err, PD_E_INVALID, "too many devices");
	memcpy(rules + n, extra, n_extra * sizeof(*extra));
	n += n_extra;
	if (v1_dir >= 0 && apply_v1(v1_dir, privileged, rules, n, err) < 0)
		return pd_err_prefix(err, "devices cgroup");
	if (v2_dir >= 0 && !privileged && apply_bpf(v2_dir, rules, n, err) < 0)
		return -1;
	return 0;
}
