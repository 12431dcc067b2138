/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's container as the Engine shows it: inspect's object and the list's
 * summary, read from the container and from its /v1 object
 * (container_to_json), and the list's filters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "cleanup.h"
#include "container.h"
#include "dk.h"
#include "filters.h"
#include "dk_container.h"
#include "events_query.h"
#include "imgref.h"
#include "parse.h"
#include "xalloc.h"
#include "json.h"
#include "restart.h"
#include "timefmt.h"

#define ZERO_TIME "0001-01-01T00:00:00Z"

/* podd's default network is docker's "bridge". */
static const char *
net_name(const char *podd_name)
{
	return strcmp(podd_name, PD_NET_DEFAULT) == 0 ? PD_NET_BRIDGE : podd_name;
}

void
dk_image_shown(const char *ref, bool with_latest, char *buf, size_t len)
{
	struct pd_imgref r;
	char fam[PD_IMGREF_MAX];

	if (pd_imgref_parse(ref, &r, &(struct pd_err){0}) < 0) {
		(void)snprintf(buf, len, "%s", ref);
		return;
	}
	pd_imgref_familiar(&r, fam, sizeof(fam));
	if (r.digest[0] != '\0' && r.tag[0] == '\0')
		(void)snprintf(buf, len, "%s@%s", fam, r.digest);
	else if (!with_latest && strcmp(r.tag, PD_IMGREF_DEFAULT_TAG) == 0)
		(void)snprintf(buf, len, "%s", fam);
	else
		(void)snprintf(buf, len, "%s:%s", fam, r.tag);
}

const char *
dk_ctr_state(const struct container *c)
{
	switch (c->rec.state) {
	case CTR_CREATED:
	case CTR_STARTING:
		return restart_pending(c) ? "restarting" : "created";
	case CTR_RUNNING:
	case CTR_STOPPING:
		return "running";
	case CTR_PAUSED:
		return "paused";
	case CTR_EXITED:
		return restart_pending(c) ? "restarting" : "exited";
	}
	return "dead";
}

static const char *
time_or_zero(const char *t)
{
	return t[0] != '\0' ? t : ZERO_TIME;
}

static long long
unix_time(const char *rfc3339)
{
	struct timespec ts = {0};

	if (rfc3339[0] == '\0' || pd_time_rfc3339_parse(rfc3339, &ts) < 0)
		return 0;
	return ts.tv_sec;
}

/* "3 seconds", "About a minute", "2 hours": docker's durations. */
static void
human(long long s, char *buf, size_t len)
{
	if (s < 1)
		(void)snprintf(buf, len, "Less than a second");
	else if (s == 1)
		(void)snprintf(buf, len, "1 second");
	else if (s < 60)
		(void)snprintf(buf, len, "%lld seconds", s);
	else if (s < 120)
		(void)snprintf(buf, len, "About a minute");
	else if (s < 3600)
		(void)snprintf(buf, len, "%lld minutes", s / 60);
	else if (s < 7200)
		(void)snprintf(buf, len, "About an hour");
	else if (s < 48 * 3600)
		(void)snprintf(buf, len, "%lld hours", s / 3600);
	else
		(void)snprintf(buf, len, "%lld days", s / 86400);
}

/* The list's Status: "Up 5 seconds", "Up 2 minutes (Paused)", "Exited (0)
 * 3 seconds ago", "Created", "Restarting (1) 2 seconds ago". */
static json_t *
status_text(const struct container *c)
{
	const struct ctr_record *r = &c->rec;
	long long now = time(NULL);
	const char *state = dk_ctr_state(c);
	char ago[64];

	if (strcmp(state, "running") == 0 || strcmp(state, "paused") == 0) {
		human(now - unix_time(r->started), ago, sizeof(ago));
		return json_sprintf("Up %s%s", ago,
				    strcmp(state, "paused") == 0 ? " (Paused)" : "");
	}
	if (strcmp(state, "exited") == 0 || strcmp(state, "restarting") == 0) {
		human(now - unix_time(r->finished), ago, sizeof(ago));
		return json_sprintf("%s (%d) %s ago",
				    strcmp(state, "exited") == 0 ? "Exited" : "Restarting",
				    r->exit_code < 0 ? 0 : r->exit_code, ago);
	}
	return json_string("Created");
}

