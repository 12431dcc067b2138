/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/pod_status (issue 12, podlife): a pod as `kubectl get pods` shows
 * it, from its state and its containers' list: init containers one at a
 * time (Init:N/M, Init:Error, Init:CrashLoopBackOff), sidecars, app
 * containers (Running, Completed, Error, CrashLoopBackOff, NotReady), the
 * phase under each restart policy, READY, RESTARTS, and podd's own states.
 */
#include <string.h>

#include "json.h"
#include "pod_status.h"
#include "unit.h"

#define STARTED "2026-01-01T10:00:00.000000000Z"
#define BEFORE  "2026-01-01T09:00:00.000000000Z"
#define AFTER   "2026-01-01T10:00:05.000000000Z"

/* The status of a pod in @state with @policy and the containers @list
 * (JSON text). */
static struct pod_status
status_of(enum pod_state state, const char *policy, bool deadline, const char *list)
{
	struct pd_err err = {0};
	json_t *j = pd_json_load(list, strlen(list), 1 << 20, &err);
	struct pod_status st;
	struct pod_status_in in = {
	    .state = state,
	    .restart_policy = policy,
	    .started = STARTED,
	    .deadline_exceeded = deadline,
	    .containers = j,
	};

	if (j == NULL) {
		printf("  bad test JSON: %s\n", err.msg);
		abort();
	}
	pod_status_compute(&in, &st);
	json_decref(j);
	return st;
}

#define RUNNING(name, role, seq)                                     \
	"{\"name\":\"" name "\",\"role\":\"" role "\",\"seq\":" #seq \
	",\"state\":\"running\",\"ready\":true,\"startup_done\":true,\"restart_count\":0}"
#define CREATED(name, role, seq)                                     \
	"{\"name\":\"" name "\",\"role\":\"" role "\",\"seq\":" #seq \
	",\"state\":\"created\",\"ready\":false,\"restart_count\":0}"
#define EXITED(name, role, seq, code, when)                                              \
	"{\"name\":\"" name "\",\"role\":\"" role "\",\"seq\":" #seq                     \
	",\"state\":\"exited\",\"ready\":false,\"restart_count\":0,\"exit_code\":" #code \
	",\"finished\":\"" when "\"}"

static void
test_empty_pod_runs(void)
{
	struct pod_status st = status_of(POD_RUNNING, "", false, "[]");

	CHECK_STR(st.phase, ==, "Running");
	CHECK_STR(st.status, ==, "Running");
	CHECK_INT(st.ready, ==, 0);
	CHECK_INT(st.total, ==, 0);
	CHECK_INT(st.restarts, ==, 0);
	CHECK_STR(st.last_restart, ==, "");
}

static void
test_init_containers_in_order(void)
{
	struct pod_status st;

	st = status_of(POD_RUNNING, "Always", false,
		       "[" CREATED("i1", "init", 1) "," CREATED("i2", "init", 2) "," CREATED(
			   "app", "app", 3) "]");
	CHECK_STR(st.status, ==, "Init:0/2");
	CHECK_STR(st.phase, ==, "Pending");
	CHECK_INT(st.ready, ==, 0);
	CHECK_INT(st.total, ==, 1);
	/* Listed out of order: seq decides. */
	st = status_of(POD_RUNNING, "Always", false,
		       "[" CREATED("app", "app", 3) "," RUNNING("i2", "init", 2) "," EXITED(
			   "i1", "init", 1, 0, AFTER) "]");
	CHECK_STR(st.status, ==, "Init:1/2");
	CHECK_STR(st.phase, ==, "Pending");
	st = status_of(POD_RUNNING, "Always", false,
		       "[" EXITED("i1", "init", 1, 0, AFTER) "," EXITED(
			   "i2", "init", 2, 0, AFTER) "," RUNNING("app", "app", 3) "]");
	CHECK_STR(st.status, ==, "Running");
	CHECK_STR(st.phase, ==, "Running");
	CHECK_INT(st.ready, ==, 1);
	CHECK_INT(st.total, ==, 1);
}

static void
test_init_of_an_earlier_run_runs_again(void)
{
	struct pod_status st = status_of(
	    POD_RUNNING, "Always", false,
	    "[" EXITED("i1", "init", 1, 0, BEFORE) "," EXITED("app", "app", 2, 137, BEFORE) "]");

	CHECK_STR(st.status, ==, "Init:0/1");
	CHECK_STR(st.phase, ==, "Pending");
}

