/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pods on disk, and adoption after a restart of podd.
 *
 * The state layout:
 *   <root>/pods/<id>/pod.json   the pod's record (pod_spec.h), written
 *                               atomically on every transition
 *   <run>/pods/<id>/{net,ipc,uts}   held namespaces (infra.c)
 *   <run>/podd.sock             the API socket
 * <root> and <run> are each locked (flock) by the one podd using them.
 *
 * Adoption takes the same path as a fresh spawn: a pidfd for the recorded
 * pid, *then* a check of its start time; the pidfd pins the process, so a
 * match proves it is the infra podd started. From there the pod is watched by
 * the same events as one just created.
 */
#include "pod.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "cleanup.h"
#include "file.h"
#include "json.h"
#include "log.h"
#include "ns.h"
#include "proc.h"
#include "recover.h"
#include "xalloc.h"

#define POD_FILE "pod.json"
/* issue 12, podspec: a pod's config_map and secret volumes hold their
 * files, a body's worth (PD_API_MAX_BODY) at most. */
#define POD_FILE_MAX (2 * 1024 * 1024)

int
pod_save(struct pod *pod, struct pd_err *err)
{
	cleanup_json json_t *j = pod_record_to_json(&pod->rec);
	cleanup_close int dirfd = -1;

	if (mkdirat(pod->d->pods_fd, pod->rec.id, 0700) < 0 && errno != EEXIST)
		return pd_fail_errno(err, errno, "mkdir pods/%s", pod->rec.id);
	dirfd = openat(pod->d->pods_fd, pod->rec.id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return pd_fail_errno(err, errno, "open pods/%s", pod->rec.id);
	if (pd_json_save(dirfd, POD_FILE, j, err) < 0)
		return pd_err_prefix(err, "save pod \"%s\"", pod->rec.spec.name);
	return 0;
}

int
pod_forget(struct pod *pod, struct pd_err *err)
{
	if (pd_rm_rf_at(pod->d->pods_fd, pod->rec.id, err) < 0)
		return pd_err_prefix(err, "remove the state of pod \"%s\"", pod->rec.spec.name);
	return 0;
}

static struct pod *
load_one(struct podd *d, const char *id, struct pd_err *err)
{
	cleanup_close int dirfd = -1;
	cleanup_json json_t *j = NULL;
	struct pod *pod;

	dirfd = openat(d->pods_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0) {
		pd_fail_errno(err, errno, "open pods/%s", id);
		return NULL;
	}
	j = pd_json_load_file(dirfd, POD_FILE, POD_FILE_MAX, err);
	if (j == NULL)
		return NULL;
	pod = pod_new(d);
	if (pod_record_from_json(j, &pod->rec, err) < 0 || strcmp(pod->rec.id, id) != 0) {
		if (err->kind == 0)
			pd_fail(err, PD_E_INVALID, "record id does not match its directory");
		pod_free(pod);
		return NULL;
	}
	return pod;
}

/* Is the recorded infra still the process podd started? Returns its pidfd or
 * -1. */
static int
open_infra(const struct pod *pod)
{
	struct pd_err ignored;
	uint64_t start;
	int pidfd;

	if (pod->rec.infra_pid <= 0)
		return -1;
	pidfd = pd_pidfd_open(pod->rec.infra_pid, &ignored);
	if (pidfd < 0)
		return -1;
	if (pd_proc_start_time(pod->rec.infra_pid, &start, &ignored) < 0 ||
	    start != pod->rec.infra_start_time) {
		close(pidfd);
		return -1;
	}
	return pidfd;
}

/* Watch an adopted infra exactly as a freshly spawned one. */
static int
watch_infra(struct pod *pod, int pidfd, struct pd_err *err)
{
	supervise_name(&pod->sv, "pod \"%s\"", pod->rec.spec.name);
	return supervise_watch_exit(&pod->sv, pidfd, -1, pod_on_infra_exit, pod, err);
}

static void
adopt(struct pod *pod)
{
	struct podd *d = pod->d;
	struct pd_err err = {0};
	int pidfd;

	switch (pod->rec.state) {
	case POD_STOPPED:
		return;
	case POD_EXITED:
		infra_read_ns_ids(pod);
		return;
	case POD_CREATING:
	case POD_RUNNING:
	case POD_STOPPING:
		break;
	}
	/* A create or start cut short: its CNI ADD may have run without its
	 * result being recorded, and the CNI spec asks a runtime for a DEL
	 * then (it frees the address and the veth). */
	if (pod->rec.state == POD_CREATING && pod->rec.spec.net == POD_NET_CNI &&
	    !pod_net_attached(pod))
		pod_net_undo_failed_add(pod);
	pidfd = open_infra(pod);
	if (pidfd < 0) {
		log_warn("pod \"%s\": its infra process exited while podd was down; releasing "
			 "its namespaces",
			 pod->rec.spec.name);
		pod_net_detach(pod);
		infra_release_namespaces(pod, &err); /* logged */
		if (pod->rec.state == POD_CREATING && pod->rec.started[0] == '\0') {
			if (pod_forget(pod, &err) < 0)
				log_error("%s", err.msg);
			TAILQ_REMOVE(&d->pods, pod, entry);
			pod_free(pod);
			return;
		}
		if (pod->rec.state == POD_CREATING) {
			/* A start of a pod that ran before: the pod stays. */
			pod->rec.state = POD_STOPPED;
			pod->rec.infra_pid = 0;
			pod->rec.infra_start_time = 0;
			memcpy(pod->rec.reason, "podd stopped while the pod was starting",
			       sizeof("podd stopped while the pod was starting"));
			if (pod_save(pod, &err) < 0)
				log_error("%s", err.msg);
			return;
		}
		pod->rec.state = POD_EXITED;
		pod->rec.infra_pid = 0;
		pod->rec.infra_start_time = 0;
		pod->rec.infra_exit_code = -1;
		pd_time_rfc3339_now(pod->rec.finished, sizeof(pod->rec.finished));
		memcpy(pod->rec.reason, "infra process exited while podd was down",
		       sizeof("infra process exited while podd was down"));
		if (pod_save(pod, &err) < 0)
			log_error("%s", err.msg);
		return;
	}
	if (watch_infra(pod, pidfd, &err) < 0) {
		log_error("%s", err.msg);
		return;
	}
	switch (pod->rec.state) {
	case POD_CREATING:
		/* Its creator's request is gone with the old podd: undo it (a
		 * pod that ran before is only stopped, pod_on_infra_exit). */
		pod->remove_when_settled = pod->rec.started[0] == '\0';
		pd_fail(&pod->start_err, PD_E_UNAVAILABLE,
			"podd restarted while the pod was being created");
		pd_pidfd_signal(pidfd, SIGKILL, &err);
		break;
	case POD_STOPPING:
		/* The stop request is gone too: finish the stop now. */
		pd_pidfd_signal(pidfd, SIGKILL, &err);
		break;
	case POD_RUNNING:
	case POD_STOPPED:
	case POD_EXITED:
		break;
	}
	infra_read_ns_ids(pod);
	/* Published ports live in podd: listen again. */
	if (pod->rec.state == POD_RUNNING && pod_ports_start(pod, &err) < 0)
		log_error("pod \"%s\": %s", pod->rec.spec.name, err.msg);
	log_info("pod \"%s\": adopted, infra pid %d", pod->rec.spec.name, (int)pod->rec.infra_pid);
}

/* Run dirs of pods podd has no record of (a create cut before its record
 * was written, or a removal cut short): release the namespaces held there,
 * then delete them. */
static void
clean_run_dirs(struct podd *d)
{
	static const char *const held[] = {"net", "ipc", "uts"};
	struct pd_err ignored, derr = {0};
	cleanup_closedir DIR *dir = pd_dir_stream(d->run_pods_fd, ".", "run/pods", &derr);
	struct dirent *de;

	if (dir == NULL) {
		log_error("%s", derr.msg);
		return;
	}
	while ((de = pd_dir_next(dir)) != NULL) {
		struct pd_err e = {0};

		if (de->d_name[0] == '.' || pod_find(d, de->d_name, &ignored) != NULL)
			continue;
		log_info("run/pods/%s: left by a pod podd has no record of; deleting", de->d_name);
		for (size_t t = 0; t < sizeof(held) / sizeof(held[0]); t++) {
			cleanup_free char *path =
			    xasprintf("%s/pods/%s/%s", d->cfg.run_dir, de->d_name, held[t]);

			if (pd_ns_unbind(path, &e) < 0)
				log_error("%s", e.msg);
		}
		if (pd_rm_rf_at(d->run_pods_fd, de->d_name, &e) < 0)
			log_error("%s", e.msg);
	}
}

int
pod_load_all(struct podd *d, struct pd_err *err)
{
	cleanup_closedir DIR *dir = pd_dir_stream(d->pods_fd, ".", "pods dir", err);
	struct dirent *de;
	struct pod *pod, *next;

	if (dir == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		struct pd_err e = {0};
		struct pd_err ignored;

		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) != PD_ID_LEN || !pd_is_id_prefix(de->d_name)) {
			log_warn("pods/%s: not a pod directory, ignored", de->d_name);
			continue;
		}
		if (recover_unfinished_dir(d->pods_fd, de->d_name, POD_FILE, "pods"))
			continue;
		pod = load_one(d, de->d_name, &e);
		if (pod == NULL) {
			log_error("pods/%s: %s; pod ignored", de->d_name, e.msg);
			continue;
		}
		if (pod_find(d, pod->rec.spec.name, &ignored) != NULL) {
			log_error("pods/%s: a second pod named \"%s\"; ignored", de->d_name,
				  pod->rec.spec.name);
			pod_free(pod);
			continue;
		}
		TAILQ_INSERT_TAIL(&d->pods, pod, entry);
	}
	clean_run_dirs(d);
	for (pod = TAILQ_FIRST(&d->pods); pod != NULL; pod = next) {
		next = TAILQ_NEXT(pod, entry);
		adopt(pod);
	}
	return 0;
}
