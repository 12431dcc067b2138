/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroups of podd; see cgroup.h. This file finds the hierarchies and
 * the parent, and makes, fills, kills, freezes and removes the dirs under
 * it. What goes into the limit files is cgroup_apply.c's; the parsing of
 * limits is cgroup_limits.c's.
 */
#include "cgroup.h"
#include "cgroup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
#include "fd.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "podd.h"
#include "xalloc.h"

const char *const cg_v1_names[CG_V1_N] = {"cpu",  "cpuacct", "cpuset",  "memory",
					  "pids", "freezer", "devices", "blkio"};

/* The controllers podd enables on a pure v2 hierarchy, when it has them. */
static const char *const v2_wanted[] = {"cpu", "cpuset", "io", "memory", "pids", NULL};

#define RM_RETRY_MS 50
#define RM_TRIES    200 /* ten seconds */

struct cg_rm {
	TAILQ_ENTRY(cg_rm) entry;
	struct cgroups *cg; /* borrowed */
	char *rel;          /* owned */
	int tries;
	struct event *ev; /* owned */
};

/* ---- small file helpers ---- */

int
cg_write(const char *dir, const char *file, const char *value, struct pd_err *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", path);
	/* cgroupfs takes a value in one write; a short write is an error. */
	if (write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		return pd_fail_errno(err, errno, "write \"%s\" to %s", value, path);
	return 0;
}

char *
cg_read(const char *dir, const char *file, struct pd_err *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	char *buf = NULL;
	size_t len = 0;

	if (pd_file_read(AT_FDCWD, path, 1 << 20, &buf, &len, err) < 0)
		return NULL;
	return buf;
}

/* The number after "@key " in a flat keyed file (memory.events). */
long long
cg_read_key(const char *dir, const char *file, const char *key)
{
	struct pd_err ignored;
	cleanup_free char *buf = cg_read(dir, file, &ignored);
	size_t klen = strlen(key);

	for (char *line = buf; line != NULL && *line != '\0';) {
		char *nl = strchr(line, '\n');

		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return strtoll(line + klen + 1, NULL, 10);
		line = nl != NULL ? nl + 1 : NULL;
	}
	return -1;
}

/* ---- finding the hierarchies ---- */

/* True when the comma list @list has @word. */
static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p = comma != NULL ? comma + 1 : NULL;
	}
	return false;
}

struct mounts_found {
	char *v1_mount[CG_V1_N]; /* owned: mount point of each controller */
	char *v1_opts[CG_V1_N];  /* owned: the controllers of its hierarchy */
	char *v2_mount;          /* owned: the cgroup2 mount */
	bool v2_at_root;         /* cgroup2 is /sys/fs/cgroup itself */
};

static void
mounts_found_clear(struct mounts_found *m)
{
	for (int i = 0; i < CG_V1_N; i++) {
		free(m->v1_mount[i]);
		free(m->v1_opts[i]);
	}
	free(m->v2_mount);
	memset(m, 0, sizeof(*m));
}

/* The controllers among a v1 mount's super options ("rw,cpu,cpuacct":
 * "cpu,cpuacct"): what a mount of the same hierarchy names. */
