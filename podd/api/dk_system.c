/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's system endpoints: /_ping (how clients find the API
 * version: its Api-Version header), /version.
 */
#include <sys/utsname.h>
#include <string.h>

#include "api.h"
#include "cleanup.h"
#include "dk.h"
#include "json.h"
#include "podd.h"

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
	j = json_pack("{s:{s:s}, s:[{s:s, s:s, s:{s:s, s:s, s:s}}], s:s, s:s, s:s, s:s, s:s, "
		      "s:s, s:s, s:s, s:s}",
		      "Platform", "Name", "podd", "Components", "Name", "Engine", "Version",
		      PD_VERSION, "Details", "ApiVersion", DK_API_VERSION, "MinAPIVersion",
		      DK_API_MIN_VERSION, "Os", "linux", "Version", PD_VERSION, "ApiVersion",
		      DK_API_VERSION, "MinAPIVersion", DK_API_MIN_VERSION, "GitCommit", "",
		      "GoVersion", "", "Os", "linux", "Arch", go_arch(un.machine), "KernelVersion",
		      un.release, "BuildTime", "");
	dk_reply_json(r, 200, j);
}

static const struct dk_route routes[] = {
    {"GET", "/_ping", ping, 0},
    {"GET", "/version", version, 0},
};

DK_ROUTES(dk_system_routes, routes);
