/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CNI protocol as netplug speaks it (spec 0.3.0 to 1.1.0): the command
 * and the CNI_* environment, the network configuration on stdin, and the
 * three replies (result, error, version). Everything here is pure: it turns
 * bytes and strings into validated structs and back, and never touches the
 * kernel or the disk. netplug/cmd.c does that with what these return.
 *
 * Parsing is staged, because the spec gives each stage its own error code:
 * cni_conf_version() (1, incompatible version), cni_conf_check_fields() (2,
 * unsupported field), cni_conf_parse() (7, invalid config) and
 * cni_env_parse() (4, invalid environment). netplug/main.c calls them in
 * that order and maps a failure to the stage's code.
 */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "ip4.h"
#include "ip6.h"

#define CNI_VERSION_LATEST "1.1.0"
#define CNI_CONF_MAX       (4 << 20) /* stdin: GC lists every attachment */
#define CNI_VERSION_MAX    16
#define CNI_ID_MAX         255 /* CNI_CONTAINERID; most runtimes use 64 hex */
#define CNI_NETWORK_MAX    128 /* network name: a directory under dataDir */
#define CNI_PATH_MAX       1024
#define CNI_ROUTES_MAX     64
#define CNI_ATTACH_MAX     100000                  /* entries in cni.dev/valid-attachments */
#define CNI_MAC_MAX        18                      /* "aa:bb:cc:dd:ee:ff" and NUL */
#define CNI_DATA_DIR       "/var/lib/cni/networks" /* host-local's default */
#define CNI_BRIDGE         "podd0"

enum cni_cmd {
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_VERSION,
	CNI_CMD_GC,
	CNI_CMD_STATUS,
};

/* The spec's error codes ("Error" in SPEC.md; 50 and 51 are STATUS's). */
enum cni_code {
	CNI_OK = 0,
	CNI_E_VERSION = 1,     /* incompatible CNI version */
	CNI_E_FIELD = 2,       /* unsupported field in the network config */
	CNI_E_CONTAINER = 3,   /* container unknown or gone */
	CNI_E_ENV = 4,         /* invalid necessary environment variables */
	CNI_E_IO = 5,          /* I/O failure, e.g. reading stdin */
	CNI_E_DECODE = 6,      /* failed to decode content */
	CNI_E_CONFIG = 7,      /* invalid network config */
	CNI_E_AGAIN = 11,      /* try again later */
	CNI_E_UNAVAILABLE = 50 /* STATUS: the plugin cannot serve ADD */
};

struct cni_route {
	struct ip4_net dst; /* a network: no host bits */
	uint32_t gw;
};

struct cni_route6 {
	struct ip6_net dst; /* a network: no host bits */
	ip6_addr gw;
};

struct cni_attachment {
	char id[CNI_ID_MAX + 1];
	char ifname[IFNAMSIZ];
};

/* A parsed network configuration. Defaults are filled in: after
 * cni_conf_parse() every field holds what netplug will do. */
struct cni_conf {
	char version[CNI_VERSION_MAX]; /* "1.0.0": the one replies carry */
	unsigned version_num;          /* 10000 * major + 100 * minor + patch */
	char name[CNI_NETWORK_MAX + 1];
	char bridge[IFNAMSIZ];
	bool is_gateway;
	bool ip_masq;          /* masquerade what the attachment sends out of the network */
	bool hairpin;          /* the host end's bridge port sends frames back where they came */
	int mtu;               /* 0: the kernel's default */
	struct ip4_net subnet; /* a network, prefix 8..30 */
	uint32_t range_start;  /* inside the subnet, not its network or broadcast */
	uint32_t range_end;    /* >= range_start */
	uint32_t gateway;      /* inside the subnet; never allocated */
	uint32_t static_ip;    /* runtimeConfig.ips; 0: none asked */
	struct cni_route routes[CNI_ROUTES_MAX];
	size_t n_routes;
	/* IPv6: the second range set of ipam.ranges, when there is one. */
	bool has_v6;
	struct ip6_net subnet6; /* a network, prefix 8..126 */
	ip6_addr range_start6, range_end6, gateway6;
	ip6_addr static_ip6; /* runtimeConfig.ips; 0: none asked */
	struct cni_route6 routes6[CNI_ROUTES_MAX];
	size_t n_routes6;
	char data_dir[CNI_PATH_MAX];  /* absolute */
	json_t *dns;                  /* owned reference, may be NULL: echoed in the result */
	json_t *prev_result;          /* owned reference, may be NULL */
	struct cni_attachment *valid; /* owned, n_valid entries: GC's keep list */
	size_t n_valid;
	bool has_valid; /* the config carried a keep list (GC requires one) */
};

