/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine's container create body as podd's /v1 create body (lib/api.h):
 * every field podd has is renamed to podd's key, podd's parser
 * (ctr_spec_parse) then checks the values. A field that would change what
 * the container does and that podd lacks is refused, naming it; fields
 * that only describe (Domainname, MacAddress, AttachStdin/out/err, ...)
 * are ignored, as the Engine ignores some of them itself.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "dk_container.h"
#include "json.h"

double
dk_ns_to_s(long long ns)
{
	return (double)ns / 1e9;
}

/* A string field when given and not empty, else NULL. */
static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && s[0] != '\0' ? s : NULL;
}

static long long
num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Copy @in's field @from to @out's @to when it is there and not null,
 * an empty string, an empty array or object, false or 0 (the Engine's
 * "not set"). */
static void
copy(const json_t *in, const char *from, json_t *out, const char *to)
{
	json_t *v = json_object_get(in, from);

	if (v == NULL || json_is_null(v) || json_is_false(v))
		return;
	if (json_is_string(v) && json_string_length(v) == 0)
		return;
	if (json_is_array(v) && json_array_size(v) == 0)
		return;
	if (json_is_object(v) && json_object_size(v) == 0)
		return;
	if (json_is_integer(v) && json_integer_value(v) == 0)
		return;
	json_object_set_new(out, to, json_deep_copy(v));
}

/* Fields podd does not have: refused when set to anything but the Engine's
 * "not set". */
static int
refuse_set(const json_t *in, const char *const *keys, const char *where, struct pd_err *err)
{
	for (size_t i = 0; keys[i] != NULL; i++) {
		cleanup_json json_t *probe = json_object();

		copy(in, keys[i], probe, "v");
		if (json_object_size(probe) > 0)
			return pd_fail(err, PD_E_INVALID, "%s%s is not supported by podd", where,
				       keys[i]);
	}
	return 0;
}

/* Docker's -p: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} as podd's
 * "[IP:]HOST:PORT/PROTO" strings. */
static int
ports(const json_t *bindings, json_t *out, struct pd_err *err)
{
	json_t *list = json_array(), *binds, *b;
	const char *key;
	size_t i;

	json_object_set_new(out, PD_F_PORTS, list);
	json_object_foreach ((json_t *)bindings, key, binds) {
		if (json_is_null(binds))
			continue;
		if (!json_is_array(binds))
			return pd_fail(err, PD_E_INVALID,
				       "HostConfig.PortBindings[%s] must be a list", key);
		json_array_foreach (binds, i, b) {
			const char *ip = str(b, "HostIp"), *hp = str(b, "HostPort");
			char port[16], proto[8] = "tcp";
			const char *slash = strchr(key, '/');
			size_t n = slash != NULL ? (size_t)(slash - key) : strlen(key);

			if (n == 0 || n >= sizeof(port) ||
			    (slash != NULL && strlen(slash + 1) >= sizeof(proto)))
				return pd_fail(err, PD_E_INVALID,
					       "HostConfig.PortBindings: \"%.32s\" is not a port",
					       key);
			memcpy(port, key, n);
			port[n] = '\0';
			if (slash != NULL)
				memcpy(proto, slash + 1, strlen(slash + 1) + 1);
			if (hp == NULL)
				hp = "0";
			if (ip != NULL && strchr(ip, ':') != NULL)
				json_array_append_new(
				    list, json_sprintf("[%s]:%s:%s/%s", ip, hp, port, proto));
			else if (ip != NULL)
				json_array_append_new(
				    list, json_sprintf("%s:%s:%s/%s", ip, hp, port, proto));
			else
				json_array_append_new(list,
						      json_sprintf("%s:%s/%s", hp, port, proto));
		}
	}
	return 0;
}

/* --mount: the Engine's Mounts objects as podd's "type=...,..." strings. */
static int
mounts(const json_t *list, json_t *out, struct pd_err *err)
{
	json_t *strs = json_array(), *m;
	size_t i;

	json_object_set_new(out, PD_F_MOUNT, strs);
	json_array_foreach (list, i, m) {
		const char *type = str(m, "Type"), *src = str(m, "Source"), *dst = str(m, "Target");
		json_t *tmpfs = json_object_get(m, "TmpfsOptions");
		char buf[8192];
		int n;

		if (type == NULL || dst == NULL)
			return pd_fail(err, PD_E_INVALID,
				       "HostConfig.Mounts[%zu]: Type and Target are required", i);
		n = snprintf(buf, sizeof(buf), "type=%s,target=%s", type, dst);
		if (src != NULL)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",source=%s", src);
		if (json_is_true(json_object_get(m, "ReadOnly")))
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",readonly");
		if (num(tmpfs, "SizeBytes") > 0)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",tmpfs-size=%lld",
				      num(tmpfs, "SizeBytes"));
		if (num(tmpfs, "Mode") > 0)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",tmpfs-mode=%llo",
				      num(tmpfs, "Mode"));
		if (json_is_true(json_object_get(json_object_get(m, "VolumeOptions"), "NoCopy")))
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, ",volume-nocopy");
		if (n < 0 || (size_t)n >= sizeof(buf))
			return pd_fail(err, PD_E_INVALID, "HostConfig.Mounts[%zu] is too long", i);
		json_array_append_new(strs, json_string(buf));
	}
	return 0;
}

