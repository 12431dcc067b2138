/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing docker's security options; see security_opt.h.
 */
#include "security_opt.h"

#include <string.h>

#include "api.h"
#include "json.h"
#include "seccomp_profile.h"
#include "shim.h"

#define SEC_SECCOMP_PRE  "seccomp="
#define SEC_NNP          "no-new-privileges"
#define SEC_SHOWN_CUSTOM "seccomp=<custom>"
#define SEC_F_OPT        PD_F_SECURITY_OPT
#define SEC_F_SECCOMP    PD_F_SECCOMP
#define SEC_F_NNP        PD_F_NO_NEW_PRIVILEGES
#define SEC_F_PROFILE    "seccomp_profile"

static const char *const seccomp_names[] = {
    [SEC_SECCOMP_DEFAULT] = "default",
    [SEC_SECCOMP_UNCONFINED] = "unconfined",
    [SEC_SECCOMP_CUSTOM] = "custom",
};

const char *
security_opt_seccomp_name(enum sec_seccomp m)
{
	return seccomp_names[m];
}

/* A profile's text: JSON, an object, in docker's format. */
static int
profile_parse(const char *text, struct security_opt *s, struct pd_err *err)
{
	struct pd_sc_profile p;
	json_t *j = pd_json_load(text, strlen(text), PD_SC_PROFILE_MAX, err);
	int r;

	if (j == NULL)
		return pd_err_prefix(err, "seccomp profile");
	r = pd_sc_profile_parse(j, &p, err);
	pd_sc_profile_clear(&p);
	if (r < 0) {
		json_decref(j);
		return pd_err_prefix(err, "seccomp profile");
	}
	json_decref(s->profile);
	s->profile = j;
	s->seccomp = SEC_SECCOMP_CUSTOM;
	return 0;
}

/* "no-new-privileges", with ":BOOL" or "=BOOL". */
static int
nnp_parse(const char *opt, bool *on, struct pd_err *err)
{
	const char *v = opt + strlen(SEC_NNP);

	if (*v == '\0') {
		*on = true;
		return 0;
	}
	if ((*v == ':' || *v == '=') &&
	    (strcmp(v + 1, "true") == 0 || strcmp(v + 1, "false") == 0)) {
		*on = v[1] == 't';
		return 0;
	}
	return pd_fail(err, PD_E_INVALID,
		       "security_opt \"%.64s\": use no-new-privileges, no-new-privileges:true or "
		       "no-new-privileges:false",
		       opt);
}

static int
opt_parse(const char *opt, struct security_opt *s, bool *nnp, struct pd_err *err)
{
	size_t pre = strlen(SEC_SECCOMP_PRE);

	if (strncmp(opt, SEC_NNP, strlen(SEC_NNP)) == 0) {
		if (nnp_parse(opt, nnp, err) < 0)
			return -1;
		json_array_append_new(s->shown, json_string(opt));
		return 0;
	}
	if (strncmp(opt, SEC_SECCOMP_PRE, pre) != 0)
		return pd_fail(err, PD_E_INVALID,
			       "security_opt \"%.64s\" is not supported (use seccomp=unconfined, "
			       "seccomp=PROFILE.json or no-new-privileges)",
			       opt);
	json_decref(s->profile);
	s->profile = NULL;
	if (strcmp(opt + pre, "unconfined") == 0) {
		s->seccomp = SEC_SECCOMP_UNCONFINED;
	} else if (strcmp(opt + pre, "builtin") == 0) {
		s->seccomp = SEC_SECCOMP_DEFAULT;
	} else {
		/* Anything else is the profile's text, as docker's daemon
		 * takes it (its CLI and podctl read the file). */
		if (profile_parse(opt + pre, s, err) < 0)
			return -1;
		json_array_append_new(s->shown, json_string(SEC_SHOWN_CUSTOM));
		return 0;
	}
	json_array_append_new(s->shown, json_string(opt));
	return 0;
}

