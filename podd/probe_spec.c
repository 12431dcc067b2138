/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and checking probes and healthchecks; see probe_spec.h. The
 * rules are those of the Kubernetes API's validation of a Probe and of
 * docker's healthcheck options; the messages name the field as a manifest
 * spells it.
 */
#include "probe_spec.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "xalloc.h"

static const char *const fields[PROBE_KINDS] = {
    [PROBE_LIVENESS] = "liveness_probe",
    [PROBE_READINESS] = "readiness_probe",
    [PROBE_STARTUP] = "startup_probe",
    [PROBE_HEALTH] = "healthcheck",
};

static const char *const names[PROBE_KINDS] = {
    [PROBE_LIVENESS] = "liveness",
    [PROBE_READINESS] = "readiness",
    [PROBE_STARTUP] = "startup",
    [PROBE_HEALTH] = "health",
};

/* Docker's defaults (api/types/container: DefaultHealth*). */
#define HEALTH_INTERVAL_MS 30000
#define HEALTH_TIMEOUT_MS  30000
#define HEALTH_RETRIES     3
/* Kubernetes takes any int32; podctl kube play checks up to 1e9 too. */
#define PROBE_SECONDS_MAX 1000000000

const char *
probe_kind_field(enum probe_kind kind)
{
	return fields[kind];
}

const char *
probe_kind_name(enum probe_kind kind)
{
	return names[kind];
}

void
probe_spec_clear(struct probe_spec *s)
{
	json_decref(s->command);
	json_decref(s->headers);
	s->command = s->headers = NULL;
}

/* A string without NUL bytes or control characters, 1..@max-1 bytes
 * (0 allowed with @empty_ok), into @dst when not NULL. */
static int
get_str(const json_t *obj, const char *key, const char *where, char *dst, size_t max, bool empty_ok,
	struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t n;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return pd_fail(err, PD_E_INVALID, "%s.%s: must be a string", where, key);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n != strlen(s) || n >= max || (n == 0 && !empty_ok))
		return pd_fail(err, PD_E_INVALID, "%s.%s: must be 1 to %zu bytes without NUL",
			       where, key, max - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return pd_fail(err, PD_E_INVALID, "%s.%s: holds a control character", where,
				       key);
	if (dst != NULL)
		memcpy(dst, s, n + 1);
	return 0;
}

static int
get_int(const json_t *obj, const char *key, const char *where, long long min, long long max,
	long long *out, struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return pd_fail(err, PD_E_INVALID, "%s.%s: must be an integer", where, key);
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return pd_fail(err, PD_E_INVALID, "%s.%s: must be between %lld and %lld", where,
			       key, min, max);
	*out = json_integer_value(v);
	return 0;
}

/* A port: a number 1..65535 (a name is podctl's to resolve). */
static int
get_port(const json_t *obj, const char *where, int *port, struct pd_err *err)
{
	json_t *v = json_object_get(obj, "port");
	long long n = 0;

	if (json_is_string(v))
		return pd_fail(err, PD_E_INVALID,
			       "%s.port: \"%.32s\" is a name: the API takes the port's number "
			       "(podctl kube play resolves names)",
			       where, json_string_value(v));
	if (v == NULL || json_is_null(v))
		return pd_fail(err, PD_E_INVALID, "%s.port: required value", where);
	if (get_int(obj, "port", where, 1, 65535, &n, err) < 0)
		return -1;
	*port = (int)n;
	return 0;
}

/* A command: a non-empty array of strings without NUL. */
static int
get_command(const json_t *v, const char *where, json_t **out, struct pd_err *err)
{
	size_t i;
	json_t *a;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return pd_fail(err, PD_E_INVALID, "%s: must be a non-empty array of strings",
			       where);
	if (json_array_size(v) > PROBE_ARGS_MAX)
		return pd_fail(err, PD_E_INVALID, "%s: more than %d entries", where,
			       PROBE_ARGS_MAX);
	json_array_foreach (v, i, a) {
		if (!json_is_string(a) || json_string_length(a) != strlen(json_string_value(a)) ||
		    json_string_length(a) > 65536)
			return pd_fail(err, PD_E_INVALID, "%s[%zu]: must be a string without NUL",
				       where, i);
	}
	if (json_string_length(json_array_get(v, 0)) == 0)
		return pd_fail(err, PD_E_INVALID, "%s[0]: the command is an empty string", where);
	*out = json_deep_copy(v);
	return 0;
}

