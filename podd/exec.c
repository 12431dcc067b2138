/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exec sessions: a command run in a running container's namespaces and
 * root by a podd-shim of its own (lib/shim.h, "target"), with the
 * container's capabilities, environment and working directory unless the
 * request gives others.
 *
 * podd is only there for the start: it answers the request once the
 * command exec'd (or with its 126/127 error), listing the session in the
 * container's inspect until the session's shim exits. The output and the
 * exit code go to the client over the session's attach socket
 * (lib/attach.h), not through podd; a detached session's output is
 * dropped, as docker's. Sessions are not remembered across a podd restart:
 * they run on, and are no longer listed.
 *
 * podd also runs sessions of its own (exec probes, healthchecks:
 * exec_start_internal): the same start, no request and no attach socket;
 * the output goes to a log file whose last bytes are handed, with the exit
 * code, to the owner's callback. They are not listed in inspect.
 *
 * Files, in the container's run dir (gone with it):
 *   exec/<id>.json   the shim's spec
 *   exec/<id>.exit   the exit file
 *   exec/<id>.sock   the attach socket
 *   exec/<id>.log    an internal session's output (CRI log)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "crilog.h"
#include "fd.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "proc.h"
#include "shim.h"
#include "shim_launch.h"
#include "sync.h"
#include "xalloc.h"
#include "sock_group.h" /* issue 16 */

struct exec_session {
	TAILQ_ENTRY(exec_session) entry;
	struct container *c; /* borrowed: the container owns its sessions */
	char id[PD_ID_LEN + 1];
	json_t *command; /* owned */
	char user[PD_USER_MAX];
	bool tty, detach;
	pid_t pid;            /* the command; 0 until it runs */
	struct supervised sv; /* the command and its shim; the start request */
	/* An internal session (exec_start_internal): its owner's callback,
	 * NULL once forgotten or for a session of the API. */
	bool internal;
	exec_done_fn *done;
	void *done_arg; /* borrowed */
};

/* The session's file @suffix (".json", ".exit", ".sock"). */
static char *
exec_path(const struct exec_session *e, const char *suffix)
{
	cleanup_free char *run = ctr_run_dir(e->c);

	return xasprintf("%s/exec/%s%s", run, e->id, suffix);
}

static void
remove_files(const struct exec_session *e)
{
	static const char *const suffixes[] = {".json", ".exit", ".sock", ".log"};

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		cleanup_free char *path = exec_path(e, suffixes[i]);

		if (unlink(path) < 0 && errno != ENOENT)
			log_warn("exec %.12s: remove %s: %s", e->id, path, strerror(errno));
	}
}

/* Out of the list, files removed, the request answered with @err if it
 * still waits; freed. */
static void
session_end(struct exec_session *e, const struct pd_err *err)
{
	TAILQ_REMOVE(&e->c->execs, e, entry);
	waiters_fail(&e->sv.waiters, err);
	supervise_forget(&e->sv);
	json_decref(e->command);
	free(e);
}

/* Keep the text of the CRI line @line in the output buffer @arg. */
static void
add_output(void *arg, const char *line, size_t len)
{
	struct exec_output *o = arg;
	struct pd_crilog_line l;

	if (pd_crilog_parse(line, len - 1, &l) < 0)
		return;
	for (size_t i = 0; i < l.text_len + !l.partial; i++) {
		char ch = '\n';

		if (i < l.text_len)
			ch = l.text[i];

		if (o->len + 1 >= sizeof(o->buf)) {
			/* Keep the end: the last bytes say most. */
			memmove(o->buf, o->buf + sizeof(o->buf) / 2, o->len - sizeof(o->buf) / 2);
			o->len -= sizeof(o->buf) / 2;
		}
		o->buf[o->len++] = ch;
	}
	o->buf[o->len] = '\0';
}