/* podd's ports [{"protocol","host_ip","host_port","pod_port"}] as
 * inspect's {"80/tcp": [{"HostIp","HostPort"}]}. */
static json_t *
ports_map(const json_t *ports)
{
	json_t *map = json_object(), *p;
	size_t i;

	json_array_foreach (ports, i, p) {
		char key[32];
		json_t *list;

		(void)snprintf(key, sizeof(key), "%lld/%s",
			       json_integer_value(json_object_get(p, PD_F_POD_PORT)),
			       json_string_value(json_object_get(p, PD_F_PROTOCOL)));
		list = json_object_get(map, key);
		if (list == NULL) {
			list = json_array();
			json_object_set_new(map, key, list);
		}
		json_array_append_new(
		    list,
		    json_pack("{s:s, s:o}", "HostIp",
			      json_string_value(json_object_get(p, PD_F_HOST_IP)) ?: "0.0.0.0",
			      "HostPort",
			      json_sprintf(
				  "%lld", json_integer_value(json_object_get(p, PD_F_HOST_PORT)))));
	}
	return map;
}

/* The list's Ports: [{"IP","PrivatePort","PublicPort","Type"}]. */
static json_t *
ports_list(const json_t *ports)
{
	json_t *list = json_array(), *p;
	size_t i;

	json_array_foreach (ports, i, p)
		json_array_append_new(
		    list,
		    json_pack("{s:s, s:O, s:O, s:O}", "IP",
			      json_string_value(json_object_get(p, PD_F_HOST_IP)) ?: "0.0.0.0",
			      "PrivatePort", json_object_get(p, PD_F_POD_PORT), "PublicPort",
			      json_object_get(p, PD_F_HOST_PORT), "Type",
			      json_object_get(p, PD_F_PROTOCOL)));
	return list;
}

/* NetworkSettings.Networks from the /v1 "networks". */
static json_t *
networks(const json_t *v1nets)
{
	json_t *out = json_object(), *n;
	const char *name;

	json_object_foreach ((json_t *)v1nets, name, n) {
		const char *ip = json_string_value(json_object_get(n, "ip")) ?: "";

		json_object_set_new(
		    out, net_name(name),
		    json_pack("{s:n, s:n, s:O, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:s, s:n}",
			      "IPAMConfig", "Links", "Aliases", json_object_get(n, "aliases"),
			      "NetworkID", net_name(name), "EndpointID", "", "Gateway",
			      json_string_value(json_object_get(n, "gateway")) ?: "", "IPAddress",
			      ip, "IPPrefixLen", ip[0] != '\0' ? 16 : 0, "IPv6Gateway",
			      json_string_value(json_object_get(n, "gateway6")) ?: "",
			      "GlobalIPv6Address",
			      json_string_value(json_object_get(n, "ip6")) ?: "",
			      "GlobalIPv6PrefixLen", 0, "MacAddress",
			      json_string_value(json_object_get(n, "mac")) ?: "", "DriverOpts"));
	}
	return out;
}

/* Mounts: [{"Type","Name","Source","Destination","Driver","Mode","RW",
 * "Propagation"}] from the /v1 "mounts". */
static json_t *
mounts(const json_t *v1mounts)
{
	json_t *out = json_array(), *m;
	size_t i;

	json_array_foreach (v1mounts, i, m) {
		const char *type = json_string_value(json_object_get(m, "type")) ?: "";
		const char *src = json_string_value(json_object_get(m, PD_F_SOURCE)) ?: "";
		const char *path = json_string_value(json_object_get(m, PD_F_PATH));
		bool ro = json_is_true(json_object_get(m, "read_only"));
		json_t *o =
		    json_pack("{s:s, s:s, s:O, s:s, s:b, s:s}", "Type", type, "Source",
			      path != NULL ? path : src, "Destination",
			      json_object_get(m, "target"), "Mode", ro ? "ro" : "", "RW", !ro,
			      "Propagation", strcmp(type, "bind") == 0 ? "rprivate" : "");

		if (strcmp(type, "volume") == 0) {
			json_object_set_new(o, "Name", json_string(src));
			json_object_set_new(o, "Driver", json_string(PD_VOLUME_DRIVER));
		}
		json_array_append_new(out, o);
	}
	return out;
}

