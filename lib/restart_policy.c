/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restart policies and backoff, pure; see restart_policy.h.
 */
#include "restart_policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static const char *const mode_names[] = {
    [RESTART_NO] = "no",
    [RESTART_ON_FAILURE] = "on-failure",
    [RESTART_ALWAYS] = "always",
    [RESTART_UNLESS_STOPPED] = "unless-stopped",
};

#define N_MODES (sizeof(mode_names) / sizeof(mode_names[0]))

int
restart_policy_parse(const char *s, struct restart_policy *p, struct pd_err *err)
{
	const char *colon = strchr(s, ':');
	size_t len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	long long n;

	memset(p, 0, sizeof(*p));
	if (s[0] == '\0')
		return 0;
	for (size_t i = 0; i < N_MODES; i++) {
		if (strlen(mode_names[i]) != len || strncmp(s, mode_names[i], len) != 0)
			continue;
		p->mode = (enum restart_mode)i;
		if (colon == NULL)
			return 0;
		if (p->mode != RESTART_ON_FAILURE)
			return pd_fail(err, PD_E_INVALID,
				       "restart policy \"%.40s\": only on-failure takes a maximum "
				       "retry count",
				       s);
		if (pd_parse_int(colon + 1, 0, RESTART_RETRIES_MAX, &n, err) < 0)
			return pd_fail(err, PD_E_INVALID,
				       "restart policy \"%.40s\": the maximum retry count must be "
				       "an integer from 0 to %d",
				       s, RESTART_RETRIES_MAX);
		p->max_retries = (unsigned)n;
		return 0;
	}
	return pd_fail(err, PD_E_INVALID,
		       "invalid restart policy \"%.40s\" (use no, on-failure[:N], always or "
		       "unless-stopped)",
		       s);
}

void
restart_policy_format(const struct restart_policy *p, char *buf, size_t len)
{
	if (p->mode == RESTART_ON_FAILURE && p->max_retries > 0)
		(void)snprintf(buf, len, "%s:%u", mode_names[p->mode], p->max_retries);
	else
		(void)snprintf(buf, len, "%s", mode_names[p->mode]);
}

const char *
restart_policy_of_pod(const char *pod_policy)
{
	if (strcmp(pod_policy, "Always") == 0)
		return "always";
	if (strcmp(pod_policy, "OnFailure") == 0)
		return "on-failure";
	return "no";
}

struct restart_policy
restart_policy_for_role(const struct restart_policy *p, const char *role)
{
	struct restart_policy out = *p;

	if (role != NULL && strcmp(role, "sidecar") == 0) {
		out.mode = RESTART_ALWAYS;
		out.max_retries = 0;
	} else if (role != NULL && strcmp(role, "init") == 0 && p->mode != RESTART_NO) {
		if (p->mode != RESTART_ON_FAILURE)
			out.max_retries = 0;
		out.mode = RESTART_ON_FAILURE;
	}
	return out;
}

/* ---- backoff -------------------------------------------------------------- */

struct restart_backoff
restart_backoff_default(void)
{
	return (struct restart_backoff){RESTART_BACKOFF_INITIAL, RESTART_BACKOFF_MAX};
}

/* Seconds as a user types them: digits, at most one '.', in (0, LIMIT]
 * ("1e3", "inf", "0x10" and "-1" are refused, which strtod alone would
 * take). */
static int
parse_seconds(const char *s, size_t len, double *out)
{
	char buf[32];
	char *end;
	bool dot = false;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && !dot && i > 0 && i + 1 < len)
			dot = true;
		else if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	if (*end != '\0' || !(*out > 0) || *out > RESTART_BACKOFF_LIMIT)
		return -1;
	return 0;
}

/* The caller says whose values these are (a flag's name, a field's). */
static int
check_backoff(const struct restart_backoff *b, struct pd_err *err)
{
	if (!(b->initial > 0) || !(b->max > 0) || b->initial > RESTART_BACKOFF_LIMIT ||
	    b->max > RESTART_BACKOFF_LIMIT)
		return pd_fail(err, PD_E_INVALID,
			       "INITIAL and MAX are seconds above 0, at most %.0f",
			       RESTART_BACKOFF_LIMIT);
	if (b->max < b->initial)
		return pd_fail(err, PD_E_INVALID, "MAX (%g) is below INITIAL (%g)", b->max,
			       b->initial);
	return 0;
}

int
restart_backoff_parse(const char *s, struct restart_backoff *b, struct pd_err *err)
{
	const char *colon = strchr(s, ':');

	if (colon == NULL || parse_seconds(s, (size_t)(colon - s), &b->initial) < 0 ||
	    parse_seconds(colon + 1, strlen(colon + 1), &b->max) < 0)
		return pd_fail(err, PD_E_INVALID,
			       "\"%.40s\" is not INITIAL:MAX in seconds above 0 (e.g. 10:300 or "
			       "0.2:1)",
			       s);
	return check_backoff(b, err);
}

int
restart_backoff_from_json(const json_t *j, struct restart_backoff *b, struct pd_err *err)
{
	json_t *ini = json_object_get(j, "initial"), *max = json_object_get(j, "max");

	if (!json_is_object(j) || json_object_size(j) != 2 || !json_is_number(ini) ||
	    !json_is_number(max))
		return pd_fail(err, PD_E_INVALID,
			       "field \"restart_backoff\" must be {\"initial\": seconds, \"max\": "
			       "seconds}");
	b->initial = json_number_value(ini);
	b->max = json_number_value(max);
	if (check_backoff(b, err) < 0)
		return pd_err_prefix(err, "field \"restart_backoff\"");
	return 0;
}