/* --tmpfs: {"/run": "size=64m"} as ["/run:size=64m"]. */
static void
tmpfs(const json_t *map, json_t *out)
{
	json_t *list = json_array(), *v;
	const char *dst;

	json_object_set_new(out, PD_F_TMPFS, list);
	json_object_foreach ((json_t *)map, dst, v) {
		const char *opts = json_string_value(v);

		if (opts != NULL && opts[0] != '\0')
			json_array_append_new(list, json_sprintf("%s:%s", dst, opts));
		else
			json_array_append_new(list, json_string(dst));
	}
}

/* --add-host: "name:ip" (or "name=ip") as podd's host_aliases. */
static int
extra_hosts(const json_t *list, json_t *out, struct pd_err *err)
{
	json_t *aliases = json_array(), *v;
	size_t i;

	json_object_set_new(out, PD_F_HOST_ALIASES, aliases);
	json_array_foreach (list, i, v) {
		const char *s = json_string_value(v), *sep;
		char name[256];

		if (s == NULL || (sep = strpbrk(s, ":=")) == NULL || sep == s ||
		    (size_t)(sep - s) >= sizeof(name))
			return pd_fail(err, PD_E_INVALID,
				       "HostConfig.ExtraHosts: \"%.64s\" is not HOST:IP",
				       s != NULL ? s : "");
		memcpy(name, s, (size_t)(sep - s));
		name[sep - s] = '\0';
		json_array_append_new(
		    aliases, json_pack("{s:s, s:[s]}", PD_F_IP, sep + 1, "hostnames", name));
	}
	return 0;
}

/* --device: PathOnHost, PathInContainer, CgroupPermissions. */
static void
devices(const json_t *list, json_t *out)
{
	json_t *devs = json_array(), *v;
	size_t i;

	json_object_set_new(out, PD_F_DEVICES, devs);
	json_array_foreach (list, i, v) {
		json_t *d = json_object();

		copy(v, "PathOnHost", d, "host_path");
		copy(v, "PathInContainer", d, "container_path");
		copy(v, "CgroupPermissions", d, "permissions");
		json_array_append_new(devs, d);
	}
}

static void
ulimits(const json_t *list, json_t *out)
{
	json_t *lims = json_array(), *v;
	size_t i;

	json_object_set_new(out, PD_F_ULIMITS, lims);
	json_array_foreach (list, i, v)
		json_array_append_new(lims, json_pack("{s:O?, s:I, s:I}", "name",
						      json_object_get(v, "Name"), "soft",
						      (json_int_t)num(v, "Soft"), "hard",
						      (json_int_t)num(v, "Hard")));
}

/* The cgroup limits; --cpus may come as CpuQuota over CpuPeriod. */
static int
limits(const json_t *hc, json_t *out, struct pd_err *err)
{
	json_t *lim = json_object();
	long long quota = num(hc, "CpuQuota"), period = num(hc, "CpuPeriod");

	json_object_set_new(out, PD_F_LIMITS, lim);
	copy(hc, "Memory", lim, PD_F_LIMIT_MEMORY);
	copy(hc, "MemorySwap", lim, PD_F_LIMIT_MEMORY_SWAP);
	copy(hc, "MemoryReservation", lim, PD_F_LIMIT_MEMORY_RES);
	copy(hc, "NanoCpus", lim, PD_F_LIMIT_NANO_CPUS);
	copy(hc, "CpuShares", lim, PD_F_LIMIT_CPU_SHARES);
	copy(hc, "CpusetCpus", lim, PD_F_LIMIT_CPUSET_CPUS);
	copy(hc, "PidsLimit", lim, PD_F_LIMIT_PIDS);
	if (quota > 0) {
		if (json_object_get(lim, PD_F_LIMIT_NANO_CPUS) != NULL)
			return pd_fail(err, PD_E_INVALID,
				       "HostConfig: give NanoCpus or CpuQuota, not both");
		if (period <= 0)
			period = 100000;
		json_object_set_new(lim, PD_F_LIMIT_NANO_CPUS,
				    json_integer(quota * 1000000000LL / period));
	}
	if (json_object_size(lim) == 0)
		json_object_del(out, PD_F_LIMITS);
	return 0;
}