/* The ns mode's /v1 field, as the Engine's NetworkMode/PidMode... */
static const char *
mode_of(const json_t *v1, const char *key, const char *dflt)
{
	const char *m = json_string_value(json_object_get(v1, key));

	if (m == NULL || m[0] == '\0')
		return dflt;
	return net_name(m);
}

static json_t *
restart_policy(const char *policy)
{
	const char *colon = strchr(policy, ':');
	long long max = 0;

	if (colon == NULL)
		return json_pack("{s:s, s:i}", "Name", policy, "MaximumRetryCount", 0);
	(void)pd_parse_int(colon + 1, 0, INT32_MAX, &max, &(struct pd_err){0});
	return json_pack("{s:s%, s:I}", "Name", policy, (size_t)(colon - policy),
			 "MaximumRetryCount", (json_int_t)max);
}

/* What podd keeps of a key (NULL when unset) or the Engine's zero value. */
static json_t *
or_zero(const json_t *o, const char *key, json_t *zero)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) /* zero: a new reference */
		return zero;
	json_decref(zero);
	return json_incref(v);
}

static json_t *
host_config(const struct container *c, const json_t *v1)
{
	const json_t *lim = json_object_get(v1, PD_F_LIMITS);
	json_t *hc, *binds = json_array(), *m, *hosts = json_array();
	size_t i;

	json_array_foreach (json_object_get(v1, PD_F_MOUNTS), i, m)
		if (strcmp(json_string_value(json_object_get(m, "type")) ?: "", "bind") == 0)
			json_array_append_new(
			    binds,
			    json_sprintf(
				"%s:%s%s", json_string_value(json_object_get(m, PD_F_SOURCE)),
				json_string_value(json_object_get(m, "target")),
				json_is_true(json_object_get(m, "read_only")) ? ":ro" : ""));
	json_array_foreach (json_object_get(v1, PD_F_HOST_ALIASES), i, m) {
		json_t *h;
		size_t k;

		json_array_foreach (json_object_get(m, "hostnames"), k, h)
			json_array_append_new(
			    hosts, json_sprintf("%s:%s", json_string_value(h),
						json_string_value(json_object_get(m, "ip"))));
	}
	hc = json_pack(
	    "{s:o, s:{s:s, s:{}}, s:s, s:o, s:o, s:b, s:s, s:s, s:s, s:O, s:O, s:b, "
	    "s:b, s:s, s:o}",
	    "Binds", binds, "LogConfig", "Type", "json-file", "Config", "NetworkMode",
	    mode_of(v1, PD_F_NS_NETWORK, PD_NET_BRIDGE), "PortBindings",
	    ports_map(c->rec.spec.ports), "RestartPolicy",
	    restart_policy(c->rec.spec.restart_policy[0] != '\0' ? c->rec.spec.restart_policy
								 : "no"),
	    "AutoRemove", c->rec.spec.auto_remove, "PidMode", mode_of(v1, PD_F_NS_PID, ""),
	    "IpcMode", mode_of(v1, PD_F_NS_IPC, "private"), "UTSMode", mode_of(v1, PD_F_NS_UTS, ""),
	    "CapAdd", json_object_get(v1, PD_F_CAP_ADD), "CapDrop",
	    json_object_get(v1, PD_F_CAP_DROP), "Privileged",
	    json_is_true(json_object_get(v1, PD_F_PRIVILEGED)), "ReadonlyRootfs",
	    c->rec.spec.read_only, "Runtime", "runc", "ExtraHosts", hosts);
	json_object_set_new(hc, "PublishAllPorts", json_boolean(c->rec.spec.publish_all));
	json_object_set_new(hc, "Memory", or_zero(lim, PD_F_LIMIT_MEMORY, json_integer(0)));
	json_object_set_new(hc, "MemorySwap",
			    or_zero(lim, PD_F_LIMIT_MEMORY_SWAP, json_integer(0)));
	json_object_set_new(hc, "MemoryReservation",
			    or_zero(lim, PD_F_LIMIT_MEMORY_RES, json_integer(0)));
	json_object_set_new(hc, "NanoCpus", or_zero(lim, PD_F_LIMIT_NANO_CPUS, json_integer(0)));
	json_object_set_new(hc, "CpuShares", or_zero(lim, PD_F_LIMIT_CPU_SHARES, json_integer(0)));
	json_object_set_new(hc, "CpusetCpus",
			    or_zero(lim, PD_F_LIMIT_CPUSET_CPUS, json_string("")));
	json_object_set_new(hc, "PidsLimit", or_zero(lim, PD_F_LIMIT_PIDS, json_null()));
	json_object_set_new(hc, "Init", or_zero(v1, PD_F_INIT, json_null()));
	json_object_set_new(hc, "Dns", or_zero(v1, PD_F_DNS, json_array()));
	json_object_set_new(hc, "DnsSearch", or_zero(v1, PD_F_DNS_SEARCH, json_array()));
	json_object_set_new(hc, "DnsOptions", or_zero(v1, PD_F_DNS_OPTIONS, json_array()));
	json_object_set_new(hc, "SecurityOpt", or_zero(v1, PD_F_SECURITY_OPT, json_null()));
	json_object_set_new(hc, "ShmSize", or_zero(v1, PD_F_SHM_SIZE, json_integer(67108864)));
	json_object_set_new(hc, "Sysctls", or_zero(v1, PD_F_SYSCTLS, json_object()));
	json_object_set_new(hc, "OomScoreAdj", or_zero(v1, PD_F_OOM_SCORE_ADJ, json_integer(0)));
	json_object_set_new(hc, "Tmpfs", json_object());
	json_object_set_new(hc, "Devices", json_array());
	json_object_set_new(hc, "Ulimits", json_array());
	return hc;
}