static char *
controllers_of(const char *super)
{
	static const char *const not_controllers[] = {
	    "rw",           "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode",
	    "favordynmods", NULL};
	char *out = xcalloc(1, strlen(super) + 1);
	size_t n = 0;

	for (const char *p = super; *p != '\0';) {
		size_t len = strcspn(p, ",");
		bool skip = memchr(p, '=', len) != NULL;

		for (size_t i = 0; !skip && not_controllers[i] != NULL; i++)
			skip = strlen(not_controllers[i]) == len &&
			       strncmp(p, not_controllers[i], len) == 0;
		if (!skip) {
			if (n > 0)
				out[n++] = ',';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return out;
}

/* One /proc/self/mountinfo line: "ID PARENT MAJ:MIN ROOT POINT OPTS ... -
 * FSTYPE SOURCE SUPEROPTS". */
static void
scan_mount(char *line, struct mounts_found *m)
{
	char *f[6] = {0}, *sep, *save = NULL, *fstype, *super;
	int i = 0;

	sep = strstr(line, " - ");
	if (sep == NULL)
		return;
	*sep = '\0';
	for (char *tok = strtok_r(line, " ", &save); tok != NULL && i < 6;
	     tok = strtok_r(NULL, " ", &save))
		f[i++] = tok;
	if (i < 5)
		return;
	save = NULL;
	fstype = strtok_r(sep + 3, " ", &save);
	(void)strtok_r(NULL, " ", &save);
	super = strtok_r(NULL, " \n", &save);
	if (fstype == NULL)
		return;
	if (strcmp(fstype, "cgroup2") == 0) {
		bool at_root = strcmp(f[4], "/sys/fs/cgroup") == 0;

		if (m->v2_mount == NULL || at_root) {
			free(m->v2_mount);
			m->v2_mount = xstrdup(f[4]);
			m->v2_at_root = at_root;
		}
		return;
	}
	if (strcmp(fstype, "cgroup") != 0 || super == NULL)
		return;
	for (int c = 0; c < CG_V1_N; c++)
		if (m->v1_mount[c] == NULL && has_word(super, cg_v1_names[c])) {
			m->v1_mount[c] = xstrdup(f[4]);
			m->v1_opts[c] = controllers_of(super);
		}
}

static int
find_mounts(struct mounts_found *m, struct pd_err *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return pd_fail_errno(err, errno, "open /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0)
		scan_mount(line, m);
	return 0;
}

/* podd's own cgroup in the hierarchy of v1 @controller (NULL: cgroup2),
 * from /proc/self/cgroup ("ID:CONTROLLERS:PATH"). A new string. */
static char *
own_cgroup(const char *controller)
{
	cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL)
		return xstrdup("/");
	while ((n = getline(&line, &cap, f)) > 0) {
		char *c1 = strchr(line, ':'), *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;

		if (c2 == NULL)
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		*c2 = '\0';
		if (controller == NULL ? c1[1] == '\0' : has_word(c1 + 1, controller))
			return xstrdup(c2 + 1);
	}
	return xstrdup("/");
}

/* A parent path: components of [A-Za-z0-9_.@:-], no "." or "..". */
static int
check_parent(const char *p, struct pd_err *err)
{
	const char *s = p;

	if (strlen(p) > 512)
		return pd_fail(err, PD_E_INVALID, "--cgroup-parent is too long");
	while (*s == '/')
		s++;
	if (*s == '\0')
		return pd_fail(err, PD_E_INVALID,
			       "--cgroup-parent must name a cgroup below the root");
	while (*s != '\0') {
		size_t len = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789_.@:-");

		if (len == 0 || (s[len] != '/' && s[len] != '\0') || (len == 1 && s[0] == '.') ||
		    (len == 2 && s[0] == '.' && s[1] == '.'))
			return pd_fail(err, PD_E_INVALID, "--cgroup-parent \"%.80s\" is not a path",
				       p);
		s += len;
		while (*s == '/')
			s++;
	}
	return 0;
}

/* The parent's dir in the hierarchy mounted at @mount whose podd cgroup
 * is @own. A new string without "//". */
static char *
parent_dir(const char *mount, const char *own, const char *parent)
{
	const char *rel = parent[0] == '/' ? parent : NULL;
	char *dir;

	if (rel != NULL)
		dir = xasprintf("%s/%s", mount, rel);
	else
		dir = xasprintf("%s/%s/%s", mount, own, parent);
	/* squeeze the slashes, drop a trailing one */
	{
		char *w = dir;

		for (char *r = dir; *r != '\0'; r++)
			if (!(r[0] == '/' && (r[1] == '/' || r[1] == '\0')))
				*w++ = *r;
		*w = '\0';
	}
	return dir;
}

/* A new v1 cpuset dir starts with empty cpus and mems, which no process
 * may join: the parent's are copied, as runc and crun do. */
int
cg_cpuset_fill(const char *dir, struct pd_err *err)
{
	cleanup_free char *up = xstrdup(dir);
	char *slash = strrchr(up, '/');
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	if (slash == NULL)
		return 0;
	*slash = '\0';
	for (size_t i = 0; i < 2; i++) {
		cleanup_free char *mine = cg_read(dir, files[i], err);
		cleanup_free char *theirs = NULL;

		if (mine == NULL)
			return -1;
		if (mine[0] != '\n' && mine[0] != '\0')
			continue;
		theirs = cg_read(up, files[i], err);
		if (theirs == NULL || cg_write(dir, files[i], theirs, err) < 0)
			return -1;
	}
	return 0;
}

/* On pure v2, give the children of @dir the controllers podd uses. */
static void
enable_controllers(const struct cgroups *cg, const char *dir)
{
	struct pd_err err = {0};

	if (cg->layout != CG_LAYOUT_V2)
		return;
	for (size_t i = 0; v2_wanted[i] != NULL; i++) {
		cleanup_free char *plus = xasprintf("+%s", v2_wanted[i]);

		if (!cg_has_v2_controller(cg, v2_wanted[i]))
			continue;
		if (cg_write(dir, "cgroup.subtree_control", plus, &err) < 0)
			log_debug("%s", err.msg);
	}
}

/* mkdir @dir; *made says whether it is new. On v1 cpuset its cpus and
 * mems are filled; on v2 the one above it hands it the controllers. */
static int
make_one(const char *dir, bool cpuset, bool *made, struct pd_err *err)
{
	*made = false;
	if (mkdir(dir, 0755) < 0) {
		if (errno != EEXIST)
			return pd_fail_errno(err, errno, "mkdir %s", dir);
	} else {
		*made = true;
	}
	if (cpuset && cg_cpuset_fill(dir, err) < 0)
		return -1;
	return 0;
}

/* mkdir -p @dir from @mount down (v1 cpuset: each level filled). */
static int
make_parent(struct cgroups *cg, const char *mount, const char *dir, bool cpuset, bool v2,
	    struct pd_err *err)
{
	cleanup_free char *path = xstrdup(dir);
	size_t base = strlen(mount);

	for (char *p = path + base + 1; p != NULL;) {
		char *slash = strchr(p, '/');
		bool made;
		char *up;

		if (slash != NULL)
			*slash = '\0';
		if (v2) {
			/* the level above hands down the controllers */
			up = xstrdup(path);
			*strrchr(up, '/') = '\0';
			enable_controllers(cg, up);
			free(up);
		}
		if (make_one(path, cpuset, &made, err) < 0)
			return -1;
		if (slash == NULL)
			break;
		*slash = '/';
		p = slash + 1;
	}
	return 0;
}

bool
cg_has_v2_controller(const struct cgroups *cg, const char *name)
{
	return cg->v2_controllers != NULL && has_word(cg->v2_controllers, name);
}

int
cgroup_layout_parse(const char *s, enum cg_layout *out)
{
	static const struct {
		const char *name;
		enum cg_layout layout;
	} t[] = {{"auto", CG_LAYOUT_AUTO},
		 {"none", CG_LAYOUT_NONE},
		 {"v1", CG_LAYOUT_V1},
		 {"hybrid", CG_LAYOUT_HYBRID},
		 {"v2", CG_LAYOUT_V2}};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0) {
			*out = t[i].layout;
			return 0;
		}
	return -1;
}

/* The layout to use: @want, checked against what is mounted. */
static int
pick_layout(const struct mounts_found *m, enum cg_layout want, enum cg_layout *out,
	    struct pd_err *err)
{
	bool v1 = false;

	for (int c = 0; c < CG_V1_N; c++)
		v1 |= m->v1_mount[c] != NULL;
	switch (want) {
	case CG_LAYOUT_AUTO:
		if (m->v2_mount != NULL && m->v2_at_root)
			*out = CG_LAYOUT_V2;
		else if (v1)
			*out = m->v2_mount != NULL ? CG_LAYOUT_HYBRID : CG_LAYOUT_V1;
		else
			*out = m->v2_mount != NULL ? CG_LAYOUT_V2 : CG_LAYOUT_NONE;
		return 0;
	case CG_LAYOUT_NONE:
		*out = want;
		return 0;
	case CG_LAYOUT_V1:
		if (!v1)
			return pd_fail(err, PD_E_INVALID,
				       "--cgroup-layout v1: no cgroup v1 controller is mounted");
		*out = want;
		return 0;
	case CG_LAYOUT_HYBRID:
		if (!v1 || m->v2_mount == NULL)
			return pd_fail(err, PD_E_INVALID,
				       "--cgroup-layout hybrid needs v1 controllers and a cgroup2 "
				       "mount");
		*out = want;
		return 0;
	case CG_LAYOUT_V2:
		if (m->v2_mount == NULL)
			return pd_fail(err, PD_E_INVALID,
				       "--cgroup-layout v2: no cgroup2 is mounted");
		*out = want;
		return 0;
	}
	return pd_fail(err, PD_E_INVALID, "bad cgroup layout");
}

/* hier[]: the distinct v1 parent dirs (co-mounted controllers share one),
 * then the v2 one. */
static void
collect_hierarchies(struct cgroups *cg)
{
	size_t n = 0;

	for (int c = 0; c < CG_V1_N; c++) {
		bool seen = false;

		if (cg->v1[c] == NULL)
			continue;
		for (size_t i = 0; i < n; i++)
			seen |= strcmp(cg->hier[i], cg->v1[c]) == 0;
		if (!seen)
			cg->hier[n++] = cg->v1[c];
	}
	if (cg->v2 != NULL)
		cg->hier[n++] = cg->v2;
	cg->hier[n] = NULL;
}

static int
setup_dirs(struct cgroups *cg, const struct mounts_found *m, struct pd_err *err)
{
	if (cg->layout == CG_LAYOUT_V1 || cg->layout == CG_LAYOUT_HYBRID) {
		for (int c = 0; c < CG_V1_N; c++) {
			cleanup_free char *own = NULL;

			if (m->v1_mount[c] == NULL)
				continue;
			own = own_cgroup(cg_v1_names[c]);
			cg->v1[c] = parent_dir(m->v1_mount[c], own, cg->parent);
			cg->v1_mount[c] = xstrdup(m->v1_mount[c]);
			cg->v1_opts[c] = xstrdup(m->v1_opts[c]);
			if (make_parent(cg, m->v1_mount[c], cg->v1[c], c == CG_V1_CPUSET, false,
					err) < 0)
				return -1;
		}
		/* Without swap accounting (swapaccount=0) memsw files are absent. */
		if (cg->v1[CG_V1_MEMORY] != NULL) {
			cleanup_free char *p =
			    xasprintf("%s/memory.memsw.limit_in_bytes", cg->v1[CG_V1_MEMORY]);

			cg->memsw = access(p, F_OK) == 0;
		}
	}
	if ((cg->layout == CG_LAYOUT_V2 || cg->layout == CG_LAYOUT_HYBRID) && m->v2_mount != NULL) {
		cleanup_free char *own = own_cgroup(NULL);
		cleanup_free char *root_ctl = NULL;
		struct pd_err ignored;

		cg->v2 = parent_dir(m->v2_mount, own, cg->parent);
		/* issue 16: a relative parent is beside podd's leaf (cgroup_leaf.c) */
		if (cg->parent[0] != '/') {
			cleanup_free char *own_dir = parent_dir(m->v2_mount, own, "");

			if (cg_leaf_enter(cg, own_dir, err) < 0)
				return -1;
		}
		root_ctl = cg_read(m->v2_mount, "cgroup.controllers", &ignored);
		if (root_ctl != NULL) {
			/* space-separated in the file: commas for has_word */
			for (char *p = root_ctl; *p != '\0'; p++)
				if (*p == ' ' || *p == '\n')
					*p = ',';
			cg->v2_controllers = steal_ptr(root_ctl);
		}
		if (make_parent(cg, m->v2_mount, cg->v2, false, true, err) < 0)
			return -1;
		enable_controllers(cg, cg->v2);
	}
	collect_hierarchies(cg);
	return 0;
}

int
cgroup_setup(struct podd *d, enum cg_layout want, const char *parent, struct pd_err *err)
{
	struct mounts_found m = {0};
	struct cgroups *cg = xcalloc(1, sizeof(*cg));
	int r;

	cg->base = d->base;
	TAILQ_INIT(&cg->removals);
	cg->parent = xstrdup(parent != NULL ? parent : "/podd");
	d->cgroups = cg;
	if (check_parent(cg->parent, err) < 0)
		return -1;
	/* issue 16: a relative parent must not be podd's own leaf */
	if (strncmp(cg->parent, CG_LEAF_NAME, strlen(CG_LEAF_NAME)) == 0 &&
	    (cg->parent[strlen(CG_LEAF_NAME)] == '\0' || cg->parent[strlen(CG_LEAF_NAME)] == '/'))
		return pd_fail(err, PD_E_INVALID,
			       "--cgroup-parent \"%.80s\": \"%s\" below podd's own cgroup is "
			       "podd's leaf; choose another name",
			       cg->parent, CG_LEAF_NAME);
	if (want != CG_LAYOUT_NONE && find_mounts(&m, err) < 0)
		return -1;
	r = pick_layout(&m, want, &cg->layout, err);
	if (r == 0 && cg->layout != CG_LAYOUT_NONE)
		r = setup_dirs(cg, &m, err);
	mounts_found_clear(&m);
	if (r < 0)
		return pd_err_prefix(err, "cgroups");
	if (cg->layout == CG_LAYOUT_NONE && want == CG_LAYOUT_AUTO)
		log_warn("no cgroup hierarchy is mounted: containers run without limits");
	log_info("cgroups: layout %s, parent %s", cgroup_layout_name(d),
		 cg->hier[0] != NULL ? cg->hier[0] : cg->parent);
	return 0;
}

static void
rm_free(struct cg_rm *r)
{
	TAILQ_REMOVE(&r->cg->removals, r, entry);
	if (r->ev != NULL)
		event_free(r->ev);
	free(r->rel);
	free(r);
}

void
cgroup_teardown(struct podd *d)
{
	struct cgroups *cg = d->cgroups;
	struct cg_rm *r;

	if (cg == NULL)
		return;
	while ((r = TAILQ_FIRST(&cg->removals)) != NULL) {
		struct pd_err ignored;

		(void)cg_rmdirs(cg, r->rel, &ignored);
		rm_free(r);
	}
	for (int c = 0; c < CG_V1_N; c++) {
		free(cg->v1[c]);
		free(cg->v1_mount[c]);
		free(cg->v1_opts[c]);
	}
	cg_leaf_leave(cg); /* issue 16 */
	free(cg->v2);
	free(cg->v2_controllers);
	free(cg->parent);
	free(cg);
	d->cgroups = NULL;
}

/* ---- names ---- */

char *
cgroup_rel_pod(const char *pod_id)
{
	return xasprintf("pod-%s", pod_id);
}

char *
cgroup_rel_infra(const char *pod_id)
{
	return xasprintf("pod-%s/infra", pod_id);
}

char *
cgroup_rel_ctr(const char *pod_id, const char *ctr_id)
{
	if (pod_id == NULL || pod_id[0] == '\0')
		return xasprintf("ctr-%s", ctr_id);
	return xasprintf("pod-%s/ctr-%s", pod_id, ctr_id);
}

/* ---- the dirs ---- */

bool
cgroup_enabled(const struct podd *d)
{
	return d->cgroups != NULL && d->cgroups->layout != CG_LAYOUT_NONE;
}

/* Remove @rel in every hierarchy: 1 when some dir is still busy. */
int
cg_rmdirs(struct cgroups *cg, const char *rel, struct pd_err *err)
{
	int busy = 0;

	for (size_t i = 0; cg->hier[i] != NULL; i++) {
		cleanup_free char *dir = xasprintf("%s/%s", cg->hier[i], rel);

		if (rmdir(dir) == 0 || errno == ENOENT)
			continue;
		if (errno == EBUSY)
			busy = 1;
		else
			return pd_fail_errno(err, errno, "remove cgroup %s", dir);
	}
	return busy;
}

int
cgroup_create(struct podd *d, const char *rel, const struct cg_limits *l, struct pd_err *err)
{
	struct cgroups *cg = d->cgroups;
	bool made[CG_V1_N + 1] = {false};
	size_t i;

	if (!cgroup_enabled(d))
		return l == NULL || cg_limits_empty(l) ? 0 : cgroup_apply_limits(d, rel, l, err);
	/* A removal still retried would take the dir from under its new user. */
	for (struct cg_rm *r = TAILQ_FIRST(&cg->removals), *next; r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (strcmp(r->rel, rel) == 0 ||
		    (strncmp(r->rel, rel, strlen(r->rel)) == 0 && rel[strlen(r->rel)] == '/'))
			rm_free(r);
	}
	for (i = 0; cg->hier[i] != NULL; i++) {
		cleanup_free char *dir = xasprintf("%s/%s", cg->hier[i], rel);
		bool cpuset =
		    cg->v1[CG_V1_CPUSET] != NULL && strcmp(cg->hier[i], cg->v1[CG_V1_CPUSET]) == 0;
		bool v2 = cg->hier[i] == cg->v2;

		if (v2) {
			cleanup_free char *up = xstrdup(dir);

			*strrchr(up, '/') = '\0';
			enable_controllers(cg, up);
		}
		if (make_one(dir, cpuset, &made[i], err) < 0)
			goto undo;
	}
	if (l != NULL && cgroup_apply_limits(d, rel, l, err) < 0)
		goto undo;
	return 0;
undo:
	for (size_t j = 0; cg->hier[j] != NULL; j++) {
		cleanup_free char *dir = xasprintf("%s/%s", cg->hier[j], rel);

		if (made[j] && rmdir(dir) < 0)
			log_warn("remove cgroup %s: %s", dir, strerror(errno));
	}
	return pd_err_prefix(err, "cgroup %s", rel);
}

static void
on_rm_retry(evutil_socket_t fd, short what, void *arg)
{
	struct cg_rm *r = arg;
	struct pd_err err = {0};
	int busy;

	(void)fd;
	(void)what;
	busy = cg_rmdirs(r->cg, r->rel, &err);
	if (busy == 1 && ++r->tries < RM_TRIES) {
		struct timeval tv = {0, RM_RETRY_MS * 1000};

		evtimer_add(r->ev, &tv);
		return;
	}
	if (busy < 0)
		log_warn("%s", err.msg);
	else if (busy == 1)
		log_warn("cgroup %s: still busy, left in place", r->rel);
	rm_free(r);
}

int
cgroup_remove(struct podd *d, const char *rel, struct pd_err *err)
{
	struct cgroups *cg = d->cgroups;
	struct cg_rm *r;
	struct timeval tv = {0, RM_RETRY_MS * 1000};
	int busy;

	if (!cgroup_enabled(d))
		return 0;
	busy = cg_rmdirs(cg, rel, err);
	if (busy <= 0)
		return busy;
	/* Its last process has exited but is not yet uncharged: the kernel
	 * lets the dir go a moment later. */
	r = xcalloc(1, sizeof(*r));
	r->cg = cg;
	r->rel = xstrdup(rel);
	r->ev = evtimer_new(cg->base, on_rm_retry, r);
	TAILQ_INSERT_TAIL(&cg->removals, r, entry);
	if (r->ev == NULL) {
		rm_free(r);
		return pd_fail(err, PD_E_SYSTEM, "cgroup %s: no timer for its removal", rel);
	}
	evtimer_add(r->ev, &tv);
	return 0;
}

/* The dir of @rel that tells membership: the v2 one when there is one. */
static char *
member_dir(const struct cgroups *cg, const char *rel)
{
	if (cg->v2 != NULL)
		return xasprintf("%s/%s", cg->v2, rel);
	for (int c = 0; c < CG_V1_N; c++)
		if (cg->v1[c] != NULL && (c == CG_V1_PIDS || cg->v1[CG_V1_PIDS] == NULL))
			return xasprintf("%s/%s", cg->v1[c], rel);
	return NULL;
}

static int
read_pids(const char *dir, pid_t **pids, size_t *n, struct pd_err *err)
{
	cleanup_free char *buf = cg_read(dir, "cgroup.procs", err);
	size_t cap = 0;

	*pids = NULL;
	*n = 0;
	if (buf == NULL)
		return -1;
	for (char *p = buf; *p != '\0';) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*pids = xrealloc(*pids, cap * sizeof(**pids));
		}
		(*pids)[(*n)++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
	return 0;
}

int
cgroup_pids(struct podd *d, const char *rel, pid_t **pids, size_t *n, struct pd_err *err)
{
	cleanup_free char *dir = NULL;

	*pids = NULL;
	*n = 0;
	if (!cgroup_enabled(d))
		return pd_fail(err, PD_E_INVALID, "podd runs without cgroups");
	dir = member_dir(d->cgroups, rel);
	return read_pids(dir, pids, n, err);
}

int
cgroup_freeze(struct podd *d, const char *rel, bool frozen, struct pd_err *err)
{
	struct cgroups *cg = d->cgroups;
	cleanup_free char *dir = NULL;

	if (!cgroup_enabled(d))
		return pd_fail(err, PD_E_INVALID, "podd runs without cgroups: nothing to freeze");
	if (cg->v2 != NULL) {
		dir = xasprintf("%s/%s", cg->v2, rel);
		return cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err);
	}
	if (cg->v1[CG_V1_FREEZER] == NULL)
		return pd_fail(err, PD_E_INVALID, "no freezer cgroup is mounted");
	dir = xasprintf("%s/%s", cg->v1[CG_V1_FREEZER], rel);
	return cg_write(dir, "freezer.state", frozen ? "FROZEN" : "THAWED", err);
}