/* The CNI_* environment, validated for the command. */
struct cni_env {
	enum cni_cmd cmd;
	char container_id[CNI_ID_MAX + 1]; /* "" for VERSION, GC, STATUS */
	char netns[CNI_PATH_MAX];          /* "" when not given (DEL may omit it) */
	char ifname[IFNAMSIZ];
	uint32_t static_ip; /* IP= in CNI_ARGS (host-local's convention); 0: none */
};

/* What ADD made, for the result. */
struct cni_iface {
	char name[IFNAMSIZ];
	char mac[CNI_MAC_MAX];
};

struct cni_add_result {
	struct cni_iface bridge;
	struct cni_iface host; /* the veth end on the bridge */
	struct cni_iface ctr;  /* CNI_IFNAME in the sandbox */
	const char *sandbox;   /* borrowed: CNI_NETNS */
	uint32_t addr;         /* with conf->subnet's prefix */
	ip6_addr addr6;        /* with conf->subnet6's prefix; when conf->has_v6 */
};

/* CNI_COMMAND into @cmd. Unset or unknown is PD_E_INVALID. */
int cni_command_parse(const char *s, enum cni_cmd *cmd, struct pd_err *err);

/* The command's name ("ADD"). */
const char *cni_command_name(enum cni_cmd cmd);

/* Stage 1: cniVersion of @j into @conf->version, checked against the
 * versions netplug supports and against @cmd (CHECK needs 0.4.0, GC and
 * STATUS 1.1.0). A missing cniVersion means 0.1.0, which is unsupported. */
int cni_conf_version(const json_t *j, enum cni_cmd cmd, struct cni_conf *conf, struct pd_err *err);

/* Stage 2: every key of @j (and of its ipam, routes, ranges and attachment
 * objects) is one netplug knows, and ipam.type is one it implements. The
 * message names the key and its value, as the spec asks for code 2. */
int cni_conf_check_fields(const json_t *j, struct pd_err *err);

/* Stage 3: the rest of @j into @conf (whose version stage 1 filled), with
 * defaults. @conf owns references and memory afterwards, also on failure:
 * release them with cni_conf_clear(). PD_E_INVALID naming the field. */
int cni_conf_parse(const json_t *j, enum cni_cmd cmd, struct cni_conf *conf, struct pd_err *err);

/* Release what @conf owns; it may be parsed again after. */
void cni_conf_clear(struct cni_conf *conf);

/* The CNI_* variables that @cmd needs, read through @get (getenv in
 * netplug), into @env. PD_E_INVALID whose message names the variable. */
int cni_env_parse(enum cni_cmd cmd, const char *(*get)(const char *name), struct cni_env *env,
		  struct pd_err *err);

/* The cniVersion a reply should carry: @j's when it is a sane version string
 * (even one netplug does not support: the spec echoes the caller's),
 * otherwise CNI_VERSION_LATEST. @j may be NULL. Borrowed from @j. */
const char *cni_reply_version(const json_t *j);

/* The ADD result: @conf->prev_result (when a plugin before netplug in a chain
 * made one) with netplug's interfaces, address and routes appended, and
 * @conf->dns. A new reference. */
json_t *cni_result_json(const struct cni_conf *conf, const struct cni_add_result *r);

/* The error reply, a new string: {"cniVersion","code","msg","details"}. */
char *cni_error_json(const char *version, int code, const char *msg, const char *details);

/* The VERSION reply, a new string. */
char *cni_version_json(const char *version);

/* The address that @prev (a prevResult) gives the interface @ifname in
 * @sandbox, into @out. PD_E_NOT_FOUND when it lists none. */
int cni_prev_address(const json_t *prev, const char *ifname, const char *sandbox,
		     struct ip4_net *out, struct pd_err *err);

/* The host end's name for the attachment (@id, @ifname): "vp" and 12 hex
 * digits of a hash, so DEL and GC find it again from the pair alone. */
void cni_host_ifname(const char *id, const char *ifname, char out[IFNAMSIZ]);

/* True when @name has the shape cni_host_ifname() gives. */
bool cni_is_host_ifname(const char *name);

/* Check an interface name as Linux and the spec want it: 1..15 bytes, not
 * "." or "..", no '/', ':' or white space. @what names it in the message. */
int cni_ifname_validate(const char *name, const char *what, struct pd_err *err);
