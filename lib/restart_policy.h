/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure half of restart policies (issue 12): docker's policy strings,
 * the policy a container's role gives it in a pod, the kubelet's
 * crash-loop backoff, the decision taken at an exit, and the restart state
 * a container record keeps. No system calls, no clock: the caller passes
 * times in. Unit-tested (tests/unit/test_restart_policy.c); podd/restart.c
 * applies the decisions with timers on podd's loop.
 *
 * Policies, as docker's `--restart`:
 *   no               never restarted
 *   on-failure[:N]   restarted when it exits non-zero (or of a signal),
 *                    at most N times in a row (no N: no limit)
 *   always           restarted whatever the exit code
 *   unless-stopped   as always; a user's stop also holds across a podd
 *                    restart (always comes back then, as docker's does)
 * A pod's Kubernetes policy is a container's default: Always → always,
 * OnFailure → on-failure, Never → no. In a pod, an init container restarts
 * only on failure (and never under Never), a sidecar always.
 *
 * Backoff, as the kubelet's: the first restart at once, then INITIAL,
 * doubling up to MAX (10 s and 300 s unless tuned); a container that ran
 * RESTART_RESET_AFTER_S before it exited starts the series again.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "timefmt.h"

enum restart_mode {
	RESTART_NO,
	RESTART_ON_FAILURE,
	RESTART_ALWAYS,
	RESTART_UNLESS_STOPPED,
};

struct restart_policy {
	enum restart_mode mode;
	unsigned max_retries; /* on-failure:N; 0: no limit */
};

#define RESTART_POLICY_MAX  32      /* a policy string with its NUL */
#define RESTART_RETRIES_MAX 1000000 /* the largest N of on-failure:N */

/* Parse docker's @s ("no", "on-failure", "on-failure:3", "always",
 * "unless-stopped"); "" is "no". PD_E_INVALID naming the value. */
int restart_policy_parse(const char *s, struct restart_policy *p, struct pd_err *err);

/* @p as docker spells it, into @buf ("on-failure:3"). */
void restart_policy_format(const struct restart_policy *p, char *buf, size_t len);

/* The container default of a pod's Kubernetes policy ("Always",
 * "OnFailure", "Never"; "" for none): a docker string, "no" for none or an
 * unknown one. */
const char *restart_policy_of_pod(const char *pod_policy);

/* The policy a container of @role ("app", "init", "sidecar"; NULL or "" is
 * "app") follows, given its own @p: an init container restarts only on
 * failure (no limit unless @p has one) or not at all when @p is "no"; a
 * sidecar always. */
struct restart_policy restart_policy_for_role(const struct restart_policy *p, const char *role);

/* ---- backoff ------------------------------------------------------------ */

#define RESTART_BACKOFF_INITIAL 10.0  /* s, the kubelet's */
#define RESTART_BACKOFF_MAX     300.0 /* s */
#define RESTART_BACKOFF_LIMIT   86400.0
#define RESTART_RESET_AFTER_S   600 /* ran this long: the series starts again */

struct restart_backoff {
	double initial, max; /* seconds, 0 < initial <= max <= RESTART_BACKOFF_LIMIT */
};

/* The defaults (10 s, 300 s). */
struct restart_backoff restart_backoff_default(void);

/* Parse "INITIAL:MAX" in seconds, fractions allowed ("0.2:1").
 * PD_E_INVALID, the message without the flag's name (the caller's
 * prefix). */
int restart_backoff_parse(const char *s, struct restart_backoff *b, struct pd_err *err);

/* Parse {"initial": s, "max": s} (both required, numbers). PD_E_INVALID. */
int restart_backoff_from_json(const json_t *j, struct restart_backoff *b, struct pd_err *err);

/* {"initial": s, "max": s}, a new reference. */
json_t *restart_backoff_to_json(const struct restart_backoff *b);

/* The wait before the restart that follows @streak restarts in a row: 0
 * for the first, then initial, doubling, at most max. */
double restart_backoff_delay(const struct restart_backoff *b, unsigned streak);

/* ---- what a record keeps ------------------------------------------------- */

/* The end of the instance before the current one (Kubernetes' lastState). */
struct restart_last_state {
	bool set;      /* false before a first exit */
	int exit_code; /* -1: unknown */
	char signal[16];
	char reason[32]; /* "Completed", "Error", "StartError", "Unknown" */
	char started[PD_TIME_RFC3339_MAX];
	char finished[PD_TIME_RFC3339_MAX];
};

struct ctr_restart {
	unsigned count;    /* restarts by the policy since the user's last start */
	unsigned streak;   /* restarts since the backoff last started again */
	bool user_stopped; /* stopped by a user since (docker's "manually stopped") */
	struct restart_last_state last;
	char next_start[PD_TIME_RFC3339_MAX]; /* "" unless a restart waits */
	double backoff;                       /* that restart's wait, s (0: at once) */
};

/* The record's "restart" object, a new reference. */
json_t *ctr_restart_to_json(const struct ctr_restart *r);

/* Parse it back, checked (cleared first). PD_E_INVALID. */
int ctr_restart_from_json(const json_t *j, struct ctr_restart *r, struct pd_err *err);

/* Kubernetes' reason for an exit: "Completed" (0), "Error", or "Unknown"
 * (-1: the status was lost). */
const char *restart_exit_reason(int exit_code);

/* ---- the decision at an exit ---------------------------------------------- */

struct restart_exit {
	struct restart_policy policy; /* the effective one (restart_policy_for_role) */
	int exit_code;                /* -1: unknown, a failure */
	long long ran_s;              /* how long the instance ran; -1: unknown */
	bool user_stopped;            /* a user stopped it */
	bool removing;                /* it goes when it exits */
	unsigned count, streak;       /* as in struct ctr_restart */
};

struct restart_decision {
	bool restart;
	double delay;    /* s before the start */
	unsigned streak; /* the streak once it is restarted */
};

/* Restart after @e, and when? */
struct restart_decision restart_decide(const struct restart_exit *e,
				       const struct restart_backoff *b);
