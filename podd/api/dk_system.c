/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's system endpoints: /_ping (how clients find the API
 * version: its Api-Version header), /version, /info, /events (podd's
 * event bus in the Engine's shape), /auth (a login checked against the
 * registry), /system/df.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dk_container.h"
#include "dk_image.h"
#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "filters.h"
#include "container.h"
#include "events.h"
#include "events_query.h"
#include "file.h"
#include "http.h"
#include "image.h"
#include "json.h"
#include "podd.h"
#include "registry.h"
#include "sys_df.h"
#include "volume.h"
#include "xalloc.h"

static void
ping(struct dk_req *r)
{
	dk_add_header(r, "Cache-Control", "no-cache, no-store, must-revalidate");
	dk_add_header(r, "Pragma", "no-cache");
	dk_reply_data(r, 200, "text/plain; charset=utf-8", "OK", 2);
}

/* The machine's architecture as Go (and so docker) names it. */
static const char *
go_arch(const char *machine)
{
	if (strcmp(machine, "x86_64") == 0)
		return "amd64";
	if (strcmp(machine, "aarch64") == 0)
		return "arm64";
	return machine;
}

static void
version(struct dk_req *r)
{
	cleanup_json json_t *j = NULL;
	struct utsname un;

	if (uname(&un) < 0) {
		memcpy(un.release, "unknown", sizeof("unknown"));
		memcpy(un.machine, "unknown", sizeof("unknown"));
	}
	j = json_pack("{s:{s:s}, s:[{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}], "
		      "s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		      "Platform", "Name", "podd", "Components", "Name", "Engine", "Version",
		      PD_VERSION, "Details", "ApiVersion", DK_API_VERSION, "MinAPIVersion",
		      DK_API_MIN_VERSION, "Os", "linux", "Arch", go_arch(un.machine),
		      "KernelVersion", un.release, "GitCommit", "", "GoVersion", "", "Experimental",
		      "false", "BuildTime", "", "Version", PD_VERSION, "ApiVersion", DK_API_VERSION,
		      "MinAPIVersion", DK_API_MIN_VERSION, "GitCommit", "", "GoVersion", "", "Os",
		      "linux", "Arch", go_arch(un.machine), "KernelVersion", un.release,
		      "BuildTime", "");
	dk_reply_json(r, 200, j);
}

/* PRETTY_NAME of /etc/os-release, into @buf. */
static void
os_name(char *buf, size_t len)
{
	cleanup_free char *text = NULL;
	struct pd_err ignored = {0};
	const char *p;
	size_t n;

	(void)snprintf(buf, len, "Linux");
	if (pd_file_read(AT_FDCWD, "/etc/os-release", 65536, &text, &n, &ignored) < 0)
		return;
	p = strstr(text, "PRETTY_NAME=");
	if (p == NULL)
		return;
	p += strlen("PRETTY_NAME=");
	if (*p == '"')
		p++;
	n = strcspn(p, "\"\n");
	(void)snprintf(buf, len, "%.*s", (int)n, p);
}

static long long
mem_total(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (long long)pages * size : 0;
}