/* Config.Labels: the image's, then the container's over them (docker's). */
static json_t *
labels(const json_t *v1)
{
	json_t *img = json_object_get(json_object_get(v1, PD_F_CONFIG), "Labels");
	json_t *own = json_object_get(v1, PD_F_LABELS);
	json_t *out = json_is_object(img) ? json_deep_copy(img) : json_object();

	if (json_is_object(own))
		json_object_update(out, own);
	return out;
}

static json_t *
health(const json_t *v1)
{
	const json_t *h = json_object_get(v1, PD_F_HEALTH), *e;
	json_t *log = json_array();
	size_t i;

	if (h == NULL) {
		json_decref(log);
		return NULL;
	}
	json_array_foreach (json_object_get(h, "log"), i, e)
		json_array_append_new(log, json_pack("{s:O, s:O, s:O, s:O}", "Start",
						     json_object_get(e, "start"), "End",
						     json_object_get(e, "end"), "ExitCode",
						     json_object_get(e, "exit_code"), "Output",
						     json_object_get(e, "output")));
	return json_pack("{s:O, s:O, s:o}", "Status", json_object_get(h, "status"), "FailingStreak",
			 json_object_get(h, "failing_streak"), "Log", log);
}

/* The Engine's healthcheck of the /v1 "healthcheck" (seconds to ns). */
static json_t *
healthcheck(const json_t *v1)
{
	const json_t *h = json_object_get(v1, PD_F_HEALTHCHECK);
	static const char *const durs[][2] = {
	    {"interval", "Interval"}, {"timeout", "Timeout"}, {"start_period", "StartPeriod"}};
	json_t *out;

	if (h == NULL)
		return NULL;
	out = json_pack("{s:O}", "Test", json_object_get(h, "test"));
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		json_t *v = json_object_get(h, durs[i][0]);

		if (json_is_number(v))
			json_object_set_new(out, durs[i][1],
					    json_integer((json_int_t)(json_number_value(v) * 1e9)));
	}
	if (json_object_get(h, "retries") != NULL)
		json_object_set(out, "Retries", json_object_get(h, "retries"));
	return out;
}