static void
test_failed_init_container(void)
{
	const char *list = "[" EXITED("i1", "init", 1, 3, AFTER) "," CREATED("app", "app", 2) "]";
	struct pod_status st;

	st = status_of(POD_RUNNING, "Never", false, list);
	CHECK_STR(st.status, ==, "Init:Error");
	CHECK_STR(st.phase, ==, "Failed");
	/* No policy: nothing restarts it either. */
	st = status_of(POD_RUNNING, "", false, list);
	CHECK_STR(st.phase, ==, "Failed");
	st = status_of(POD_RUNNING, "OnFailure", false, list);
	CHECK_STR(st.status, ==, "Init:Error");
	CHECK_STR(st.phase, ==, "Pending");
	st =
	    status_of(POD_RUNNING, "Always", false,
		      "[{\"name\":\"i1\",\"role\":\"init\",\"seq\":1,\"state\":\"exited\","
		      "\"exit_code\":1,\"finished\":\"" AFTER "\",\"restart_count\":2,"
		      "\"waiting\":{\"reason\":\"CrashLoopBackOff\"},"
		      "\"last_state\":{\"finished\":\"" AFTER "\"}}," CREATED("app", "app", 2) "]");
	CHECK_STR(st.status, ==, "Init:CrashLoopBackOff");
	CHECK_STR(st.phase, ==, "Pending");
	CHECK_INT(st.restarts, ==, 2);
	CHECK_STR(st.last_restart, ==, AFTER);
}

static void
test_native_sidecar(void)
{
	struct pod_status st;

	st = status_of(POD_RUNNING, "Always", false,
		       "[" RUNNING("side", "sidecar", 1) "," RUNNING("app", "app", 2) "]");
	CHECK_STR(st.status, ==, "Running");
	CHECK_INT(st.ready, ==, 2);
	CHECK_INT(st.total, ==, 2);
	/* Running, not started yet (its startup probe): still initialising. */
	st = status_of(POD_RUNNING, "Always", false,
		       "[{\"name\":\"side\",\"role\":\"sidecar\",\"seq\":1,\"state\":\"running\","
		       "\"ready\":false,\"startup_done\":false}," CREATED("app", "app", 2) "]");
	CHECK_STR(st.status, ==, "Init:0/1");
	CHECK_STR(st.phase, ==, "Pending");
	CHECK_INT(st.ready, ==, 0);
	CHECK_INT(st.total, ==, 2);
}

static void
test_jobs(void)
{
	struct pod_status st;

	st = status_of(POD_RUNNING, "Never", false, "[" EXITED("main", "app", 1, 0, AFTER) "]");
	CHECK_STR(st.status, ==, "Completed");
	CHECK_STR(st.phase, ==, "Succeeded");
	CHECK_INT(st.ready, ==, 0);
	st = status_of(POD_RUNNING, "OnFailure", false, "[" EXITED("main", "app", 1, 0, AFTER) "]");
	CHECK_STR(st.phase, ==, "Succeeded");
	st = status_of(POD_RUNNING, "Never", false, "[" EXITED("main", "app", 1, 1, AFTER) "]");
	CHECK_STR(st.status, ==, "Error");
	CHECK_STR(st.phase, ==, "Failed");
	/* Always: an exited container is about to come back. */
	st = status_of(POD_RUNNING, "Always", false, "[" EXITED("main", "app", 1, 0, AFTER) "]");
	CHECK_STR(st.status, ==, "Completed");
	CHECK_STR(st.phase, ==, "Running");
}

static void
test_completed_beside_running(void)
{
	struct pod_status st =
	    status_of(POD_RUNNING, "Never", false,
		      "[" EXITED("a", "app", 1, 0, AFTER) "," RUNNING("b", "app", 2) "]");

	/* kubectl: Completed with a container still running is Running when
	 * the pod is ready, else NotReady. */
	CHECK_STR(st.status, ==, "NotReady");
	CHECK_STR(st.phase, ==, "Running");
	CHECK_INT(st.ready, ==, 1);
	CHECK_INT(st.total, ==, 2);
}

static void
test_crash_loop(void)
{
	struct pod_status st = status_of(
	    POD_RUNNING, "Always", false,
	    "[{\"name\":\"web\",\"seq\":1,\"state\":\"exited\",\"exit_code\":1,"
	    "\"finished\":\"" AFTER "\",\"restart_count\":3,"
	    "\"waiting\":{\"reason\":\"CrashLoopBackOff\"},"
	    "\"last_state\":{\"finished\":\"" AFTER "\"}}," RUNNING("side", "app", 2) "]");

	CHECK_STR(st.status, ==, "CrashLoopBackOff");
	CHECK_STR(st.phase, ==, "Running");
	CHECK_INT(st.restarts, ==, 3);
	CHECK_STR(st.last_restart, ==, AFTER);
	CHECK_INT(st.ready, ==, 1);
	CHECK_INT(st.total, ==, 2);
}

