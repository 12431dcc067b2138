/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's "security_opt" (docker's --security-opt), checked, and what
 * it makes of the container: its seccomp profile and no_new_privs. Pure:
 * unit-tested and fuzzed with ctr_spec.
 *
 * Forms taken, as docker's: "seccomp=unconfined" (no filter),
 * "seccomp=builtin" (the default), "seccomp=PROFILE" with PROFILE a
 * profile's JSON text (podctl reads the file, as docker's CLI does; checked
 * by lib/seccomp_profile.h), "no-new-privileges" and
 * "no-new-privileges:true|false" or "=true|false". Anything else (apparmor=,
 * label=, systempaths=...) is refused naming it. The last seccomp= wins.
 * Without one the container gets the built-in profile (docker's default);
 * no_new_privs is off unless asked for, or the create body has
 * "allow_privilege_escalation": false (Kubernetes).
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

#define SEC_OPT_MAX 16 /* items of "security_opt" */

enum sec_seccomp { SEC_SECCOMP_DEFAULT, SEC_SECCOMP_UNCONFINED, SEC_SECCOMP_CUSTOM };

struct security_opt {
	enum sec_seccomp seccomp;
	json_t *profile;   /* owned: SEC_SECCOMP_CUSTOM's profile object, else NULL */
	bool no_new_privs; /* in force: asked for, or allow_privilege_escalation false */
	json_t *shown;     /* owned: the options as inspect shows them (a profile
			    * shortened to "seccomp=<custom>"), never NULL once parsed */
};

/* The create body's "security_opt" (@list may be NULL: absent) into @s,
 * with @no_escalation the body's allow_privilege_escalation false. Release
 * with security_opt_clear even on failure. */
int security_opt_parse(const json_t *list, bool no_escalation, struct security_opt *s,
		       struct pd_err *err);
void security_opt_clear(struct security_opt *s);

/* "default", "unconfined" or "custom". */
const char *security_opt_seccomp_name(enum sec_seccomp m);

/* Inspect's keys on @j: "security_opt", "seccomp", "no_new_privileges". */
void security_opt_to_json(const struct security_opt *s, json_t *j);

/* The record: inspect's keys plus "seccomp_profile" (custom only). */
void security_opt_to_record(const struct security_opt *s, json_t *j);

/* The same keys of the record @j into @s (release with security_opt_clear
 * even on failure); a record without them (older than seccomp) gets the
 * defaults. security_opt_record_strip removes them from @rest, a copy. */
int security_opt_from_record(const json_t *j, struct security_opt *s, struct pd_err *err);
void security_opt_record_strip(json_t *rest);

/* The shim spec's "seccomp" value (lib/shim.h): a new reference, or NULL
 * for none; "no_new_privs" is s->no_new_privs. */
json_t *security_opt_shim_seccomp(const struct security_opt *s);