/* Cmd: the argv after the entrypoint. */
static json_t *
cmd_of(const struct ctr_spec *s)
{
	size_t skip = json_array_size(s->entrypoint), n = json_array_size(s->command);
	json_t *cmd = json_array();

	for (size_t i = skip; i < n; i++)
		json_array_append(cmd, json_array_get(s->command, i));
	return cmd;
}

static json_t *
config(const struct container *c, const json_t *v1)
{
	const struct ctr_spec *s = &c->rec.spec;
	const json_t *img = json_object_get(v1, PD_F_CONFIG);
	json_t *exposed = json_object_get(img, "ExposedPorts");
	json_t *hc = healthcheck(v1);
	char image[PD_IMGREF_MAX];
	json_t *j;

	dk_image_shown(c->rec.image_name, false, image, sizeof(image));
	j = json_pack("{s:O, s:s, s:s, s:b, s:b, s:b, s:O, s:b, s:b, s:b, s:O, s:o, s:s, s:n, s:O, "
		      "s:O, s:o, s:O}",
		      "Hostname", json_object_get(v1, PD_F_HOSTNAME), "Domainname", "", "User",
		      s->user != NULL ? s->user : "", "AttachStdin", false, "AttachStdout", false,
		      "AttachStderr", false, "ExposedPorts",
		      json_is_object(exposed) ? exposed : json_null(), "Tty", s->tty, "OpenStdin",
		      s->open_stdin, "StdinOnce", false, "Env", s->env, "Cmd", cmd_of(s), "Image",
		      image, "Volumes", "WorkingDir", json_object_get(v1, PD_F_WORKDIR),
		      "Entrypoint",
		      s->entrypoint != NULL && json_array_size(s->entrypoint) > 0 ? s->entrypoint
										  : json_null(),
		      "Labels", labels(v1), "StopSignal", json_object_get(v1, PD_F_STOP_SIGNAL));

	if (hc != NULL)
		json_object_set_new(j, "Healthcheck", hc);
	if (s->stop_timeout >= 0)
		json_object_set_new(j, "StopTimeout", json_integer(s->stop_timeout));
	return j;
}

static json_t *
state(const struct container *c, const json_t *v1)
{
	const struct ctr_record *r = &c->rec;
	const char *st = dk_ctr_state(c);
	bool up = ctr_state_up(r->state);
	json_t *h = health(v1);
	json_t *j = json_pack(
	    "{s:s, s:b, s:b, s:b, s:b, s:b, s:i, s:i, s:s, s:s, s:s}", "Status", st, "Running", up,
	    "Paused", r->state == CTR_PAUSED, "Restarting", strcmp(st, "restarting") == 0,
	    "OOMKilled", r->oom_killed, "Dead", false, "Pid", up ? (int)r->pid : 0, "ExitCode",
	    r->state == CTR_EXITED && r->exit_code >= 0 ? r->exit_code : 0, "Error",
	    r->state != CTR_EXITED || r->exit_code < 0 ? r->reason : "", "StartedAt",
	    time_or_zero(r->started), "FinishedAt", time_or_zero(r->finished));

	if (h != NULL)
		json_object_set_new(j, "Health", h);
	return j;
}

static json_t *
net_settings(const struct container *c, const json_t *v1, bool full)
{
	const json_t *nets = json_object_get(v1, PD_F_NETWORKS);
	json_t *j = json_pack("{s:o}", "Networks", networks(nets));
	const char *ip = json_string_value(json_object_get(v1, PD_F_IP)) ?: "";

	if (!full)
		return j;
	json_object_set_new(j, "Ports", ports_map(json_object_get(v1, PD_F_PORTS)));
	json_object_set_new(j, "IPAddress", json_string(ip));
	json_object_set_new(j, "IPPrefixLen", json_integer(ip[0] != '\0' ? 16 : 0));
	json_object_set_new(
	    j, "Gateway", json_string(json_string_value(json_object_get(v1, PD_F_GATEWAY)) ?: ""));
	json_object_set_new(j, "MacAddress", json_string(""));
	json_object_set_new(j, "Bridge", json_string(""));
	json_object_set_new(j, "SandboxID", json_string(c->rec.id));
	json_object_set_new(j, "SandboxKey", json_string(""));
	json_object_set_new(j, "HairpinMode", json_false());
	if (json_object_size(nets) > 0) {
		const char *mac = json_string_value(json_object_get(
		    json_object_iter_value(json_object_iter((json_t *)nets)), "mac"));

		json_object_set_new(j, "MacAddress", json_string(mac ?: ""));
	}
	return j;
}