/* issue 13, observe: an OOM kill is kubectl's OOMKilled; a paused
 * container runs. */
static void
test_oom_killed_and_paused(void)
{
	struct pod_status st =
	    status_of(POD_RUNNING, "Never", false,
		      "[{\"name\":\"hog\",\"seq\":1,\"state\":\"exited\",\"exit_code\":137,"
		      "\"oom_killed\":true,\"finished\":\"" AFTER "\",\"restart_count\":0}]");

	CHECK_STR(st.status, ==, "OOMKilled");
	CHECK_STR(st.phase, ==, "Failed");
	st = status_of(POD_RUNNING, "Always", false,
		       "[{\"name\":\"web\",\"seq\":1,\"state\":\"paused\",\"ready\":true,"
		       "\"startup_done\":true,\"restart_count\":0}]");
	CHECK_STR(st.status, ==, "Running");
	CHECK_INT(st.ready, ==, 1);
}

static void
test_podd_states(void)
{
	const char *list = "[" EXITED("a", "app", 1, 143, AFTER) "]";
	struct pod_status st;

	st = status_of(POD_CREATING, "", false, "[]");
	CHECK_STR(st.status, ==, "Created");
	CHECK_STR(st.phase, ==, "Pending");
	st = status_of(POD_STOPPED, "Always", false, list);
	CHECK_STR(st.status, ==, "Stopped");
	CHECK_STR(st.phase, ==, "Failed");
	st = status_of(POD_STOPPED, "Always", false, "[" EXITED("a", "app", 1, 0, AFTER) "]");
	CHECK_STR(st.phase, ==, "Succeeded");
	st = status_of(POD_EXITED, "", false, "[" RUNNING("a", "app", 1) "]");
	CHECK_STR(st.status, ==, "Exited");
	CHECK_STR(st.phase, ==, "Unknown");
	st = status_of(POD_STOPPING, "", false, "[" RUNNING("a", "app", 1) "]");
	CHECK_STR(st.status, ==, "Terminating");
	CHECK_STR(st.phase, ==, "Running");
	st = status_of(POD_RUNNING, "", true, list);
	CHECK_STR(st.status, ==, "DeadlineExceeded");
	CHECK_STR(st.phase, ==, "Failed");
}

static void
test_debug_containers_do_not_count(void)
{
	struct pod_status st =
	    status_of(POD_RUNNING, "", false,
		      "[" RUNNING("a", "app", 1) ",{\"name\":\"dbg\",\"seq\":2,\"state\":"
						 "\"exited\",\"exit_code\":1,\"ephemeral\":true}]");

	CHECK_STR(st.status, ==, "Running");
	CHECK_INT(st.total, ==, 1);
}

static void
test_to_json(void)
{
	struct pod_status st = status_of(POD_RUNNING, "", false, "[" RUNNING("a", "app", 1) "]");
	json_t *j = json_object();

	pod_status_to_json(&st, j);
	CHECK_STR(json_string_value(json_object_get(j, "ready")), ==, "1/1");
	CHECK_STR(json_string_value(json_object_get(j, "status")), ==, "Running");
	CHECK_STR(json_string_value(json_object_get(j, "phase")), ==, "Running");
	CHECK_INT(json_integer_value(json_object_get(j, "restarts")), ==, 0);
	CHECK(json_object_get(j, "last_restart") == NULL);
	json_decref(j);
}

static const struct unit_case cases[] = {
    {"empty_pod_runs", test_empty_pod_runs},
    {"init_containers_in_order", test_init_containers_in_order},
    {"init_of_an_earlier_run_runs_again", test_init_of_an_earlier_run_runs_again},
    {"failed_init_container", test_failed_init_container},
    {"native_sidecar", test_native_sidecar},
    {"jobs", test_jobs},
    {"completed_beside_running", test_completed_beside_running},
    {"crash_loop", test_crash_loop},
    {"oom_killed_and_paused", test_oom_killed_and_paused},
    {"podd_states", test_podd_states},
    {"debug_containers_do_not_count", test_debug_containers_do_not_count},
    {"to_json", test_to_json},
};

UNIT_MAIN(cases)
