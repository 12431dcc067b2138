/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's user from the container's passwd and group files; see
 * user.h. Formats: passwd(5) "name:password:UID:GID:GECOS:home:shell" and
 * group(5) "name:password:GID:user1,user2". Lines that do not parse are
 * skipped, as glibc's files module does.
 */
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cleanup.h"

struct field {
	const char *p;
	size_t len;
};

/* Split [s, e) on ':' into at most @max fields; the count. */
static size_t
split(const char *s, const char *e, struct field *f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		const char *c = memchr(s, ':', (size_t)(e - s));

		f[n].p = s;
		f[n].len = (size_t)((c != NULL ? c : e) - s);
		n++;
		if (c == NULL)
			break;
		s = c + 1;
	}
	return n;
}

/* Decimal digits only, at most 4294967294 ((uid_t)-1 is no id). */
static bool
parse_id(const char *p, size_t len, unsigned *out)
{
	unsigned long long v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v >= 0xffffffffULL)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool
field_is(const struct field *f, const char *s, size_t len)
{
	return f->len == len && memcmp(f->p, s, len) == 0;
}

/* The next line of [*p, end) into [*line, *line_end); false at the end. */
static bool
next_line(const char **p, const char *end, const char **line, const char **line_end)
{
	const char *nl;

	if (*p == NULL || *p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*line_end = nl != NULL ? nl : end;
	*p = nl != NULL ? nl + 1 : end;
	return true;
}

/* The passwd entry of @name (or of uid @uid when @name is NULL). */
static bool
find_passwd(const char *buf, size_t len, const char *name, size_t name_len, unsigned uid,
	    struct shim_user *out, struct field *matched)
{
	const char *p = buf, *end = buf + len, *l, *le;
	struct field f[7];

	while (next_line(&p, end, &l, &le)) {
		unsigned u, g;

		if (split(l, le, f, 7) < 6 || f[0].len == 0 || f[0].p[0] == '#')
			continue;
		if (!parse_id(f[2].p, f[2].len, &u) || !parse_id(f[3].p, f[3].len, &g))
			continue;
		if (name != NULL ? !field_is(&f[0], name, name_len) : u != uid)
			continue;
		out->uid = u;
		out->gid = g;
		if (f[5].len > 0 && f[5].len < sizeof(out->home)) {
			memcpy(out->home, f[5].p, f[5].len);
			out->home[f[5].len] = '\0';
		}
		*matched = f[0];
		return true;
	}
	return false;
}

/* The gid of the group @name. */
static bool
find_group(const char *buf, size_t len, const char *name, size_t name_len, unsigned *gid)
{
	const char *p = buf, *end = buf + len, *l, *le;
	struct field f[4];

	while (next_line(&p, end, &l, &le)) {
		if (split(l, le, f, 4) < 3 || !field_is(&f[0], name, name_len))
			continue;
		if (parse_id(f[2].p, f[2].len, gid))
			return true;
	}
	return false;
}

/* True when the comma-separated @members list @user. */
static bool
is_member(const struct field *members, const struct field *user)
{
	const char *s = members->p, *e = members->p + members->len;

	while (s < e) {
		const char *c = memchr(s, ',', (size_t)(e - s));
		struct field m = {s, (size_t)((c != NULL ? c : e) - s)};

		if (field_is(&m, user->p, user->len))
			return true;
		s = c != NULL ? c + 1 : e;
	}
	return false;
}

/* The supplementary groups of @user: the groups that list its name. */
static void
member_groups(const char *buf, size_t len, const struct field *user, struct shim_user *out)
{
	const char *p = buf, *end = buf + len, *l, *le;
	struct field f[4];

	while (next_line(&p, end, &l, &le) && out->n_groups < SHIM_MAX_GROUPS) {
		unsigned g;
		bool dup = false;

		if (split(l, le, f, 4) < 4 || !parse_id(f[2].p, f[2].len, &g) ||
		    !is_member(&f[3], user))
			continue;
		for (size_t i = 0; i < out->n_groups; i++)
			dup |= out->groups[i] == (gid_t)g;
		if (!dup)
			out->groups[out->n_groups++] = (gid_t)g;
	}
}

int
shim_user_resolve_buf(const char *user, const char *passwd, size_t passwd_len, const char *group,
		      size_t group_len, struct shim_user *out, struct pd_err *err)
{
	const char *colon = strchr(user, ':');
	size_t ulen = colon != NULL ? (size_t)(colon - user) : strlen(user);
	struct field matched = {NULL, 0};
	unsigned uid = 0, gid = 0;
	bool numeric = parse_id(user, ulen, &uid);
	bool found;

	memset(out, 0, sizeof(*out));
	out->home[0] = '/';
	if (ulen == 0 || (colon != NULL && colon[1] == '\0'))
		return pd_fail(err, PD_E_INVALID, "user \"%.80s\": empty name", user);
	found = passwd != NULL &&
		find_passwd(passwd, passwd_len, numeric ? NULL : user, ulen, uid, out, &matched);
	if (!found && !numeric)
		return pd_fail(err, PD_E_INVALID,
			       "unable to find user %.*s: no matching entries in passwd file",
			       (int)(ulen > 64 ? 64 : ulen), user);
	if (!found) {
		out->uid = uid;
		out->gid = 0;
	}
	if (colon != NULL) {
		const char *g = colon + 1;

		if (!parse_id(g, strlen(g), &gid) &&
		    (group == NULL || !find_group(group, group_len, g, strlen(g), &gid)))
			return pd_fail(
			    err, PD_E_INVALID,
			    "unable to find group %.64s: no matching entries in group file", g);
		out->gid = gid;
	}
	/* Docker's setgroups list starts with the gid (moby's getUser). */
	out->groups[0] = (gid_t)out->gid;
	out->n_groups = 1;
	if (colon == NULL && found && group != NULL)
		member_groups(group, group_len, &matched, out);
	return 0;
}

/* ---- in the workload's child: system calls only ------------------------- */

struct mapped {
	const char *p; /* NULL: the file is missing */
	size_t len;
};

/* Map @path of the root @root_fd, resolved inside it. */
static int
map_file(int root_fd, const char *path, struct mapped *m, struct pd_err *err)
{
	/* openat2: Linux 5.6. */
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	cleanup_close int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	struct stat st;
	void *p;

	m->p = NULL;
	m->len = 0;
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (fd < 0)
		return pd_fail_errno(err, errno, "open /%s in the container", path);
	if (fstat(fd, &st) < 0)
		return pd_fail_errno(err, errno, "stat /%s in the container", path);
	if (!S_ISREG(st.st_mode))
		return pd_fail(err, PD_E_INVALID, "/%s in the container is not a file", path);
	if (st.st_size > SHIM_PASSWD_MAX)
		return pd_fail(err, PD_E_TOO_LARGE, "/%s in the container is over %d bytes", path,
			       SHIM_PASSWD_MAX);
	if (st.st_size == 0) {
		m->p = "";
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return pd_fail_errno(err, errno, "map /%s in the container", path);
	m->p = p;
	m->len = (size_t)st.st_size;
	return 0;
}

static void
unmap(struct mapped *m)
{
	if (m->p != NULL && m->len > 0)
		munmap((void *)m->p, m->len);
}

int
shim_user_resolve(const char *user, struct shim_user *out, struct pd_err *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct mapped pw = {NULL, 0}, gr = {NULL, 0};
	int r = -1;

	if (root < 0)
		return pd_fail_errno(err, errno, "open the container's root");
	if (map_file(root, "etc/passwd", &pw, err) == 0 &&
	    map_file(root, "etc/group", &gr, err) == 0)
		r = shim_user_resolve_buf(user, pw.p, pw.len, gr.p, gr.len, out, err);
	unmap(&pw);
	unmap(&gr);
	return r;
}
