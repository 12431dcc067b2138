/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Containers on disk: save a record, load them all at start, and adopt the
 * shims that ran on while podd was down. An adopted shim is watched exactly
 * as a freshly started one (container_on_shim_exit), and one that ended
 * while podd was down is read from the exit file it left.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
#include "container.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "paths.h"
#include "probe.h"
#include "ns.h"
#include "proc.h"
#include "recover.h"
#include "restart.h"
#include "xalloc.h"

#define CTR_FILE     "container.json"
#define CTR_FILE_MAX (2 * 1024 * 1024)

int
container_save(struct container *c, struct pd_err *err)
{
	cleanup_close int dirfd = -1;
	cleanup_json json_t *j = ctr_record_to_json(&c->rec);

	dirfd = openat(c->d->ctrs_fd, c->rec.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return pd_fail_errno(err, errno, "open containers/%s", c->rec.id);
	/* Durable (fsync'd) only where a reboot must find it: a created or an
	 * exited container. The running state means nothing after a reboot
	 * (the shim is gone; the record read then says what was durably
	 * there), and a --rm container is to be gone after one anyway. Either
	 * way the write is atomic. This keeps fsyncs off `podctl run --rm`. */
	if (c->rec.spec.auto_remove || (c->rec.state != CTR_CREATED &&
					c->rec.state != CTR_STARTING && c->rec.state != CTR_EXITED))
		return pd_json_save_volatile(dirfd, CTR_FILE, j, err);
	return pd_json_save(dirfd, CTR_FILE, j, err);
}

static struct container *
load_one(struct podd *d, const char *id, struct pd_err *err)
{
	cleanup_close int dirfd = -1;
	cleanup_json json_t *j = NULL;
	struct container *c;

	dirfd = openat(d->ctrs_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		pd_fail_errno(err, errno, "open containers/%s", id);
		return NULL;
	}
	j = pd_json_load_file(dirfd, CTR_FILE, CTR_FILE_MAX, err);
	if (j == NULL)
		return NULL;
	c = container_new(d);
	if (ctr_record_from_json(j, &c->rec, err) < 0 || strcmp(c->rec.id, id) != 0) {
		if (err->kind == 0)
			pd_fail(err, PD_E_INVALID, "record id does not match its directory");
		container_free(c);
		return NULL;
	}
	return c;
}

/* Drop @c from the registry and delete its files: a record that was never
 * completed. */
static void
drop(struct container *c)
{
	TAILQ_REMOVE(&c->d->containers, c, entry);
	ctr_trash(c);
	container_free(c);
}

static void
adopt(struct container *c)
{
	struct pd_err err = {0};
	int shim_pidfd;

	switch (c->rec.state) {
	case CTR_CREATED:
		/* Nothing runs (recover_settle_shims waited for any start to be
		 * over or undone): what a cut start left in the run dir goes. */
		ctr_release_run_dir(c);
		return;
	case CTR_EXITED:
		return;
	case CTR_STARTING:
		/* A run podd never answered: nobody knows its id, and its shim
		 * ended the workload without podd's ACK. */
		if (c->rec.started[0] == '\0') {
			log_info("container \"%s\": its run was cut by a stop of podd; removing it",
				 c->rec.spec.name);
			drop(c);
			return;
		}
		c->rec.state = c->rec.finished[0] != '\0' ? CTR_EXITED : CTR_CREATED;
		return;
	case CTR_RUNNING:
	case CTR_STOPPING:
	case CTR_PAUSED: /* issue 13, observe: its cgroup stays frozen */
		break;
	}
	shim_pidfd = recover_open_same(c->rec.shim_pid, c->rec.shim_start_time);
	if (shim_pidfd < 0) {
		/* It ended while podd was down: the exit file says how. */
		log_info("container \"%s\": ended while podd was down", c->rec.spec.name);
		container_on_shim_exit(-1, 0, c);
		return;
	}
	supervise_name(&c->sv, "container \"%s\"", c->rec.spec.name);
	if (supervise_watch_exit(&c->sv, recover_open_same(c->rec.pid, c->rec.pid_start_time),
				 shim_pidfd, container_on_shim_exit, c, &err) < 0) {
		log_error("%s", err.msg);
		return;
	}
	if (c->rec.state == CTR_STOPPING && c->sv.pidfd >= 0)
		supervise_signal(&c->sv, SIGKILL); /* the stop request died with podd */
	log_info("container \"%s\": adopted, pid %d", c->rec.spec.name, (int)c->rec.pid);
	if (c->rec.state == CTR_RUNNING || c->rec.state == CTR_PAUSED)
		probe_container_running(c); /* probes: they start over */
	/* issue 14, attach: its ports are served again */
	if (ctr_state_up(c->rec.state) && ctr_ports_start(c, &err) < 0)
		log_warn("container \"%s\": %s", c->rec.spec.name, err.msg);
}

/* Run dirs of containers podd no longer has (a removal cut short by a stop
 * of podd): unmount what they hold, then delete them. */
static void
clean_run_dirs(struct podd *d)
{
	struct pd_err ignored;
	struct dirent *de;
	cleanup_closedir DIR *dir = pd_dir_stream(d->run_ctrs_fd, ".", "run/containers", &ignored);

	if (dir == NULL) {
		log_error("%s: %s", d->cfg.run_dir, ignored.msg);
		return;
	}
	while ((de = pd_dir_next(dir)) != NULL) {
		struct pd_err e = {0};

		if (strncmp(de->d_name, ".rm-", 4) != 0 &&
		    container_find(d, de->d_name, &ignored) != NULL)
			continue;
		log_info("run/containers/%s: left by an unfinished removal; deleting", de->d_name);
		for (int t = 0; t < 3; t++) {
			static const char *const kinds[] = {"net", "ipc", "uts"};
			cleanup_free char *sub = xasprintf("ns/%s", kinds[t]);
			cleanup_free char *path = paths_ctr_run(d, de->d_name, sub);

			if (pd_ns_unbind(path, &e) < 0)
				log_error("%s", e.msg);
		}
		if (pd_rm_rf_at(d->run_ctrs_fd, de->d_name, &e) < 0)
			log_error("%s", e.msg);
	}
}

int
container_load_all(struct podd *d, struct pd_err *err)
{
	struct container *c, *next;
	struct dirent *de;
	cleanup_closedir DIR *dir = pd_dir_stream(d->ctrs_fd, ".", "containers dir", err);

	if (dir == NULL)
		return -1;
	/* First: no shim is half way through its start from here on. */
	recover_settle_shims(d);
	while ((de = pd_dir_next(dir)) != NULL) {
		struct pd_err e = {0};
		struct pd_err ignored;

		if (strncmp(de->d_name, ".rm-", 4) == 0) {
			cleanup_free char *path = paths_ctr_root(d, de->d_name, NULL);

			log_info("containers/%s: left by an unfinished removal; deleting",
				 de->d_name);
			task_delete_trees(d, (const char *const[]){path, NULL});
			continue;
		}
		if (strlen(de->d_name) != PD_ID_LEN || !pd_is_id_prefix(de->d_name)) {
			log_warn("containers/%s: not a container directory, ignored", de->d_name);
			continue;
		}
		if (recover_unfinished_dir(d->ctrs_fd, de->d_name, CTR_FILE, "containers"))
			continue;
		c = load_one(d, de->d_name, &e);
		if (c == NULL) {
			log_error("containers/%s: %s; container ignored", de->d_name, e.msg);
			continue;
		}
		if (container_find(d, c->rec.spec.name, &ignored) != NULL) {
			log_error("containers/%s: a second container named \"%s\"; ignored",
				  de->d_name, c->rec.spec.name);
			container_free(c);
			continue;
		}
		TAILQ_INSERT_TAIL(&d->containers, c, entry);
	}
	clean_run_dirs(d);
	for (c = TAILQ_FIRST(&d->containers); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		adopt(c);
	}
	/* restart (issue 12): once every container is adopted (an exit seen
	 * here is decided in adopt), re-arm the restarts that wait. */
	TAILQ_FOREACH (c, &d->containers, entry)
		restart_adopt(c);
	return 0;
}
