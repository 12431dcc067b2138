/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container names, paths and texts; see ctr.h. The texts follow docker's ps
 * (STATUS "Up 3 seconds", "Exited (0) 2 seconds ago"; COMMAND quoted and
 * cut), using output.c's relative times so pods and containers read alike.
 */
#include "ctr.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "imgref.h"
#include "name.h"
#include "output.h"
#include "timefmt.h"
#include "xalloc.h"

int
ctr_check_ref(const char *ref, struct pd_err *err)
{
	if (pd_is_id_prefix(ref))
		return 0;
	return pd_name_validate(ref, "container name", err);
}

char *
ctr_path(const char *ref, const char *action, const char *query)
{
	return xasprintf("%s/%s%s%s%s%s", PD_PATH_CONTAINERS, ref, action ? "/" : "",
			 action ? action : "", query ? "?" : "", query ? query : "");
}

char *
ctr_query_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '%';
		*o++ = hex[*p >> 4];
		*o++ = hex[*p & 0xf];
	}
	*o = '\0';
	return out;
}

/* Whether @arg needs quotes to read as one word. */
static bool
needs_quotes(const char *arg)
{
	return arg[0] == '\0' || strpbrk(arg, " \t\n'\"\\$`") != NULL;
}

char *
ctr_command_text(const json_t *command)
{
	const size_t inner = CTR_COMMAND_WIDTH - 2; /* without the two '"' */
	cleanup_free char *joined = xstrdup("");
	size_t i;
	json_t *arg;

	json_array_foreach (command, i, arg) {
		const char *a = json_string_value(arg) ?: "";
		char *next =
		    xasprintf(needs_quotes(a) ? "%s%s'%s'" : "%s%s%s", joined, i > 0 ? " " : "", a);

		free(joined);
		joined = next;
	}
	/* Control characters would break the table's line. */
	for (char *p = joined; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	if (strlen(joined) > inner)
		memcpy(joined + inner - 3, "...", 4);
	return xasprintf("\"%s\"", joined);
}

/* Seconds from the RFC 3339 time in @ctr's @field to @now, or -1. */
static long long
since(const json_t *ctr, const char *field, time_t now)
{
	const char *s = json_string_value(json_object_get(ctr, field));
	struct timespec ts;

	if (s == NULL || pd_time_rfc3339_parse(s, &ts) < 0)
		return -1;
	return (long long)now - (long long)ts.tv_sec;
}

/* probes branch: what follows "Up 3 seconds" as docker writes it: its
 * healthcheck's " (healthy)", " (unhealthy)", " (health: starting)"; or,
 * with Kubernetes probes, " (not ready)" until its readiness passes. */
static const char *
probe_suffix(const json_t *ctr)
{
	const char *health =
	    json_string_value(json_object_get(json_object_get(ctr, PD_F_HEALTH), PD_F_STATUS));
	const json_t *probes = json_object_get(ctr, PD_F_PROBES);

	if (health != NULL && strcmp(health, "starting") == 0)
		return " (health: starting)";
	if (health != NULL && strcmp(health, "healthy") == 0)
		return " (healthy)";
	if (health != NULL && strcmp(health, "unhealthy") == 0)
		return " (unhealthy)";
	if (json_object_size(probes) > 0 && json_is_false(json_object_get(ctr, PD_F_READY)))
		return " (not ready)";
	return "";
}

/* restart (issue 12): a restart's wait as the kubelet spells it: "20s",
 * "0.2s", "5m0s", into @buf. */
static void
backoff_text(double secs, char *buf, size_t len)
{
	long long whole = (long long)secs;

	if (secs < 60 || (double)whole != secs)
		(void)snprintf(buf, len, "%gs", secs);
	else if (whole < 3600)
		(void)snprintf(buf, len, "%lldm%llds", whole / 60, whole % 60);
	else
		(void)snprintf(buf, len, "%lldh%lldm%llds", whole / 3600, whole % 3600 / 60,
			       whole % 60);
}

char *
ctr_status_text(const json_t *ctr, time_t now)
{
	const char *state = json_string_value(json_object_get(ctr, PD_F_STATE));
	const json_t *code = json_object_get(ctr, PD_F_EXIT_CODE);
	char span[64];
	long long secs;
	char *s;

	if (state == NULL || state[0] == '\0')
		return xstrdup("-");
	/* restart (issue 12): a restart waits, as kubectl shows it. */
	if (json_is_object(json_object_get(ctr, PD_F_WAITING))) {
		const json_t *w = json_object_get(ctr, PD_F_WAITING);
		const char *reason = json_string_value(json_object_get(w, PD_F_REASON));
		json_t *b = json_object_get(w, PD_F_BACKOFF);
		char wait[64];

		if (!json_is_number(b))
			return xstrdup(reason ?: PD_WAITING_BACKOFF);
		backoff_text(json_number_value(b), wait, sizeof(wait));
		return xasprintf("%s (back-off %s)", reason ?: PD_WAITING_BACKOFF, wait);
	}
	/* issue 13, observe: a paused container is up, as docker shows it. */
	if (strcmp(state, PD_STATE_RUNNING) == 0 || strcmp(state, PD_STATE_PAUSED) == 0) {
		const char *paused = strcmp(state, PD_STATE_PAUSED) == 0 ? " (Paused)" : "";

		secs = since(ctr, PD_F_STARTED, now);
		if (secs < 0 || output_duration(secs, span, sizeof(span)) < 0)
			return xasprintf("Up%s%s", probe_suffix(ctr), paused);
		return xasprintf("Up %s%s%s", span, probe_suffix(ctr), paused);
	}
	if (strcmp(state, PD_STATE_EXITED) == 0) {
		cleanup_free char *with_code =
		    json_is_integer(code)
			? xasprintf("Exited (%lld)", (long long)json_integer_value(code))
			: xstrdup("Exited");

		secs = since(ctr, PD_F_FINISHED, now);
		if (secs < 0 || output_ago(secs, span, sizeof(span)) < 0)
			return steal_ptr(with_code);
		return xasprintf("%s %s", with_code, span);
	}
	s = xstrdup(state);
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

char *
ctr_image_text(const json_t *ctr)
{
	const char *image = json_string_value(json_object_get(ctr, PD_F_IMAGE));
	const char *rootfs = json_string_value(json_object_get(ctr, PD_F_ROOTFS));

	struct pd_imgref ref;
	struct pd_err err;

	/* As docker shows it: "busybox" for docker.io/library/busybox:latest,
	 * "team/app:v2", "127.0.0.1:5000/app:v2". */
	if (image != NULL && pd_imgref_parse(image, &ref, &err) == 0) {
		char repo[PD_IMGREF_MAX];

		pd_imgref_familiar(&ref, repo, sizeof(repo));
		if (ref.digest[0] != '\0')
			return xasprintf("%s@%s", repo, ref.digest);
		if (strcmp(ref.tag, PD_IMGREF_DEFAULT_TAG) == 0)
			return xstrdup(repo);
		return xasprintf("%s:%s", repo, ref.tag);
	}
	if (image != NULL && image[0] != '\0')
		return xstrdup(image);
	if (rootfs != NULL && rootfs[0] != '\0')
		return xstrdup(rootfs);
	return xstrdup("-");
}