/* An HTTP header name is a token (RFC 9110 5.6.2). */
static bool
is_token(const char *s)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return false;
	return true;
}

static int
parse_headers(const json_t *v, const char *where, struct probe_spec *s, struct pd_err *err)
{
	static const char *const allowed[] = {"name", "value", NULL};
	char w[96];
	size_t i;
	json_t *h;

	s->headers = json_array();
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > PROBE_HEADERS_MAX)
		return pd_fail(err, PD_E_INVALID,
			       "%s.httpHeaders: must be an array of at most %d headers", where,
			       PROBE_HEADERS_MAX);
	json_array_foreach (v, i, h) {
		char name[PROBE_HEADER_MAX] = "", value[PROBE_HEADER_MAX] = "";

		(void)snprintf(w, sizeof(w), "%s.httpHeaders[%zu]", where, i);
		if (pd_json_check_keys(h, w, allowed, err) < 0 ||
		    get_str(h, "name", w, name, sizeof(name), false, err) < 0 ||
		    get_str(h, "value", w, value, sizeof(value), true, err) < 0)
			return -1;
		if (!is_token(name))
			return pd_fail(err, PD_E_INVALID, "%s.name: \"%.64s\" is not a header name",
				       w, name);
		json_array_append_new(s->headers,
				      json_pack("{s:s, s:s}", "name", name, "value", value));
	}
	return 0;
}

static int
parse_http(const json_t *v, const char *where, struct probe_spec *s, struct pd_err *err)
{
	static const char *const allowed[] = {"path",   "port",        "host",
					      "scheme", "httpHeaders", NULL};
	char scheme[8] = "HTTP";

	if (pd_json_check_keys(v, where, allowed, err) < 0 || get_port(v, where, &s->port, err) < 0)
		return -1;
	(void)snprintf(s->path, sizeof(s->path), "/");
	if (get_str(v, "path", where, s->path, sizeof(s->path), true, err) < 0 ||
	    get_str(v, "host", where, s->host, sizeof(s->host), true, err) < 0 ||
	    get_str(v, "scheme", where, scheme, sizeof(scheme), false, err) < 0)
		return -1;
	if (s->path[0] == '\0')
		(void)snprintf(s->path, sizeof(s->path), "/");
	/* Kubernetes prepends the slash a path lacks. */
	if (s->path[0] != '/') {
		char tmp[PROBE_PATH_MAX];

		if (snprintf(tmp, sizeof(tmp), "/%s", s->path) >= (int)sizeof(tmp))
			return pd_fail(err, PD_E_INVALID, "%s.path: too long", where);
		memcpy(s->path, tmp, sizeof(tmp));
	}
	for (const char *p = s->path; *p != '\0'; p++)
		if (*p == ' ')
			return pd_fail(err, PD_E_INVALID, "%s.path: holds a space", where);
	if (strcmp(scheme, "HTTP") != 0 && strcmp(scheme, "HTTPS") != 0)
		return pd_fail(err, PD_E_INVALID,
			       "%s.scheme: Unsupported value: \"%.16s\": supported values: "
			       "\"HTTP\", \"HTTPS\"",
			       where, scheme);
	s->https = strcmp(scheme, "HTTPS") == 0;
	return parse_headers(json_object_get(v, "httpHeaders"), where, s, err);
}