static void
info(struct dk_req *r)
{
	struct podd *d = dk_podd(r);
	cleanup_json json_t *j = NULL;
	cleanup_free char *id = NULL;
	const char *layout = cgroup_layout_name(d);
	char host[256] = "", os[256];
	int n = 0, running = 0, paused = 0, n_images = 0;
	struct container *c;
	struct image *img;
	struct utsname un;

	if (uname(&un) < 0) {
		memcpy(un.release, "unknown", sizeof("unknown"));
		memcpy(un.machine, "unknown", sizeof("unknown"));
	}
	(void)gethostname(host, sizeof(host) - 1);
	os_name(os, sizeof(os));
	TAILQ_FOREACH (c, &d->containers, entry) {
		n++;
		paused += c->rec.state == CTR_PAUSED;
		running += ctr_state_up(c->rec.state) && c->rec.state != CTR_PAUSED;
	}
	TAILQ_FOREACH (img, &d->images, entry)
		n_images++;
	id = xasprintf("podd:%s", host);
	j = json_pack(
	    "{s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:[], s:s, s:s, s:i, s:I, s:s, s:s, s:s, s:s, "
	    "s:s, s:s, s:s, s:s, s:[s], s:{s:{s:s}}, s:s, s:{s:[], s:[s], s:[], s:[]}, "
	    "s:{s:[s], s:{}, s:[]}, s:{s:s, s:b, s:s, s:s}, s:[], s:[], s:b, s:b, s:b, s:b, s:b, "
	    "s:b, s:b, s:b, s:b, s:s, s:s, s:s}",
	    "ID", id, "Containers", n, "ContainersRunning", running, "ContainersPaused", paused,
	    "ContainersStopped", n - running - paused, "Images", n_images, "Driver", "overlay",
	    "DriverStatus", "DockerRootDir", d->cfg.root, "Name", host, "NCPU",
	    (int)sysconf(_SC_NPROCESSORS_ONLN), "MemTotal", (json_int_t)mem_total(),
	    "KernelVersion", un.release, "OperatingSystem", os, "OSType", "linux", "Architecture",
	    go_arch(un.machine), "ServerVersion", PD_VERSION, "CgroupDriver", "cgroupfs",
	    "CgroupVersion", strcmp(layout, "v2") == 0 ? "2" : "1", "LoggingDriver", "json-file",
	    "SecurityOptions", "name=seccomp,profile=default", "Runtimes", "podd-shim", "path",
	    "podd-shim", "DefaultRuntime", "podd-shim", "Plugins", "Volume", "Network", "bridge",
	    "Authorization", "Log", "RegistryConfig", "InsecureRegistryCIDRs", "127.0.0.0/8",
	    "IndexConfigs", "Mirrors", "Swarm", "LocalNodeState", "inactive", "ControlAvailable", 0,
	    "NodeID", "", "Error", "", "Labels", "Warnings", "MemoryLimit", 1, "SwapLimit", 0,
	    "CpuCfsPeriod", 1, "CpuCfsQuota", 1, "CPUShares", 1, "PidsLimit", 1, "IPv4Forwarding",
	    1, "Debug", 0, "ExperimentalBuild", 0, "IndexServerAddress",
	    "https://index.docker.io/v1/", "InitBinary", "", "Isolation", "");
	if (j == NULL) {
		dk_reply_error(r, 500, "info: out of memory");
		return;
	}
	dk_reply_json(r, 200, j);
}

/* ---- /events ------------------------------------------------------------------ */

/* Unsent bytes past which an events stream waits for its client. */
#define DK_EVENTS_UNSENT_MAX ((size_t)256 * 1024)

struct dk_events {
	struct dk_req *r;
	struct event_follower *f;
	json_t *filters; /* owned: the Engine's */
};

/* podd's action as docker names it. */
static const char *
engine_action(const char *action)
{
	return strcmp(action, "remove") == 0 ? "destroy" : action;
}

/* podd's event @ev in the Engine's shape, or NULL for one the Engine has
 * no type for (a pod's). */
static json_t *
engine_event(struct podd *d, const json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const char *id = json_string_value(json_object_get(ev, "id"));
	const char *name = json_string_value(json_object_get(ev, "name"));
	const char *action = json_string_value(json_object_get(ev, "action"));
	json_int_t ns = json_integer_value(json_object_get(ev, "time_nano"));
	const json_t *code = json_object_get(json_object_get(ev, "attributes"), "exit_code");
	struct pd_err ignored = {0};
	struct container *c;
	json_t *attrs;
	char from[PD_IMGREF_MAX] = "";

	if (type == NULL || strcmp(type, EVENTS_TYPE_CONTAINER) != 0 || id == NULL ||
	    action == NULL)
		return NULL;
	action = engine_action(action);
	c = container_find(d, id, &ignored);
	if (c != NULL && c->rec.image_name[0] != '\0')
		pd_imgref_familiar_name(c->rec.image_name, from, sizeof(from));
	attrs = json_pack("{s:s, s:s}", "name", name != NULL ? name : "", "image", from);
	if (json_is_integer(code))
		json_object_set_new(attrs, "exitCode",
				    json_sprintf("%lld", (long long)json_integer_value(code)));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:o}, s:s, s:I, s:I}", "status", action,
			 "id", id, "from", from, "Type", type, "Action", action, "Actor", "ID", id,
			 "Attributes", attrs, "scope", "local", "time", ns / 1000000000, "timeNano",
			 ns);
}