/* v1: with the cgroup frozen no process in it can exit or fork, so the
 * pids read from cgroup.procs stay theirs while each is sent SIGKILL (a
 * pid cannot be reused under us); the thaw lets the kills land. */
static int
freeze_and_kill(struct podd *d, const char *rel, struct pd_err *err)
{
	cleanup_free pid_t *pids = NULL;
	struct pd_err thaw = {0};
	size_t n = 0;
	int r;

	if (cgroup_freeze(d, rel, true, err) < 0)
		return -1;
	r = cgroup_pids(d, rel, &pids, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (kill(pids[i], SIGKILL) < 0 && errno != ESRCH)
			r = pd_fail_errno(err, errno, "kill %d", (int)pids[i]);
	if (cgroup_freeze(d, rel, false, &thaw) < 0 && r == 0) {
		*err = thaw;
		r = -1;
	}
	return r;
}

int
cgroup_kill(struct podd *d, const char *rel, struct pd_err *err)
{
	struct cgroups *cg = d->cgroups;

	if (!cgroup_enabled(d))
		return 0;
	if (cg->v2 != NULL) {
		cleanup_free char *dir = xasprintf("%s/%s", cg->v2, rel);
		struct pd_err e = {0};

		/* cgroup.kill: Linux 5.14 */
		if (cg_write(dir, "cgroup.kill", "1", &e) == 0)
			return 0;
		if (e.errnum == ENOENT && access(dir, F_OK) < 0)
			return 0; /* no such cgroup: nothing in it */
		if (e.errnum != ENOENT) {
			*err = e;
			return -1;
		}
	}
	if (cg->v2 == NULL && cg->v1[CG_V1_FREEZER] != NULL) {
		cleanup_free char *dir = xasprintf("%s/%s", cg->v1[CG_V1_FREEZER], rel);

		if (access(dir, F_OK) < 0)
			return 0;
	}
	return freeze_and_kill(d, rel, err);
}

long long
cgroup_oom_kills(struct podd *d, const char *rel)
{
	struct cgroups *cg = d->cgroups;
	cleanup_free char *dir = NULL;

	if (!cgroup_enabled(d))
		return -1;
	if (cg->layout == CG_LAYOUT_V2) {
		dir = xasprintf("%s/%s", cg->v2, rel);
		return cg_read_key(dir, "memory.events", "oom_kill");
	}
	if (cg->v1[CG_V1_MEMORY] == NULL)
		return -1;
	dir = xasprintf("%s/%s", cg->v1[CG_V1_MEMORY], rel);
	return cg_read_key(dir, "memory.oom_control", "oom_kill");
}

/* The v1 index of @controller, -1 when it is not one. */
static int
v1_index(const char *controller)
{
	for (int c = 0; c < CG_V1_N; c++)
		if (strcmp(cg_v1_names[c], controller) == 0)
			return c;
	return -1;
}

bool
cgroup_on_v2(const struct podd *d, const char *controller)
{
	const struct cgroups *cg = d->cgroups;

	if (!cgroup_enabled(d) || cg->v2 == NULL)
		return false;
	if (controller == NULL || cg->layout == CG_LAYOUT_V2)
		return true;
	/* hybrid: the v2 dir has what needs no controller */
	return strcmp(controller, "freezer") == 0;
}

char *
cg_controller_dir(const struct podd *d, const char *rel, const char *controller)
{
	const struct cgroups *cg = d->cgroups;
	int c;

	if (!cgroup_enabled(d))
		return NULL;
	if (controller == NULL || cgroup_on_v2(d, controller)) {
		if (cg->v2 == NULL)
			return NULL;
		if (controller != NULL && strcmp(controller, "devices") == 0)
			return NULL; /* v2 has an eBPF program instead */
		if (controller != NULL && strcmp(controller, "blkio") == 0)
			return NULL;
		return xasprintf("%s/%s", cg->v2, rel);
	}
	c = v1_index(controller);
	if (c < 0 || cg->v1[c] == NULL)
		return NULL;
	return xasprintf("%s/%s", cg->v1[c], rel);
}

int
cgroup_dir_open(struct podd *d, const char *rel, const char *controller, struct pd_err *err)
{
	cleanup_free char *dir = cg_controller_dir(d, rel, controller);
	int fd;

	if (dir == NULL)
		return pd_fail(err, PD_E_NOT_FOUND, "no %s cgroup in layout %s",
			       controller != NULL ? controller : "v2", cgroup_layout_name(d));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return pd_fail_errno(err, errno, "open %s", dir);
	return fd;
}

const char *
cgroup_layout_name(const struct podd *d)
{
	if (d->cgroups == NULL)
		return "none";
	switch (d->cgroups->layout) {
	case CG_LAYOUT_AUTO:
	case CG_LAYOUT_NONE:
		return "none";
	case CG_LAYOUT_V1:
		return "v1";
	case CG_LAYOUT_HYBRID:
		return "hybrid";
	case CG_LAYOUT_V2:
		return "v2";
	}
	return "none";
}

json_t *
cgroup_shim_dirs(struct podd *d, const char *rel)
{
	json_t *a = json_array();

	if (!cgroup_enabled(d))
		return a;
	for (size_t i = 0; d->cgroups->hier[i] != NULL; i++)
		json_array_append_new(a, json_sprintf("%s/%s", d->cgroups->hier[i], rel));
	return a;
}

json_t *
cgroup_info_json(const struct podd *d)
{
	const struct cgroups *cg = d->cgroups;
	json_t *v1 = json_array(), *v2 = json_array();

	if (cgroup_enabled(d)) {
		for (int c = 0; c < CG_V1_N; c++)
			if (cg->v1[c] != NULL)
				json_array_append_new(v1, json_string(cg_v1_names[c]));
		for (const char *p = cg->v2 != NULL ? cg->v2_controllers : NULL;
		     p != NULL && *p != '\0';) {
			const char *comma = strchr(p, ',');
			size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

			if (len > 0)
				json_array_append_new(v2, json_stringn(p, len));
			p = comma != NULL ? comma + 1 : NULL;
		}
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "layout", cgroup_layout_name(d), "parent",
			 cg != NULL ? cg->parent : "", "v1_controllers", v1, "v2_controllers", v2);
}

json_t *
cgroup_shim_mounts(const struct podd *d)
{
	const struct cgroups *cg = d->cgroups;
	json_t *a = json_array();

	if (!cgroup_enabled(d))
		return a;
	if (cg->layout == CG_LAYOUT_V2) {
		json_array_append_new(
		    a, json_pack("{s:s, s:s}", "type", "cgroup2", "target", "/sys/fs/cgroup"));
		return a;
	}
	for (int c = 0; c < CG_V1_N; c++) {
		const char *base;
		bool seen = false;

		if (cg->v1_mount[c] == NULL)
			continue;
		for (int p = 0; p < c; p++)
			seen |= cg->v1_mount[p] != NULL &&
				strcmp(cg->v1_mount[p], cg->v1_mount[c]) == 0;
		base = strrchr(cg->v1_mount[c], '/');
		base = base != NULL ? base + 1 : cg->v1_mount[c];
		if (seen || base[0] == '\0' || cg->v1_opts[c][0] == '\0')
			continue;
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "type", "cgroup", "target",
						   "", "options", cg->v1_opts[c]));
		json_object_set_new(json_array_get(a, json_array_size(a) - 1), "target",
				    json_sprintf("/sys/fs/cgroup/%s", base));
	}
	if (cg->v2 != NULL)
		json_array_append_new(a, json_pack("{s:s, s:s}", "type", "cgroup2", "target",
						   "/sys/fs/cgroup/unified"));
	return a;
}