static int
parse_handler(const json_t *in, const char *field, struct probe_spec *s, struct pd_err *err)
{
	static const char *const handlers[] = {"exec", "httpGet", "tcpSocket", "grpc"};
	char where[64];
	const json_t *v = NULL;
	int n = 0;

	for (int i = 0; i < 4; i++) {
		const json_t *h = json_object_get(in, handlers[i]);

		if (h == NULL || json_is_null(h))
			continue;
		if (n++ > 0)
			return pd_fail(err, PD_E_INVALID,
				       "%s: may not specify more than 1 handler "
				       "type",
				       field);
		s->handler = (enum probe_handler)i;
		v = h;
	}
	if (v == NULL)
		return pd_fail(err, PD_E_INVALID,
			       "%s: must specify a handler type (exec, httpGet, tcpSocket, grpc)",
			       field);
	(void)snprintf(where, sizeof(where), "%s.%s", field, handlers[s->handler]);
	if (!json_is_object(v))
		return pd_fail(err, PD_E_INVALID, "%s: must be an object", where);
	switch (s->handler) {
	case PROBE_H_EXEC: {
		static const char *const allowed[] = {"command", NULL};
		char w[80];

		(void)snprintf(w, sizeof(w), "%s.command", where);
		if (pd_json_check_keys(v, where, allowed, err) < 0)
			return -1;
		return get_command(json_object_get(v, "command"), w, &s->command, err);
	}
	case PROBE_H_HTTP:
		return parse_http(v, where, s, err);
	case PROBE_H_TCP: {
		static const char *const allowed[] = {"port", "host", NULL};

		if (pd_json_check_keys(v, where, allowed, err) < 0)
			return -1;
		return get_port(v, where, &s->port, err) < 0 ||
			       get_str(v, "host", where, s->host, sizeof(s->host), true, err) < 0
			   ? -1
			   : 0;
	}
	case PROBE_H_GRPC: {
		static const char *const allowed[] = {"port", "service", NULL};

		if (pd_json_check_keys(v, where, allowed, err) < 0)
			return -1;
		return get_port(v, where, &s->port, err) < 0 ||
			       get_str(v, "service", where, s->service, sizeof(s->service), true,
				       err) < 0
			   ? -1
			   : 0;
	}
	}
	PD_UNREACHABLE("probe handler out of its enum");
}

static int
parse_probe(const json_t *in, enum probe_kind kind, struct probe_spec *s, struct pd_err *err)
{
	static const char *const allowed[] = {"exec",
					      "httpGet",
					      "tcpSocket",
					      "grpc",
					      "initialDelaySeconds",
					      "periodSeconds",
					      "timeoutSeconds",
					      "successThreshold",
					      "failureThreshold",
					      "terminationGracePeriodSeconds",
					      NULL};
	const char *f = fields[kind];
	long long delay = 0, period = 10, timeout = 1, succ = 1, fail = 3;

	if (pd_json_check_keys(in, f, allowed, err) < 0 || parse_handler(in, f, s, err) < 0)
		return -1;
	if (get_int(in, "initialDelaySeconds", f, 0, PROBE_SECONDS_MAX, &delay, err) < 0 ||
	    get_int(in, "periodSeconds", f, 1, PROBE_SECONDS_MAX, &period, err) < 0 ||
	    get_int(in, "timeoutSeconds", f, 1, PROBE_SECONDS_MAX, &timeout, err) < 0 ||
	    get_int(in, "successThreshold", f, 1, 1000000, &succ, err) < 0 ||
	    get_int(in, "failureThreshold", f, 1, 1000000, &fail, err) < 0 ||
	    get_int(in, "terminationGracePeriodSeconds", f, 1, PROBE_SECONDS_MAX, &s->grace_s,
		    err) < 0)
		return -1;
	if (succ != 1 && kind != PROBE_READINESS)
		return pd_fail(err, PD_E_INVALID, "%s.successThreshold: must be 1", f);
	if (s->grace_s >= 0 && kind == PROBE_READINESS)
		return pd_fail(err, PD_E_INVALID,
			       "%s.terminationGracePeriodSeconds: must not be set for "
			       "readinessProbes",
			       f);
	s->initial_delay_ms = delay * 1000;
	s->period_ms = period * 1000;
	s->timeout_ms = timeout * 1000;
	s->success_threshold = (int)succ;
	s->failure_threshold = (int)fail;
	return 0;
}

/* A duration in seconds (an integer or a real, >= 0) into ms; 0 or absent
 * leaves *@ms (docker's default). */