/* --restart: {"Name": "on-failure", "MaximumRetryCount": 3}. */
static void
restart(const json_t *rp, json_t *out)
{
	const char *name = str(rp, "Name");
	long long max = num(rp, "MaximumRetryCount");

	if (name == NULL)
		return;
	if (strcmp(name, "on-failure") == 0 && max > 0)
		json_object_set_new(out, PD_F_RESTART_POLICY, json_sprintf("%s:%lld", name, max));
	else
		json_object_set_new(out, PD_F_RESTART_POLICY, json_string(name));
}

/* The healthcheck: durations in nanoseconds become seconds; 0 inherits. */
static void
healthcheck(const json_t *hc, json_t *out)
{
	static const char *const durs[][2] = {
	    {"Interval", "interval"}, {"Timeout", "timeout"}, {"StartPeriod", "start_period"}};
	json_t *test = json_object_get(hc, "Test");
	json_t *h;

	if (json_array_size(test) == 0)
		return;
	h = json_pack("{s:O}", "test", test);
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++)
		if (num(hc, durs[i][0]) > 0)
			json_object_set_new(h, durs[i][1],
					    json_real(dk_ns_to_s(num(hc, durs[i][0]))));
	copy(hc, "Retries", h, "retries");
	json_object_set_new(out, PD_F_HEALTHCHECK, h);
}

/* A namespace mode: "" (the Engine's default) and "private", "shareable"
 * are podd's default. */
static int
ns_mode(const json_t *hc, const char *key, json_t *out, const char *to, struct pd_err *err)
{
	const char *m = str(hc, key);

	if (m == NULL || strcmp(m, "private") == 0 || strcmp(m, "shareable") == 0)
		return 0;
	if (strcmp(m, "host") != 0 && strncmp(m, "container:", 10) != 0)
		return pd_fail(err, PD_E_INVALID, "HostConfig.%s: \"%.64s\" is not supported", key,
			       m);
	json_object_set_new(out, to, json_string(m));
	return 0;
}

/* NetworkMode (and the aliases of its endpoint). */
static int
network(const json_t *in, const json_t *hc, json_t *out, struct pd_err *err)
{
	const char *mode = str(hc, "NetworkMode");
	json_t *eps = json_object_get(json_object_get(in, "NetworkingConfig"), "EndpointsConfig");
	json_t *ep = NULL, *v;
	const char *key;

	if (mode != NULL && strcmp(mode, "default") == 0)
		mode = NULL;
	if (mode != NULL)
		json_object_set_new(out, PD_F_NS_NETWORK, json_string(mode));
	json_object_foreach (eps, key, v) {
		if (mode == NULL || strcmp(key, mode) == 0 ||
		    (strcmp(mode, PD_NET_BRIDGE) == 0 && strcmp(key, "default") == 0)) {
			ep = v;
			break;
		}
	}
	if (json_object_size(eps) > 1)
		return pd_fail(err, PD_E_INVALID,
			       "NetworkingConfig: one endpoint at create; connect the others "
			       "(docker network connect)");
	if (json_object_size(eps) == 1 && ep == NULL)
		return pd_fail(err, PD_E_INVALID,
			       "NetworkingConfig: its endpoint is not HostConfig.NetworkMode's");
	if (ep != NULL) {
		key = json_object_iter_key(json_object_iter(eps));
		if (mode == NULL && strcmp(key, "default") != 0 && strcmp(key, PD_NET_BRIDGE) != 0)
			json_object_set_new(out, PD_F_NS_NETWORK, json_string(key));
		copy(ep, "Aliases", out, PD_F_ALIASES);
		if (refuse_set(ep, (const char *const[]){"Links", "IPAddress", "MacAddress", NULL},
			       "NetworkingConfig.EndpointsConfig.", err) < 0)
			return -1;
		v = json_object_get(ep, "IPAMConfig");
		if (refuse_set(v, (const char *const[]){"IPv4Address", "IPv6Address", NULL},
			       "EndpointsConfig.IPAMConfig.", err) < 0)
			return -1;
	}
	return 0;
}