int
cgroup_procs_open(struct podd *d, const char *rel, int *fds, struct pd_err *err)
{
	int n = 0;

	for (int i = 0; i < CG_PROCS_MAX; i++)
		fds[i] = -1;
	if (!cgroup_enabled(d))
		return 0;
	for (size_t i = 0; d->cgroups->hier[i] != NULL && n < CG_PROCS_MAX; i++) {
		cleanup_free char *path = xasprintf("%s/%s/cgroup.procs", d->cgroups->hier[i], rel);

		fds[n] = open(path, O_WRONLY | O_CLOEXEC);
		if (fds[n] < 0) {
			int e = errno;

			while (n > 0)
				close_reset(&fds[--n]);
			return pd_fail_errno(err, e, "open %s", path);
		}
		n++;
	}
	return n;
}

static void
gc_one(struct podd *d, const char *rel)
{
	struct pd_err err = {0};

	log_info("cgroup %s: left by an earlier podd, removed", rel);
	if (cgroup_kill(d, rel, &err) < 0 || cgroup_remove(d, rel, &err) < 0)
		log_warn("%s", err.msg);
}

void
cgroup_gc(struct podd *d, cgroup_keep_fn *keep)
{
	cleanup_closedir DIR *top = NULL;
	struct dirent *e;

	if (!cgroup_enabled(d) || d->cgroups->hier[0] == NULL)
		return;
	top = opendir(d->cgroups->hier[0]);
	while (top != NULL && (e = pd_dir_next(top)) != NULL) {
		cleanup_free char *path = NULL;
		cleanup_closedir DIR *sub = NULL;
		struct dirent *c;
		bool kept;

		if (e->d_type != DT_DIR ||
		    (strncmp(e->d_name, "pod-", 4) != 0 && strncmp(e->d_name, "ctr-", 4) != 0))
			continue;
		kept = keep(d, e->d_name);
		path = xasprintf("%s/%s", d->cgroups->hier[0], e->d_name);
		sub = strncmp(e->d_name, "pod-", 4) == 0 ? opendir(path) : NULL;
		while (sub != NULL && (c = pd_dir_next(sub)) != NULL) {
			cleanup_free char *rel = NULL;

			if (c->d_type != DT_DIR ||
			    (strcmp(c->d_name, "infra") != 0 && strncmp(c->d_name, "ctr-", 4) != 0))
				continue;
			rel = xasprintf("%s/%s", e->d_name, c->d_name);
			if (!kept || !keep(d, rel))
				gc_one(d, rel);
		}
		if (!kept)
			gc_one(d, e->d_name);
	}
}