/* An internal session's exit code and the end of its output. */
static int
read_result(const struct exec_session *e, struct exec_output *out)
{
	cleanup_free char *run = ctr_run_dir(e->c);
	cleanup_free char *dir = xasprintf("%s/exec", run);
	cleanup_free char *exit_name = xasprintf("%s.exit", e->id);
	cleanup_free char *log_name = xasprintf("%s.log", e->id);
	cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	cleanup_close int fd = -1;
	cleanup_json json_t *j = NULL;
	struct pd_crilog_filter all = {0};
	struct pd_err err = {0};
	char buf[2 * EXEC_OUTPUT_MAX];
	json_int_t code = -1;
	struct stat st;
	ssize_t n;

	out->len = 0;
	out->buf[0] = '\0';
	if (dirfd < 0)
		return -1;
	j = pd_json_load_file(dirfd, exit_name, 4096, &err);
	if (j == NULL || json_unpack(j, "{s:I}", PD_SHIM_EXIT_CODE, &code) < 0)
		code = -1;
	/* The last bytes of the log: probes print little, and a command that
	 * prints much is judged by its end, as the kubelet keeps its end. */
	fd = openat(dirfd, log_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && fstat(fd, &st) == 0) {
		off_t off = st.st_size > (off_t)sizeof(buf) ? st.st_size - (off_t)sizeof(buf) : 0;

		n = pread(fd, buf, sizeof(buf), off);
		if (n > 0) {
			size_t start = 0;

			/* From a cut in the middle of a line, skip to the next. */
			if (off > 0)
				while (start < (size_t)n && buf[start++] != '\n')
					;
			(void)pd_crilog_filter_lines(buf + start, (size_t)n - start, &all,
						     add_output, out);
		}
	}
	return (int)code;
}

static void
on_shim_exit(evutil_socket_t fd, short what, void *arg)
{
	struct exec_session *e = arg;

	(void)fd;
	(void)what;
	log_debug("container \"%s\": exec %.12s ended", e->c->rec.spec.name, e->id);
	if (e->done != NULL) {
		struct exec_output *out = xcalloc(1, sizeof(*out));
		int code = read_result(e, out);
		exec_done_fn *done = e->done;
		void *done_arg = e->done_arg;

		remove_files(e);
		session_end(e, NULL);
		done(done_arg, code, out->buf);
		free(out);
		return;
	}
	remove_files(e);
	session_end(e, NULL);
}

static json_t *
session_json(const struct exec_session *e)
{
	json_t *j = json_pack("{s:s, s:i, s:O, s:s, s:b}", PD_F_ID, e->id, PD_F_PID, (int)e->pid,
			      PD_F_COMMAND, e->command, PD_F_USER, e->user, PD_F_TTY, e->tty);

	if (!e->detach) {
		cleanup_free char *sock = exec_path(e, ".sock");

		json_object_set_new(j, PD_F_ATTACH_SOCKET, json_string(sock));
	}
	return j;
}

static void
on_sync(evutil_socket_t fd, short what, void *arg)
{
	struct exec_session *e = arg;
	struct pd_sync_msg msg;
	struct pd_err err = {0};
	int r = shim_report_read(&e->sv, &msg, "the command", on_shim_exit, e, &err);
	struct waiter *w;

	(void)fd;
	(void)what;
	if (r == 0)
		return;
	if (r == 1) {
		cleanup_json json_t *j = NULL;

		e->pid = msg.pids[1];
		/* Nothing to record for a session (not adopted after a restart). */
		shim_report_ack(&e->sv);
		if (e->internal)
			return;
		log_info("container \"%s\": exec %.12s running, pid %d", e->c->rec.spec.name, e->id,
			 (int)e->pid);
		j = session_json(e);
		while ((w = TAILQ_FIRST(&e->sv.waiters)) != NULL) {
			http_pending_reply_json(w->pending, 201, j);
			waiter_done(&e->sv.waiters, w);
		}
		return;
	}
	remove_files(e);
	if (e->done != NULL) {
		exec_done_fn *done = e->done;
		void *done_arg = e->done_arg;

		session_end(e, &err);
		done(done_arg, -1, err.msg);
		return;
	}
	session_end(e, &err);
}