json_t *
dk_ctr_inspect(const struct container *c)
{
	cleanup_json json_t *v1 = container_to_json(c);
	const struct ctr_record *r = &c->rec;
	const json_t *argv = r->spec.command;
	json_t *args = json_array(), *j;

	for (size_t i = 1; i < json_array_size(argv); i++)
		json_array_append(args, json_array_get(argv, i));
	j = json_pack(
	    "{s:s, s:s, s:s, s:o, s:o, s:s, s:s+, s:O, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:o, "
	    "s:[], s:s, s:s, s:s}",
	    "Id", r->id, "Created", r->created, "Path",
	    json_string_value(json_array_get(argv, 0)) ?: "", "Args", args, "State", state(c, v1),
	    "Image", r->spec.image[0] != '\0' ? "sha256:" : "", "Name", "/", r->spec.name,
	    "LogPath", json_object_get(v1, PD_F_LOG_PATH), "RestartCount", (int)r->restart.count,
	    "Driver", "overlay2", "Platform", "linux", "MountLabel", "", "HostConfig",
	    host_config(c, v1), "Config", config(c, v1), "NetworkSettings",
	    net_settings(c, v1, true), "Mounts", mounts(json_object_get(v1, PD_F_MOUNTS)),
	    "ExecIDs", "ProcessLabel", "", "AppArmorProfile", "", "ResolvConfPath", "");
	if (r->spec.image[0] != '\0')
		json_object_set_new(j, "Image", json_sprintf("sha256:%s", r->spec.image));
	return j;
}

json_t *
dk_ctr_summary(const struct container *c)
{
	cleanup_json json_t *v1 = container_to_json(c);
	const struct ctr_record *r = &c->rec;
	cleanup_free char *cmd = NULL;
	char image[PD_IMGREF_MAX];
	json_t *j;
	size_t len = 0;

	dk_image_shown(c->rec.image_name, false, image, sizeof(image));
	for (size_t i = 0; i < json_array_size(r->spec.command); i++)
		len += strlen(json_string_value(json_array_get(r->spec.command, i))) + 1;
	cmd = xcalloc(1, len + 1);
	for (size_t i = 0, at = 0; i < json_array_size(r->spec.command); i++)
		at += (size_t)snprintf(cmd + at, len + 1 - at, "%s%s", i > 0 ? " " : "",
				       json_string_value(json_array_get(r->spec.command, i)));
	j = json_pack(
	    "{s:s, s:[s+], s:s, s:s+, s:s, s:I, s:o, s:o, s:s, s:o, s:{s:s}, s:o, "
	    "s:o}",
	    "Id", r->id, "Names", "/", r->spec.name, "Image", image, "ImageID",
	    "sha256:", r->spec.image, "Command", cmd != NULL ? cmd : "", "Created",
	    (json_int_t)unix_time(r->created), "Ports", ports_list(json_object_get(v1, PD_F_PORTS)),
	    "Labels", labels(v1), "State", dk_ctr_state(c), "Status", status_text(c), "HostConfig",
	    "NetworkMode", mode_of(v1, PD_F_NS_NETWORK, PD_NET_BRIDGE), "NetworkSettings",
	    net_settings(c, v1, false), "Mounts", mounts(json_object_get(v1, PD_F_MOUNTS)));
	return j;
}

static bool
any_of(const json_t *vals, bool (*fn)(const struct container *, const json_t *, const char *),
       const struct container *c, const json_t *v1)
{
	json_t *v;
	size_t i;

	json_array_foreach (vals, i, v)
		if (fn(c, v1, json_string_value(v)))
			return true;
	return false;
}