static int
get_seconds(const json_t *obj, const char *key, long long *ms, struct pd_err *err)
{
	json_t *v = json_object_get(obj, key);
	double x;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return pd_fail(err, PD_E_INVALID, "healthcheck.%s: must be a number of seconds",
			       key);
	x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > PROBE_SECONDS_MAX)
		return pd_fail(err, PD_E_INVALID, "healthcheck.%s: must be 0 to %d seconds", key,
			       PROBE_SECONDS_MAX);
	if (x > 0 && x < 0.001)
		return pd_fail(err, PD_E_INVALID, "healthcheck.%s: must be at least 1ms", key);
	if (x > 0)
		*ms = (long long)(x * 1000 + 0.5);
	return 0;
}

static int
parse_health(const json_t *in, struct probe_spec *s, struct pd_err *err)
{
	static const char *const allowed[] = {"test",    "interval",     "timeout",
					      "retries", "start_period", NULL};
	json_t *test = json_object_get(in, "test");
	const char *what;
	long long retries = HEALTH_RETRIES;

	if (pd_json_check_keys(in, "healthcheck", allowed, err) < 0)
		return -1;
	s->handler = PROBE_H_EXEC;
	s->success_threshold = 1;
	s->period_ms = HEALTH_INTERVAL_MS;
	s->timeout_ms = HEALTH_TIMEOUT_MS;
	if (!json_is_array(test) || json_array_size(test) == 0 ||
	    !json_is_string(json_array_get(test, 0)))
		return pd_fail(err, PD_E_INVALID,
			       "healthcheck.test: must be [\"CMD-SHELL\", command], [\"CMD\", "
			       "arg...] or [\"NONE\"]");
	what = json_string_value(json_array_get(test, 0));
	if (strcmp(what, "NONE") == 0) {
		if (json_array_size(test) != 1)
			return pd_fail(err, PD_E_INVALID, "healthcheck.test: NONE takes nothing");
		s->disabled = true;
		s->command = json_deep_copy(test);
		return 0;
	}
	if (strcmp(what, "CMD-SHELL") == 0) {
		json_t *cmd = json_array_get(test, 1);

		if (json_array_size(test) != 2 || !json_is_string(cmd) ||
		    json_string_length(cmd) == 0)
			return pd_fail(err, PD_E_INVALID,
				       "healthcheck.test: CMD-SHELL takes one command string");
	} else if (strcmp(what, "CMD") != 0) {
		return pd_fail(err, PD_E_INVALID,
			       "healthcheck.test: \"%.16s\" is not CMD, CMD-SHELL or NONE", what);
	} else if (json_array_size(test) < 2) {
		return pd_fail(err, PD_E_INVALID, "healthcheck.test: CMD takes a command");
	}
	if (get_command(test, "healthcheck.test", &s->command, err) < 0)
		return -1;
	if (json_string_length(json_array_get(test, 1)) == 0)
		return pd_fail(err, PD_E_INVALID, "healthcheck.test[1]: an empty command");
	if (get_seconds(in, "interval", &s->period_ms, err) < 0 ||
	    get_seconds(in, "timeout", &s->timeout_ms, err) < 0 ||
	    get_seconds(in, "start_period", &s->start_period_ms, err) < 0 ||
	    get_int(in, "retries", "healthcheck", 0, 1000000, &retries, err) < 0)
		return -1;
	s->failure_threshold = retries > 0 ? (int)retries : HEALTH_RETRIES;
	return 0;
}

int
probe_spec_parse(const json_t *in, enum probe_kind kind, struct probe_spec *s, struct pd_err *err)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->grace_s = -1;
	if (!json_is_object(in))
		return pd_fail(err, PD_E_INVALID, "%s: must be an object", fields[kind]);
	if (kind == PROBE_HEALTH)
		return parse_health(in, s, err);
	return parse_probe(in, kind, s, err);
}

/* Seconds of @ms: an integer when whole, else a real. */
static json_t *
seconds_json(long long ms)
{
	if (ms % 1000 == 0)
		return json_integer(ms / 1000);
	return json_real((double)ms / 1000.0);
}

static json_t *
health_to_json(const struct probe_spec *s)
{
	json_t *j;

	if (s->disabled)
		return json_pack("{s:[s]}", "test", "NONE");
	j = json_pack("{s:O, s:o, s:o, s:o, s:i}", "test", s->command, "interval",
		      seconds_json(s->period_ms), "timeout", seconds_json(s->timeout_ms),
		      "start_period", seconds_json(s->start_period_ms), "retries",
		      s->failure_threshold);
	return j;
}