/* The shim's spec: lib/shim.h, with "target" the container's workload. */
static json_t *
shim_spec(const struct exec_session *e, const struct exec_spec *spec)
{
	const struct ctr_spec *cs = &e->c->rec.spec;
	cleanup_free char *exit_file = exec_path(e, ".exit");
	cleanup_free char *log_file = e->internal ? exec_path(e, ".log") : xstrdup("/dev/null");
	char hostname[PD_NAME_MAX + 1];
	/* Docker's exec runs as the container's user unless -u says. */
	const char *user = spec->user[0] != '\0' ? spec->user : cs->user;
	struct pd_err ignored;
	struct pod *pod;
	json_t *j, *u;

	ctr_hostname(e->c, hostname, sizeof(hostname));
	j = json_pack(
	    "{s:s, s:s, s:s, s:s, s:O, s:o, s:s, s:o, s:s, s:b, s:b, s:b}", PD_SHIM_ID, e->id,
	    PD_SHIM_NAME, cs->name, PD_SHIM_LOG, log_file, PD_SHIM_EXIT_FILE, exit_file,
	    PD_SHIM_ARGS, spec->command, PD_SHIM_ENV, ctr_env(e->c, hostname, user, spec->env),
	    PD_SHIM_CWD, spec->workdir != NULL ? spec->workdir : cs->workdir, PD_SHIM_CAPS,
	    ctr_caps_json(cs->caps), PD_SHIM_TARGET, PD_SHIM_NS_FD_PRE "3", PD_SHIM_TTY, spec->tty,
	    PD_SHIM_STDIN, spec->open_stdin, PD_SHIM_HOLD_OUTPUT, !spec->detach);
	if (user != NULL && user[0] != '\0')
		json_object_set_new(j, PD_SHIM_USER, json_string(user));

	if (!spec->detach) {
		cleanup_free char *sock = exec_path(e, ".sock");

		json_object_set_new(j, PD_SHIM_ATTACH, json_string(sock));
		sock_group_shim_key(e->c->d, j); /* issue 16 */
	}
	if (spec->tty_rows > 0)
		json_object_set_new(j, PD_SHIM_TTY_SIZE,
				    json_pack("[i, i]", spec->tty_rows, spec->tty_cols));
	/* issue 13: the container's leaf, and its cgroup namespace (runc's
	 * exec joins both) */
	ctr_cgroup_shim_keys(e->c, j);
	json_object_del(j, PD_SHIM_CGROUP_MOUNTS);
	/* issue 13: the container's filter and no_new_privs, as docker's exec. */
	ctr_shim_security(e->c->d, cs, j);
	/* issue 13: the user namespace the container's workload is in (its
	 * held file is there for as long as the pod: no error past create) */
	pod = ctr_userns_pod(e->c);
	if (pod != NULL && (u = ctr_userns_json(pod, &ignored)) != NULL)
		json_object_set_new(j, PD_SHIM_USERNS, u);
	return j;
}

static int
spawn(struct exec_session *e, const struct exec_spec *spec, struct pd_err *err)
{
	struct podd *d = e->c->d;
	cleanup_free char *run = ctr_run_dir(e->c);
	cleanup_free char *dir = xasprintf("%s/exec", run);
	cleanup_free char *spec_path = exec_path(e, ".json");
	cleanup_free char *name = xasprintf("%s.json", e->id);
	cleanup_json json_t *j = shim_spec(e, spec);
	cleanup_close int dirfd = -1;
	/* The target's pidfd at 3: the spec's "fd:3". */
	struct shim_launch l = {.shim_path = d->cfg.shim_path,
				.spec_name = name,
				.spec_path = spec_path,
				.spec = j,
				.extra_fd = e->c->sv.pidfd};

	/* issue 16: 0710 for podd's group, the way to the attach sockets */
	if (sock_group_dir(d, AT_FDCWD, dir, err) < 0)
		return -1;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return pd_fail_errno(err, errno, "open %s", dir);
	l.dir_fd = dirfd;
	if (shim_launch(&l, &e->sv, on_sync, e, err) < 0) {
		remove_files(e);
		return -1;
	}
	return 0;
}