static bool
by_name(const struct container *c, const json_t *v1, const char *want)
{
	(void)v1;
	if (want[0] == '/')
		want++;
	return strstr(c->rec.spec.name, want) != NULL;
}

static bool
by_id(const struct container *c, const json_t *v1, const char *want)
{
	(void)v1;
	return strncmp(c->rec.id, want, strlen(want)) == 0;
}

static bool
by_status(const struct container *c, const json_t *v1, const char *want)
{
	(void)v1;
	return strcmp(dk_ctr_state(c), want) == 0;
}

static bool
by_ancestor(const struct container *c, const json_t *v1, const char *want)
{
	struct pd_imgref r;
	char full[PD_IMGREF_MAX];
	size_t n = strlen(want);

	(void)v1;
	if (strncmp(want, "sha256:", 7) == 0)
		want += 7, n -= 7;
	if (n >= 3 && strncmp(c->rec.spec.image, want, n) == 0)
		return true;
	if (pd_imgref_parse(want, &r, &(struct pd_err){0}) < 0)
		return false;
	pd_imgref_format(&r, full, sizeof(full));
	return strcmp(c->rec.image_name, full) == 0;
}

static bool
by_network(const struct container *c, const json_t *v1, const char *want)
{
	const char *mode = mode_of(v1, PD_F_NS_NETWORK, PD_NET_BRIDGE);

	(void)c;
	return strcmp(mode, want) == 0 ||
	       json_object_get(json_object_get(v1, PD_F_NETWORKS),
			       strcmp(want, PD_NET_BRIDGE) == 0 ? PD_NET_DEFAULT : want) != NULL;
}

static bool
by_health(const struct container *c, const json_t *v1, const char *want)
{
	const char *h =
	    json_string_value(json_object_get(json_object_get(v1, PD_F_HEALTH), "status"));

	(void)c;
	return strcmp(h != NULL ? h : "none", want) == 0;
}

static bool
by_exited(const struct container *c, const json_t *v1, const char *want)
{
	(void)v1;
	long long code;

	return c->rec.state == CTR_EXITED &&
	       pd_parse_int(want, -1, 255, &code, &(struct pd_err){0}) == 0 &&
	       c->rec.exit_code == code;
}

int
dk_ctr_match(const struct container *c, const json_t *filters, struct pd_err *err)
{
	static const struct {
		const char *key;
		bool (*fn)(const struct container *, const json_t *, const char *);
	} keys[] = {{"name", by_name},         {"id", by_id},           {"status", by_status},
		    {"ancestor", by_ancestor}, {"network", by_network}, {"health", by_health},
		    {"exited", by_exited}};
	cleanup_json json_t *v1 = NULL;
	const char *key;
	json_t *vals;

	json_object_foreach ((json_t *)filters, key, vals) {
		bool known = false, ok = true;

		if (v1 == NULL)
			v1 = container_to_json(c);
		if (strcmp(key, "label") == 0) {
			cleanup_json json_t *l = labels(v1);

			known = true;
			ok = pd_filter_labels(l, vals);
		}
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(key, keys[i].key) == 0) {
				known = true;
				ok = any_of(vals, keys[i].fn, c, v1);
			}
		if (!known && strcmp(key, "before") != 0 && strcmp(key, "since") != 0 &&
		    strcmp(key, "volume") != 0 && strcmp(key, "is-task") != 0)
			return pd_fail(err, PD_E_INVALID, "invalid filter '%.64s'", key);
		if (!ok)
			return 0;
	}
	return 1;
}

bool
dk_ctr_created_before(const struct container *c, const char *until)
{
	struct timespec now, created = {0};
	int64_t until_ns;

	clock_gettime(CLOCK_REALTIME, &now);
	if (events_parse_time(until, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec, &until_ns,
			      &(struct pd_err){0}) < 0 ||
	    pd_time_rfc3339_parse(c->rec.created, &created) < 0)
		return false;
	return (int64_t)created.tv_sec * 1000000000 + created.tv_nsec < until_ns;
}