static int
host_config(const json_t *in, const json_t *hc, json_t *out, struct pd_err *err)
{
	static const char *const unsupported[] = {"VolumesFrom",
						  "Links",
						  "GroupAdd",
						  "CgroupParent",
						  "Runtime",
						  "CpuRealtimePeriod",
						  "CpuRealtimeRuntime",
						  "BlkioWeight",
						  "BlkioWeightDevice",
						  "BlkioDeviceReadBps",
						  "BlkioDeviceWriteBps",
						  "BlkioDeviceReadIOps",
						  "BlkioDeviceWriteIOps",
						  "DeviceCgroupRules",
						  "DeviceRequests",
						  "OomKillDisable",
						  "KernelMemory",
						  "CpusetMems",
						  "UsernsMode",
						  "Cgroup",
						  "StorageOpt",
						  "CpuCount",
						  "CpuPercent",
						  "IOMaximumIOps",
						  "IOMaximumBandwidth",
						  NULL};
	const char *runtime = str(hc, "Runtime");
	json_t *v;

	if (runtime != NULL && strcmp(runtime, "runc") == 0)
		runtime = NULL; /* docker's default runtime: podd's own */
	if (runtime != NULL)
		return pd_fail(err, PD_E_INVALID, "HostConfig.Runtime \"%.32s\" is not supported",
			       runtime);
	for (size_t i = 0; unsupported[i] != NULL; i++) {
		if (strcmp(unsupported[i], "Runtime") == 0)
			continue;
		if (refuse_set(hc, (const char *const[]){unsupported[i], NULL}, "HostConfig.",
			       err) < 0)
			return -1;
	}
	copy(hc, "Binds", out, PD_F_VOLUMES);
	if (json_array_size(v = json_object_get(hc, "Mounts")) > 0 && mounts(v, out, err) < 0)
		return -1;
	if (json_object_size(v = json_object_get(hc, "Tmpfs")) > 0)
		tmpfs(v, out);
	if (json_object_size(v = json_object_get(hc, "PortBindings")) > 0 && ports(v, out, err) < 0)
		return -1;
	copy(hc, "PublishAllPorts", out, PD_F_PUBLISH_ALL);
	if (network(in, hc, out, err) < 0 || ns_mode(hc, "PidMode", out, PD_F_NS_PID, err) < 0 ||
	    ns_mode(hc, "IpcMode", out, PD_F_NS_IPC, err) < 0 ||
	    ns_mode(hc, "UTSMode", out, PD_F_NS_UTS, err) < 0)
		return -1;
	copy(hc, "CapAdd", out, PD_F_CAP_ADD);
	copy(hc, "CapDrop", out, PD_F_CAP_DROP);
	copy(hc, "Privileged", out, PD_F_PRIVILEGED);
	copy(hc, "ReadonlyRootfs", out, PD_F_READ_ONLY);
	restart(json_object_get(hc, "RestartPolicy"), out);
	copy(hc, "AutoRemove", out, PD_F_AUTO_REMOVE);
	if (limits(hc, out, err) < 0)
		return -1;
	copy(hc, "Init", out, PD_F_INIT);
	if (json_array_size(v = json_object_get(hc, "ExtraHosts")) > 0 &&
	    extra_hosts(v, out, err) < 0)
		return -1;
	copy(hc, "Dns", out, PD_F_DNS);
	copy(hc, "DnsSearch", out, PD_F_DNS_SEARCH);
	copy(hc, "DnsOptions", out, PD_F_DNS_OPTIONS);
	copy(hc, "SecurityOpt", out, PD_F_SECURITY_OPT);
	if (json_array_size(v = json_object_get(hc, "Devices")) > 0)
		devices(v, out);
	copy(hc, "ShmSize", out, PD_F_SHM_SIZE);
	copy(hc, "Sysctls", out, PD_F_SYSCTLS);
	if (json_array_size(v = json_object_get(hc, "Ulimits")) > 0)
		ulimits(v, out);
	copy(hc, "OomScoreAdj", out, PD_F_OOM_SCORE_ADJ);
	return 0;
}

/* Whether a bind, --mount or --tmpfs of @out already has @target. */
static bool
has_target(const json_t *out, const char *target)
{
	static const char *const keys[] = {PD_F_VOLUMES, PD_F_MOUNT, PD_F_TMPFS};
	size_t n = strlen(target);

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *v;
		size_t i;

		json_array_foreach (json_object_get(out, keys[k]), i, v) {
			const char *s = json_string_value(v), *at = s;

			/* "SRC:DST[:opts]", "type=..,target=DST,..", "DST[:opts]" */
			while (s != NULL && (at = strstr(at, target)) != NULL) {
				bool start = at == s || at[-1] == ':' || at[-1] == '=';
				bool end = at[n] == '\0' || at[n] == ':' || at[n] == ',';

				if (start && end)
					return true;
				at += n;
			}
		}
	}
	return false;
}