int
security_opt_parse(const json_t *list, bool no_escalation, struct security_opt *s,
		   struct pd_err *err)
{
	bool nnp = false;
	json_t *v;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->shown = json_array();
	if (list != NULL && !json_is_null(list)) {
		if (!json_is_array(list))
			return pd_fail(err, PD_E_INVALID,
				       "field \"%s\" must be an array of strings", SEC_F_OPT);
		if (json_array_size(list) > SEC_OPT_MAX)
			return pd_fail(err, PD_E_INVALID, "field \"%s\" has more than %d items",
				       SEC_F_OPT, SEC_OPT_MAX);
		json_array_foreach (list, i, v) {
			if (!json_is_string(v) ||
			    strlen(json_string_value(v)) != json_string_length(v))
				return pd_fail(err, PD_E_INVALID,
					       "field \"%s\" must be an array of strings",
					       SEC_F_OPT);
			if (opt_parse(json_string_value(v), s, &nnp, err) < 0)
				return -1;
		}
	}
	s->no_new_privs = nnp || no_escalation;
	return 0;
}

void
security_opt_clear(struct security_opt *s)
{
	json_decref(s->profile);
	json_decref(s->shown);
	s->profile = s->shown = NULL;
}

void
security_opt_to_json(const struct security_opt *s, json_t *j)
{
	json_object_set_new(j, SEC_F_OPT,
			    s->shown != NULL ? json_deep_copy(s->shown) : json_array());
	json_object_set_new(j, SEC_F_SECCOMP, json_string(seccomp_names[s->seccomp]));
	json_object_set_new(j, SEC_F_NNP, json_boolean(s->no_new_privs));
}

void
security_opt_to_record(const struct security_opt *s, json_t *j)
{
	security_opt_to_json(s, j);
	if (s->profile != NULL)
		json_object_set(j, SEC_F_PROFILE, s->profile);
}

void
security_opt_record_strip(json_t *rest)
{
	json_object_del(rest, SEC_F_OPT);
	json_object_del(rest, SEC_F_SECCOMP);
	json_object_del(rest, SEC_F_NNP);
	json_object_del(rest, SEC_F_PROFILE);
}

int
security_opt_from_record(const json_t *j, struct security_opt *s, struct pd_err *err)
{
	json_t *shown = json_object_get(j, SEC_F_OPT);
	json_t *mode = json_object_get(j, SEC_F_SECCOMP);
	json_t *nnp = json_object_get(j, SEC_F_NNP);
	json_t *profile = json_object_get(j, SEC_F_PROFILE);
	int m = SEC_SECCOMP_DEFAULT;

	memset(s, 0, sizeof(*s));
	if (mode != NULL) {
		for (m = 0; m <= SEC_SECCOMP_CUSTOM; m++)
			if (json_is_string(mode) &&
			    strcmp(json_string_value(mode), seccomp_names[m]) == 0)
				break;
		if (m > SEC_SECCOMP_CUSTOM)
			return pd_fail(err, PD_E_INVALID, "bad container record: bad %s",
				       SEC_F_SECCOMP);
	}
	if ((shown != NULL && !json_is_array(shown)) || (nnp != NULL && !json_is_boolean(nnp)) ||
	    ((m == SEC_SECCOMP_CUSTOM) != (profile != NULL)) ||
	    (profile != NULL && !json_is_object(profile)))
		return pd_fail(err, PD_E_INVALID, "bad container record: bad security options");
	s->seccomp = (enum sec_seccomp)m;
	s->no_new_privs = json_is_true(nnp);
	s->shown = shown != NULL ? json_deep_copy(shown) : json_array();
	s->profile = profile != NULL ? json_deep_copy(profile) : NULL;
	return 0;
}

json_t *
security_opt_shim_seccomp(const struct security_opt *s)
{
	switch (s->seccomp) {
	case SEC_SECCOMP_DEFAULT:
		return json_string(PD_SHIM_SECCOMP_DEFAULT);
	case SEC_SECCOMP_CUSTOM:
		return json_incref(s->profile);
	case SEC_SECCOMP_UNCONFINED:
		break;
	}
	return NULL;
}