json_t *
restart_backoff_to_json(const struct restart_backoff *b)
{
	return json_pack("{s:f, s:f}", "initial", b->initial, "max", b->max);
}

double
restart_backoff_delay(const struct restart_backoff *b, unsigned streak)
{
	double d = b->initial;

	if (streak == 0)
		return 0;
	/* Doubling past max stops at max: no overflow, whatever the streak. */
	for (unsigned i = 1; i < streak && d < b->max; i++)
		d *= 2;
	return d < b->max ? d : b->max;
}

/* ---- the record -------------------------------------------------------------- */

const char *
restart_exit_reason(int exit_code)
{
	if (exit_code == 0)
		return "Completed";
	return exit_code < 0 ? "Unknown" : "Error";
}

json_t *
ctr_restart_to_json(const struct ctr_restart *r)
{
	json_t *j = json_pack("{s:I, s:I, s:b}", "count", (json_int_t)r->count, "streak",
			      (json_int_t)r->streak, "user_stopped", r->user_stopped);

	if (r->last.set)
		json_object_set_new(j, "last_state",
				    json_pack("{s:i, s:s, s:s, s:s, s:s}", "exit_code",
					      r->last.exit_code, "signal", r->last.signal, "reason",
					      r->last.reason, "started", r->last.started,
					      "finished", r->last.finished));
	if (r->next_start[0] != '\0') {
		json_object_set_new(j, "next_start", json_string(r->next_start));
		json_object_set_new(j, "backoff", json_real(r->backoff));
	}
	return j;
}

static int
bad(struct pd_err *err, const char *what)
{
	return pd_fail(err, PD_E_INVALID, "bad container record: bad restart %s", what);
}

static int
last_from_json(const json_t *j, struct restart_last_state *l, struct pd_err *err)
{
	const char *sig, *reason, *started, *finished;
	struct pd_err ignored;
	json_error_t jerr;
	int code;

	if (json_unpack_ex((json_t *)j, &jerr, JSON_STRICT, "{s:i, s:s, s:s, s:s, s:s}",
			   "exit_code", &code, "signal", &sig, "reason", &reason, "started",
			   &started, "finished", &finished) < 0 ||
	    code < -1 || code > 255)
		return bad(err, "last_state");
	if (pd_copy_bounded(l->signal, sizeof(l->signal), sig, "signal", &ignored) < 0 ||
	    pd_copy_bounded(l->reason, sizeof(l->reason), reason, "reason", &ignored) < 0 ||
	    pd_copy_bounded(l->started, sizeof(l->started), started, "started", &ignored) < 0 ||
	    pd_copy_bounded(l->finished, sizeof(l->finished), finished, "finished", &ignored) < 0)
		return bad(err, "last_state");
	l->exit_code = code;
	l->set = true;
	return 0;
}

int
ctr_restart_from_json(const json_t *j, struct ctr_restart *r, struct pd_err *err)
{
	json_t *last = NULL, *backoff = NULL;
	const char *next = NULL;
	json_int_t count, streak;
	struct pd_err ignored;
	json_error_t jerr;
	int stopped;

	memset(r, 0, sizeof(*r));
	if (json_unpack_ex((json_t *)j, &jerr, JSON_STRICT, "{s:I, s:I, s:b, s?o, s?s, s?o}",
			   "count", &count, "streak", &streak, "user_stopped", &stopped,
			   "last_state", &last, "next_start", &next, "backoff", &backoff) < 0)
		return pd_fail(err, PD_E_INVALID, "bad container record: restart: %s", jerr.text);
	if (count < 0 || count > UINT32_MAX / 2 || streak < 0 || streak > UINT32_MAX / 2)
		return bad(err, "counts");
	r->count = (unsigned)count;
	r->streak = (unsigned)streak;
	r->user_stopped = stopped;
	if (last != NULL && last_from_json(last, &r->last, err) < 0)
		return -1;
	if ((next == NULL) != (backoff == NULL))
		return bad(err, "wait");
	if (next != NULL) {
		struct timespec ts;

		if (pd_copy_bounded(r->next_start, sizeof(r->next_start), next, "next_start",
				    &ignored) < 0 ||
		    pd_time_rfc3339_parse(next, &ts) < 0 || !json_is_real(backoff) ||
		    !(json_number_value(backoff) >= 0) ||
		    json_number_value(backoff) > RESTART_BACKOFF_LIMIT)
			return bad(err, "wait");
		r->backoff = json_number_value(backoff);
	}
	return 0;
}

/* ---- the decision ------------------------------------------------------------ */

struct restart_decision
restart_decide(const struct restart_exit *e, const struct restart_backoff *b)
{
	struct restart_decision d = {.restart = false, .delay = 0, .streak = e->streak};
	unsigned streak = e->streak;

	if (e->removing || e->user_stopped)
		return d;
	switch (e->policy.mode) {
	case RESTART_NO:
		return d;
	case RESTART_ON_FAILURE:
		if (e->exit_code == 0)
			return d;
		if (e->policy.max_retries > 0 && e->count >= e->policy.max_retries)
			return d;
		break;
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		break;
	}
	/* It ran long enough to count as healthy: the series starts again. */
	if (e->ran_s >= RESTART_RESET_AFTER_S)
		streak = 0;
	d.restart = true;
	d.delay = restart_backoff_delay(b, streak);
	d.streak = streak + 1;
	return d;
}