/* -v DST (Config.Volumes {"/data": {}}): an anonymous volume, unless a
 * bind or mount gives that target. */
static void
anonymous_volumes(const json_t *vols, json_t *out)
{
	const char *target;
	json_t *v, *list;

	json_object_foreach ((json_t *)vols, target, v) {
		if (has_target(out, target))
			continue;
		list = json_object_get(out, PD_F_VOLUMES);
		if (list == NULL) {
			list = json_array();
			json_object_set_new(out, PD_F_VOLUMES, list);
		}
		json_array_append_new(list, json_string(target));
	}
}

json_t *
dk_ctr_body(const json_t *in, const char *name, struct pd_err *err)
{
	cleanup_json json_t *out = json_object();
	const json_t *hc = json_object_get(in, "HostConfig");
	json_t *ep = json_object_get(in, "Entrypoint"), *v;
	const char *image = str(in, "Image");

	if (!json_is_object(in)) {
		pd_fail(err, PD_E_INVALID, "the body must be a JSON object");
		return NULL;
	}
	if (image == NULL) {
		pd_fail(err, PD_E_INVALID, "Config.Image is required");
		return NULL;
	}
	json_object_set_new(out, PD_F_IMAGE, json_string(image));
	if (name != NULL && name[0] != '\0')
		json_object_set_new(out, PD_F_NAME, json_string(name[0] == '/' ? name + 1 : name));
	copy(in, "Cmd", out, PD_F_COMMAND);
	/* Entrypoint [""] (docker run --entrypoint "") clears the image's. */
	if (json_is_string(ep))
		json_object_set_new(out, PD_F_ENTRYPOINT, json_pack("[O]", ep));
	else if (json_array_size(ep) == 1 && json_is_string(json_array_get(ep, 0)) &&
		 json_string_length(json_array_get(ep, 0)) == 0)
		json_object_set_new(out, PD_F_ENTRYPOINT, json_array());
	else if (json_is_array(ep))
		json_object_set_new(out, PD_F_ENTRYPOINT, json_incref(ep));
	copy(in, "Env", out, PD_F_ENV);
	copy(in, "WorkingDir", out, PD_F_WORKDIR);
	copy(in, "User", out, PD_F_USER);
	copy(in, "Labels", out, PD_F_LABELS);
	copy(in, "Tty", out, PD_F_TTY);
	copy(in, "OpenStdin", out, PD_F_STDIN);
	copy(in, "StopSignal", out, PD_F_STOP_SIGNAL);
	copy(in, "Hostname", out, PD_F_HOSTNAME);
	if ((v = json_object_get(in, "StopTimeout")) != NULL && json_is_integer(v))
		json_object_set_new(out, PD_F_STOP_TIMEOUT, json_incref(v));
	if ((v = json_object_get(in, "Healthcheck")) != NULL && json_is_object(v))
		healthcheck(v, out);
	if (refuse_set(in, (const char *const[]){"Shell", "OnBuild", NULL}, "Config.", err) < 0)
		return NULL;
	if (hc != NULL && !json_is_null(hc)) {
		if (!json_is_object(hc)) {
			pd_fail(err, PD_E_INVALID, "HostConfig must be an object");
			return NULL;
		}
		if (host_config(in, hc, out, err) < 0)
			return NULL;
	} else if (network(in, hc, out, err) < 0) {
		return NULL;
	}
	anonymous_volumes(json_object_get(in, "Volumes"), out);
	return json_incref(out);
}

json_t *
dk_ctr_update_body(const json_t *in, struct pd_err *err)
{
	static const char *const unsupported[] = {
	    "BlkioWeight",    "CpuRealtimePeriod", "CpuRealtimeRuntime",
	    "CpusetMems",     "KernelMemory",      "KernelMemoryTCP",
	    "OomKillDisable", "DeviceRequests",    NULL};
	cleanup_json json_t *out = json_object();

	if (!json_is_object(in)) {
		pd_fail(err, PD_E_INVALID, "the body must be a JSON object");
		return NULL;
	}
	if (refuse_set(in, unsupported, "update: ", err) < 0 || limits(in, out, err) < 0)
		return NULL;
	restart(json_object_get(in, "RestartPolicy"), out);
	return json_incref(out);
}