static bool
any_is(const json_t *want, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach (want, i, v)
		if (s != NULL && json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

/* Whether @id starts with one of @want's values (3 characters at least). */
static bool
any_prefix(const json_t *want, const char *id)
{
	const json_t *v;
	size_t i;

	json_array_foreach (want, i, v) {
		const char *s = json_string_value(v);

		if (s != NULL && strlen(s) >= 3 && strncmp(id, s, strlen(s)) == 0)
			return true;
	}
	return false;
}

/* Whether the Engine event @e passes the Engine's @filters. */
static bool
engine_match(const json_t *filters, const json_t *e)
{
	const json_t *actor = json_object_get(e, "Actor");
	const json_t *attrs = json_object_get(actor, "Attributes");
	const char *type = json_string_value(json_object_get(e, "Type"));
	const char *id = json_string_value(json_object_get(actor, "ID"));
	const char *name = json_string_value(json_object_get(attrs, "name"));
	const json_t *v;
	const char *key;

	json_object_foreach ((json_t *)filters, key, v) {
		bool ok = true;

		if (strcmp(key, "type") == 0)
			ok = any_is(v, type);
		else if (strcmp(key, "event") == 0)
			ok = any_is(v, json_string_value(json_object_get(e, "Action")));
		else if (strcmp(key, "container") == 0)
			ok = strcmp(type, "container") == 0 &&
			     (any_is(v, name) || any_prefix(v, id));
		else if (strcmp(key, "image") == 0)
			ok = any_is(v, json_string_value(json_object_get(attrs, "image")));
		else if (strcmp(key, "label") == 0)
			ok = pd_filter_labels(attrs, v);
		else if (strcmp(key, "network") == 0 || strcmp(key, "volume") == 0)
			ok = strcmp(type, key) == 0 && (any_is(v, id) || any_is(v, name));
		if (!ok)
			return false;
	}
	return true;
}

static void
on_events_drained(void *arg)
{
	struct dk_events *de = arg;

	dk_on_drained(de->r, 0, NULL, NULL);
	events_resume(de->f);
}

static bool
events_send(void *arg, const json_t *ev)
{
	struct dk_events *de = arg;
	cleanup_json json_t *e = engine_event(dk_podd(de->r), ev);

	if (e == NULL || !engine_match(de->filters, e))
		return true;
	dk_stream_json(de->r, e);
	if (dk_stream_unsent(de->r) < DK_EVENTS_UNSENT_MAX)
		return true;
	dk_on_drained(de->r, DK_EVENTS_UNSENT_MAX / 4, on_events_drained, de);
	return false;
}

/* End @de's stream (which frees its request if its client has left). */
static void
dk_events_free(struct dk_events *de)
{
	struct dk_req *r = de->r;

	dk_on_gone(r, NULL, NULL);
	dk_on_drained(r, 0, NULL, NULL);
	json_decref(de->filters);
	free(de);
	dk_stream_end(r);
}

static void
events_end(void *arg)
{
	dk_events_free(arg);
}

static void
on_events_gone(void *arg)
{
	struct dk_events *de = arg;

	events_unfollow(de->f);
	dk_events_free(de);
}

static const struct events_sink dk_events_sink = {.send = events_send, .end = events_end};

/* since/until into @q; -1 after answering @r. */
static int
events_window(struct dk_req *r, struct events_query *q)
{
	const char *since = dk_query(r, "since"), *until = dk_query(r, "until");
	int64_t now = events_now_ns();
	struct pd_err err = {0};

	if ((since != NULL && since[0] != '\0' &&
	     events_parse_time(since, now, &q->since_ns, &err) < 0) ||
	    (until != NULL && until[0] != '\0' &&
	     events_parse_time(until, now, &q->until_ns, &err) < 0)) {
		dk_reply_error(r, 400, "invalid time: %s", err.msg);
		return -1;
	}
	if (q->since_ns >= 0 && q->until_ns >= 0 && q->until_ns < q->since_ns) {
		dk_reply_error(r, 400, "until is before since");
		return -1;
	}
	return 0;
}

static void
events(struct dk_req *r)
{
	static const char *const known[] = {"type",  "event",   "container", "image",
					    "label", "network", "volume",    NULL};
	cleanup_json json_t *filters = dk_query_filters(r);
	struct events_query q;
	struct pd_err err = {0};
	struct dk_events *de;

	if (filters == NULL || dk_filters_check(r, filters, known) < 0)
		return;
	events_query_init(&q);
	if (events_window(r, &q) < 0)
		return;
	/* the Engine has no pods: only containers' events */
	if (events_query_add_filter(&q, "type=" EVENTS_TYPE_CONTAINER, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	dk_stream_start(r, 200, "application/json");
	if (strcmp(dk_method(r), "HEAD") == 0) {
		dk_stream_end(r);
		return;
	}
	de = xcalloc(1, sizeof(*de));
	de->r = r;
	de->filters = json_incref(filters);
	de->f = events_follow(dk_podd(r), &q, &dk_events_sink, de);
	dk_on_gone(r, on_events_gone, de);
	events_follow_start(de->f);
}

/* ---- /auth -------------------------------------------------------------------- */

static void
on_auth(void *arg, int status, const json_t *j, const struct pd_err *err)
{
	struct dk_req *r = arg;
	cleanup_json json_t *ok = NULL;

	(void)j;
	if (err != NULL && err->kind == PD_E_FORBIDDEN) {
		dk_reply_error(r, 401, "login attempt failed: %s", err->msg);
	} else if (err != NULL) {
		dk_reply_err(r, err);
	} else if (status >= 400) {
		dk_reply_error(r, status, "login failed");
	} else {
		ok = json_pack("{s:s, s:s}", "Status", "Login Succeeded", "IdentityToken", "");
		dk_reply_json(r, 200, ok);
	}
}

static const struct http_pending_sink auth_sink = {.done = on_auth};

static void
auth(struct dk_req *r)
{
	struct pd_err err = {0};
	cleanup_json json_t *body = dk_body_json(r, false, &err);
	const char *user = NULL, *pass = NULL, *server = NULL;
	char registry[PD_IMGREF_HOST_MAX + 1];
	struct reg_creds c = {0};
	struct http_pending *p;
	size_t n;

	if (body == NULL || !json_is_object(body)) {
		dk_reply_error(
		    r, 400, "the body must be a JSON object: {username, password, serveraddress}");
		return;
	}
	user = json_string_value(json_object_get(body, "username"));
	pass = json_string_value(json_object_get(body, "password"));
	server = json_string_value(json_object_get(body, "serveraddress"));
	if (user == NULL || pass == NULL || user[0] == '\0' || strlen(user) >= sizeof(c.username) ||
	    strlen(pass) >= sizeof(c.password)) {
		dk_reply_error(r, 400, "username and password are required");
		return;
	}
	if (server == NULL || server[0] == '\0')
		server = "docker.io";
	/* "https://host:port/v1/" -> "host:port" */
	if (strstr(server, "://") != NULL)
		server = strstr(server, "://") + 3;
	n = strcspn(server, "/");
	if (n == 0 || n > PD_IMGREF_HOST_MAX) {
		dk_reply_error(r, 400, "invalid serveraddress");
		return;
	}
	memcpy(registry, server, n);
	registry[n] = '\0';
	if (strcmp(registry, "index.docker.io") == 0)
		memcpy(registry, "docker.io", sizeof("docker.io"));
	memcpy(c.username, user, strlen(user) + 1);
	memcpy(c.password, pass, strlen(pass) + 1);
	p = http_pending_new_sink(&auth_sink, r);
	if (registry_login(dk_podd(r), registry, &c, true, p, &err) < 0)
		http_pending_reply_error(p, &err);
	reg_creds_clear(&c);
}

/* ---- /system/df --------------------------------------------------------------- */

/* The Engine's container for the entry @v of podd's df reply: its summary
 * (as /containers/json) with SizeRw, its writable layer; NULL when it was
 * removed meanwhile. */
static json_t *
df_container(struct podd *d, const json_t *v)
{
	struct pd_err ignored = {0};
	struct container *c =
	    container_find(d, json_string_value(json_object_get(v, PD_F_ID)), &ignored);
	json_t *e;

	if (c == NULL)
		return NULL;
	e = dk_ctr_summary(c);
	json_object_set(e, "SizeRw", json_object_get(v, PD_F_SIZE));
	return e;
}

/* The Engine's volume for the entry @v, with UsageData; NULL when gone. */
static json_t *
df_volume(struct podd *d, const json_t *v)
{
	struct pd_err ignored = {0};
	cleanup_json json_t *vol =
	    volume_get_json(d, json_string_value(json_object_get(v, PD_F_NAME)), &ignored);
	json_t *e;

	if (vol == NULL)
		return NULL;
	e = dk_volume_json(vol);
	json_object_set_new(e, "UsageData",
			    json_pack("{s:O, s:O}", "Size", json_object_get(v, PD_F_SIZE),
				      "RefCount", json_object_get(v, PD_F_USERS)));
	return e;
}

/* @fn of each entry of @list, those still there. */
static json_t *
df_list(struct dk_req *r, const json_t *list, json_t *(*fn)(struct podd *, const json_t *))
{
	json_t *out = json_array();
	const json_t *v;
	size_t i;

	json_array_foreach (list, i, v) {
		json_t *e = fn(dk_podd(r), v);

		if (e != NULL)
			json_array_append_new(out, e);
	}
	return out;
}

/* The Engine's images of podd's df reply @list; *@layers their sum. */
static json_t *
df_images(struct dk_req *r, const json_t *list, long long *layers)
{
	json_t *out = json_array();
	const json_t *v;
	size_t i;

	json_array_foreach (list, i, v) {
		struct pd_err ignored = {0};
		const char *hex = json_string_value(json_object_get(v, PD_F_ID));
		struct image *img = image_find(dk_podd(r), hex, &ignored);
		cleanup_free char *id = xasprintf("sha256:%s", hex);
		json_int_t size = json_integer_value(json_object_get(v, PD_F_SIZE));
		json_t *names = json_array();
		const json_t *n;
		size_t k;

		if (img == NULL) {
			json_decref(names);
			continue;
		}
		json_array_foreach (json_object_get(v, PD_F_NAMES), k, n) {
			char fam[PD_IMGREF_MAX];

			pd_imgref_familiar_name(json_string_value(n), fam, sizeof(fam));
			json_array_append_new(names, json_string(fam));
		}
		*layers += size;
		/* SharedSize -1: podd does not count the layers images share. */
		json_array_append_new(
		    out, json_pack("{s:s, s:s, s:o, s:[], s:I, s:I, s:I, s:i, s:{}, s:O}", "Id", id,
				   "ParentId", "", "RepoTags", names, "RepoDigests", "Created",
				   (json_int_t)dk_image_created(img), "Size", size, "VirtualSize",
				   size, "SharedSize", -1, "Labels", "Containers",
				   json_object_get(v, PD_F_USERS)));
	}
	return out;
}

/* podd's df is in: the images as their records have them, the containers
 * and volumes with the sizes its walk measured. */
static void
after_df(struct dk_req *r, const json_t *reply, void *arg)
{
	cleanup_json json_t *j = NULL;
	long long layers = 0;
	json_t *images = df_images(r, json_object_get(reply, PD_F_IMAGES), &layers);

	(void)arg;
	j = json_pack("{s:I, s:o, s:o, s:o, s:[]}", "LayersSize", (json_int_t)layers, "Images",
		      images, "Containers",
		      df_list(r, json_object_get(reply, PD_F_CONTAINERS), df_container), "Volumes",
		      df_list(r, json_object_get(reply, PD_F_VOLUMES), df_volume), "BuildCache");
	dk_reply_json(r, 200, j);
}

static void
system_df(struct dk_req *r)
{
	struct pd_err err = {0};
	struct http_pending *p = dk_pending(r, after_df, NULL, NULL);

	if (sys_df_start(dk_podd(r), p, &err) < 0)
		http_pending_reply_error(p, &err);
}

static const struct dk_route routes[] = {
    {"GET", "/_ping", ping, 0}, {"GET", "/version", version, 0},
    {"GET", "/info", info, 0},  {"GET", "/events", events, 0},
    {"POST", "/auth", auth, 0}, {"GET", "/system/df", system_df, 0},
};

DK_ROUTES(dk_system_routes, routes);
