/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/ctr and output's times: what `podctl ps` shows for a container
 * (STATUS, COMMAND, IMAGE), and the paths and query values podctl sends.
 */
#include <stdlib.h>
#include <string.h>

#include "ctr.h"
#include "output.h"
#include "timefmt.h"
#include "unit.h"

/* 2026-11-23T08:17:00Z */
#define NOW ((time_t)1795421820)

static char *
status_of(const char *json)
{
	json_error_t je;
	json_t *c = json_loads(json, 0, &je);
	char *s;

	REQUIRE(c != NULL);
	s = ctr_status_text(c, NOW);
	json_decref(c);
	return s;
}

static void
check_status(const char *json, const char *want)
{
	char *s = status_of(json);

	CHECK_STR(s, ==, want);
	free(s);
}

static void
test_now_is_what_it_says(void)
{
	struct timespec ts;

	REQUIRE(pd_time_rfc3339_parse("2026-11-23T08:17:00Z", &ts) == 0);
	CHECK_INT(ts.tv_sec, ==, NOW);
}

static void
test_status(void)
{
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T08:16:57Z\"}",
		     "Up 3 seconds");
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T08:17:00.4Z\"}",
		     "Up Less than a second");
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T06:17:00Z\"}", "Up 2 hours");
	/* issue 13, observe: paused, as docker shows it */
	check_status("{\"state\":\"paused\",\"started\":\"2026-11-23T06:17:00Z\"}",
		     "Up 2 hours (Paused)");
	check_status("{\"state\":\"running\"}", "Up");
	check_status("{\"state\":\"exited\",\"exit_code\":0,"
		     "\"finished\":\"2026-11-23T08:16:58Z\"}",
		     "Exited (0) 2 seconds ago");
	check_status("{\"state\":\"exited\",\"exit_code\":137,"
		     "\"finished\":\"2026-11-23T08:16:00Z\"}",
		     "Exited (137) 1 minute ago");
	check_status("{\"state\":\"exited\",\"exit_code\":1}", "Exited (1)");
	check_status("{\"state\":\"created\"}", "Created");
	check_status("{\"state\":\"stopping\"}", "Stopping");
	check_status("{}", "-");
}

static void
check_command(const char *json, const char *want)
{
	json_error_t je;
	json_t *c = json_loads(json, 0, &je);
	char *s;

	REQUIRE(c != NULL);
	s = ctr_command_text(c);
	CHECK_STR(s, ==, want);
	CHECK(strlen(s) <= CTR_COMMAND_WIDTH);
	free(s);
	json_decref(c);
}

static void
test_command(void)
{
	check_command("[\"sleep\",\"100\"]", "\"sleep 100\"");
	check_command("[\"sh\",\"-c\",\"ls -l\"]", "\"sh -c 'ls -l'\"");
	check_command("[\"sh\",\"-c\",\"while true; do echo hi; sleep 1; done\"]",
		      "\"sh -c 'while true; do ech...\"");
	check_command("[]", "\"\"");
	check_command("[\"echo\",\"\"]", "\"echo ''\"");
	check_command("[\"printf\",\"a\\nb\"]", "\"printf 'a b'\"");
}

static void
test_image(void)
{
	json_t *a = json_pack("{s:s}", "image", "busybox");
	json_t *b = json_pack("{s:s}", "rootfs", "/srv/root");
	json_t *c = json_object();
	char *s;

	s = ctr_image_text(a);
	CHECK_STR(s, ==, "busybox");
	free(s);
	s = ctr_image_text(b);
	CHECK_STR(s, ==, "/srv/root");
	free(s);
	s = ctr_image_text(c);
	CHECK_STR(s, ==, "-");
	free(s);
	json_object_set_new(a, "image", json_string("docker.io/library/busybox:latest"));
	s = ctr_image_text(a);
	CHECK_STR(s, ==, "busybox");
	free(s);
	json_object_set_new(a, "image", json_string("127.0.0.1:5000/team/app:v2"));
	s = ctr_image_text(a);
	CHECK_STR(s, ==, "127.0.0.1:5000/team/app:v2");
	free(s);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void
test_paths_and_escapes(void)
{
	char *s = ctr_path("web", "stop", "timeout=5");

	CHECK_STR(s, ==, "/v1/containers/web/stop?timeout=5");
	free(s);
	s = ctr_path("abc123", NULL, NULL);
	CHECK_STR(s, ==, "/v1/containers/abc123");
	free(s);
	s = ctr_query_escape("RTMIN+3");
	CHECK_STR(s, ==, "RTMIN%2B3");
	free(s);
	s = ctr_query_escape("2026-11-23T08:17:00.5Z");
	CHECK_STR(s, ==, "2026-11-23T08%3A17%3A00.5Z");
	free(s);
}

static void
test_refs(void)
{
	struct pd_err err = {0};

	CHECK_INT(ctr_check_ref("web-1", &err), ==, 0);
	CHECK_INT(ctr_check_ref("0123abc", &err), ==, 0);
	CHECK_INT(ctr_check_ref("../x", &err), ==, -1);
	CHECK_CONTAINS(err.msg, "container name");
}

static void
test_durations(void)
{
	char buf[64];

	REQUIRE(output_duration(0, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "Less than a second");
	REQUIRE(output_duration(1, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "1 second");
	REQUIRE(output_ago(120, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "2 minutes ago");
	REQUIRE(output_ago(-5, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, ==, "Less than a second ago");
	CHECK_INT(output_ago(120, buf, 10), ==, -1);
	CHECK_INT(output_ago(120, buf, 10 + 4), ==, 0); /* "2 minutes ago" fits 14 */
}

/* probes branch: docker's health in STATUS, and a Kubernetes readiness not
 * passed yet. */
static void
test_status_health(void)
{
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T08:16:55Z\","
		     "\"health\":{\"status\":\"healthy\"}}",
		     "Up 5 seconds (healthy)");
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T08:16:55Z\","
		     "\"health\":{\"status\":\"unhealthy\"}}",
		     "Up 5 seconds (unhealthy)");
	check_status("{\"state\":\"running\",\"health\":{\"status\":\"starting\"}}",
		     "Up (health: starting)");
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T08:16:55Z\","
		     "\"ready\":false,\"probes\":{\"readiness\":{}}}",
		     "Up 5 seconds (not ready)");
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T08:16:55Z\","
		     "\"ready\":true,\"probes\":{\"readiness\":{}}}",
		     "Up 5 seconds");
	check_status("{\"state\":\"running\",\"started\":\"2026-11-23T08:16:55Z\","
		     "\"ready\":false,\"probes\":{}}",
		     "Up 5 seconds");
}

static const struct unit_case cases[] = {
    {"now_is_what_it_says", test_now_is_what_it_says},
    {"status", test_status},
    {"status_health", test_status_health},
    {"command", test_command},
    {"image", test_image},
    {"paths_and_escapes", test_paths_and_escapes},
    {"refs", test_refs},
    {"durations", test_durations},
};

UNIT_MAIN(cases)