/* The one way to start a session: a new session of @c running @spec
 * (its command taken on success), or NULL. */
static struct exec_session *
session_start(struct container *c, struct exec_spec *spec, bool internal, struct pd_err *err)
{
	struct exec_session *e;

	if (c->rec.state == CTR_PAUSED) { /* issue 13, observe: as docker's */
		pd_fail(err, PD_E_CONFLICT, "container \"%s\" is paused: unpause it before exec",
			c->rec.spec.name);
		return NULL;
	}
	if ((c->rec.state != CTR_RUNNING && c->rec.state != CTR_STOPPING) || c->sv.pidfd < 0) {
		pd_fail(err, PD_E_CONFLICT, "container \"%s\" is not running", c->rec.spec.name);
		return NULL;
	}
	if (access(c->d->cfg.shim_path, X_OK) < 0) {
		pd_fail_errno(err, errno, "cannot run %s", c->d->cfg.shim_path);
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	e->c = c;
	supervise_init(&e->sv, c->d->base);
	e->tty = spec->tty;
	e->detach = spec->detach;
	e->internal = internal;
	(void)snprintf(e->user, sizeof(e->user), "%s",
		       spec->user[0] != '\0'      ? spec->user
		       : c->rec.spec.user != NULL ? c->rec.spec.user
						  : "0:0");
	TAILQ_INSERT_TAIL(&c->execs, e, entry);
	if (pd_id_generate(e->id, err) < 0) {
		session_end(e, NULL);
		return NULL;
	}
	supervise_name(&e->sv, "exec %.12s", e->id);
	if (spawn(e, spec, err) < 0) {
		session_end(e, NULL);
		return NULL;
	}
	e->command = spec->command;
	spec->command = NULL;
	return e;
}

int
exec_start(struct container *c, struct exec_spec *spec, struct http_pending *pending,
	   struct pd_err *err)
{
	struct exec_session *e = session_start(c, spec, false, err);

	if (e == NULL)
		return -1;
	waiters_add(&e->sv.waiters, pending, 0);
	return 0;
}

struct exec_session *
exec_start_internal(struct container *c, const json_t *command, exec_done_fn *done, void *arg,
		    struct pd_err *err)
{
	struct exec_spec spec = {.command = json_deep_copy(command), .detach = true};
	struct exec_session *e = session_start(c, &spec, true, err);

	exec_spec_clear(&spec);
	if (e == NULL)
		return NULL;
	e->done = done;
	e->done_arg = arg;
	return e;
}

void
exec_session_kill(struct exec_session *e)
{
	struct pd_err err = {0};

	if (e->sv.pidfd >= 0 && pd_pidfd_signal(e->sv.pidfd, SIGKILL, &err) < 0)
		log_warn("exec %.12s: %s", e->id, err.msg);
}

void
exec_session_forget(struct exec_session *e)
{
	e->done = NULL;
	e->done_arg = NULL;
}

void
exec_kill_all(struct container *c)
{
	struct exec_session *e;
	struct pd_err err = {0};

	TAILQ_FOREACH (e, &c->execs, entry) {
		if (e->sv.pidfd >= 0 && pd_pidfd_signal(e->sv.pidfd, SIGKILL, &err) < 0)
			log_warn("exec %.12s: %s", e->id, err.msg);
	}
}

void
exec_free_all(struct container *c)
{
	struct exec_session *e;
	struct pd_err err;

	pd_fail(&err, PD_E_NOT_FOUND, "container \"%s\" is gone", c->rec.spec.name);
	while ((e = TAILQ_FIRST(&c->execs)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		session_end(e, &err);
}

json_t *
exec_list_json(const struct container *c)
{
	json_t *a = json_array();
	struct exec_session *e;

	TAILQ_FOREACH (e, &c->execs, entry)
		if (e->pid > 0 && !e->internal)
			json_array_append_new(a, session_json(e));
	return a;
}