json_t *
probe_spec_to_json(const struct probe_spec *s)
{
	json_t *j, *h = NULL;

	if (s->kind == PROBE_HEALTH)
		return health_to_json(s);
	switch (s->handler) {
	case PROBE_H_EXEC:
		h = json_pack("{s:{s:O}}", "exec", "command", s->command);
		break;
	case PROBE_H_HTTP:
		h = json_pack("{s:{s:s, s:i, s:s}}", "httpGet", "path", s->path, "port", s->port,
			      "scheme", s->https ? "HTTPS" : "HTTP");
		if (json_array_size(s->headers) > 0)
			json_object_set(json_object_get(h, "httpGet"), "httpHeaders", s->headers);
		break;
	case PROBE_H_TCP:
		h = json_pack("{s:{s:i}}", "tcpSocket", "port", s->port);
		break;
	case PROBE_H_GRPC:
		h = json_pack("{s:{s:i, s:s}}", "grpc", "port", s->port, "service", s->service);
		break;
	}
	/* The host where one is given (tcpSocket's or httpGet's). */
	if (s->host[0] != '\0' && (s->handler == PROBE_H_HTTP || s->handler == PROBE_H_TCP))
		json_object_set_new(json_object_iter_value(json_object_iter(h)), "host",
				    json_string(s->host));
	j = json_pack("{s:I, s:I, s:i, s:i}", "periodSeconds", (json_int_t)(s->period_ms / 1000),
		      "timeoutSeconds", (json_int_t)(s->timeout_ms / 1000), "successThreshold",
		      s->success_threshold, "failureThreshold", s->failure_threshold);
	if (s->initial_delay_ms > 0)
		json_object_set_new(j, "initialDelaySeconds",
				    json_integer((json_int_t)(s->initial_delay_ms / 1000)));
	if (s->grace_s >= 0)
		json_object_set_new(j, "terminationGracePeriodSeconds",
				    json_integer((json_int_t)s->grace_s));
	json_object_update(j, h);
	json_decref(h);
	return j;
}

int
probe_spec_canonical(const json_t *in, enum probe_kind kind, json_t **out, struct pd_err *err)
{
	struct probe_spec s;
	int r = probe_spec_parse(in, kind, &s, err);

	*out = r == 0 ? probe_spec_to_json(&s) : NULL;
	probe_spec_clear(&s);
	return r;
}

/* Nanoseconds of an image's Healthcheck field into seconds (a JSON number). */
static int
ns_field(const json_t *hc, const char *key, const char *to, json_t *out, struct pd_err *err)
{
	json_t *v = json_object_get(hc, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return pd_fail(err, PD_E_INVALID, "the image's Healthcheck.%s is not a duration",
			       key);
	if (json_integer_value(v) == 0)
		return 0;
	json_object_set_new(out, to, json_real((double)json_integer_value(v) / 1e9));
	return 0;
}

int
probe_health_from_image(const json_t *image_config, json_t **out, struct pd_err *err)
{
	const json_t *hc = json_object_get(image_config, "Healthcheck");
	cleanup_json json_t *j = NULL;
	json_t *test, *retries;

	*out = NULL;
	if (hc == NULL || json_is_null(hc))
		return 0;
	test = json_object_get(hc, "Test");
	/* An empty Test inherits, which for podd is: none. */
	if (!json_is_object(hc) || test == NULL || json_array_size(test) == 0)
		return 0;
	j = json_pack("{s:O}", "test", test);
	if (ns_field(hc, "Interval", "interval", j, err) < 0 ||
	    ns_field(hc, "Timeout", "timeout", j, err) < 0 ||
	    ns_field(hc, "StartPeriod", "start_period", j, err) < 0)
		return -1;
	retries = json_object_get(hc, "Retries");
	if (json_is_integer(retries) && json_integer_value(retries) > 0)
		json_object_set(j, "retries", retries);
	if (probe_spec_canonical(j, PROBE_HEALTH, out, err) < 0)
		return pd_err_prefix(err, "the image's healthcheck");
	return 0;
}
