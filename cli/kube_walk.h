/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The manifest walk's shared parts, inside podctl's kube model only
 * (kube_model.h is the interface): the walk's context, which holds the
 * path of the field at hand, pushed and popped as the walk goes, and the
 * first error or the warnings; typed getters that name the field at fault;
 * and the walks of the parts of a pod, one file each: kube_env.c
 * (ConfigMaps, Secrets, env), kube_container.c (containers, probes),
 * kube_volume.c (volumes). Each walk checks the fields it models, as
 * Kubernetes' validation does (k8s.io/kubernetes pkg/apis/core/validation),
 * and reports the others by path.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "kube_model.h"

#define KW_PATH_MAX 384

struct ctx {
	struct pd_err *err;
	json_t *warnings; /* borrowed: the plan's */
	bool strict;
	char what[128]; /* "Pod \"web\"" */
	char path[KW_PATH_MAX];
	size_t plen;
	json_t *configmaps; /* name → {"data": {key: base64}} */
	json_t *secrets;    /* likewise */
};

/* What the walk of a pod's containers shares (kube_model.c fills it). */
struct pod_build {
	const char *pod;       /* the podd pod name */
	const json_t *meta;    /* the pod's metadata (labels for fieldRef) */
	const json_t *volumes; /* the pod's volume names → type */
	json_t *publish;       /* the pod body's "ports" */
	bool host_network;
	long long pod_uid, pod_gid;
	json_t *names;      /* container names seen */
	json_t *pulls;      /* the plan's pulls */
	const char *policy; /* the pod's restartPolicy */
	/* issue 13: the pod's securityContext.seccompProfile as podd's
	 * security_opt ("seccomp=unconfined"), or NULL: the default. */
	const char *seccomp;
};

/* issue 13: a securityContext's seccompProfile: RuntimeDefault (NULL in
 * *opt: podd's default, docker's profile) or Unconfined
 * ("seccomp=unconfined"); Localhost is refused (give the profile with
 * podctl run --security-opt). Absent: *opt untouched. */
int kw_seccomp_profile(struct ctx *c, const json_t *sc, const char **opt);

/* ---- kube_walk.c: paths, errors, warnings, getters, names ---- */

/* Append to the path (printf); returns the length to pop back to. */
size_t kw_path_push(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kw_path_pop(struct ctx *c, size_t saved);
/* Append ".key" (or "key" at the root). */
size_t kw_path_key(struct ctx *c, const char *key);
/* PD_E_INVALID "WHAT: PATH: message" once, in c->err; returns -1. */
int kw_fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kw_fail_key(struct ctx *c, const char *key, const char *msg);
/* A warning about @key, or with strict an error (-1). */
int kw_warn_key(struct ctx *c, const char *key, const char *msg);
bool kw_empty_value(const json_t *v);
bool kw_in_list(const char *key, const char *const *list);
/* Warn about every key of @obj neither in @known nor in @quiet nor empty. */
int kw_check_fields(struct ctx *c, const json_t *obj, const char *const *known,
		    const char *const *quiet);
/* Typed getters: absent (or null) is fine (*out NULL, -1 for bool and int);
 * a wrong type or a value out of range is an error naming the field. */
int kw_get_obj(struct ctx *c, const json_t *o, const char *key, const json_t **out);
int kw_get_arr(struct ctx *c, const json_t *o, const char *key, const json_t **out);
int kw_get_str(struct ctx *c, const json_t *o, const char *key, const char **out);
int kw_get_bool(struct ctx *c, const json_t *o, const char *key, int *out);
int kw_get_int(struct ctx *c, const json_t *o, const char *key, long long min, long long max,
	       long long *out);
/* A list of strings, copied into *out (a new reference, NULL when absent). */
int kw_get_strings(struct ctx *c, const json_t *o, const char *key, json_t **out);
bool kw_port_name_ok(const char *s);
/* metadata.labels or .annotations: an object of strings, copied. */
int kw_string_map(struct ctx *c, const json_t *meta, const char *key, bool labels, json_t **out);
/* The keys of @o sorted, Go's order of a map's (a new array). */
json_t *kw_sorted_keys(const json_t *o);

/* ---- kube_env.c: ConfigMaps, Secrets, env ---- */

/* Keep a ConfigMap or Secret document (its keys' content as base64). */
int kw_keep_data_doc(struct ctx *c, const json_t *doc, bool secret);
/* The base64 content of @key of ConfigMap/Secret @name or NULL; *found
 * says whether the object exists. */
const char *kw_data_lookup(const struct ctx *c, bool secret, const char *name, const char *key,
			   bool *found);
/* Kubernetes' $(VAR) expansion over @env (an ordered object): a new string. */
char *kw_expand_vars(const char *in, const json_t *env);
/* envFrom, then env, of container @ctr into @env (ordered NAME → value). */
int kw_container_env(struct ctx *c, const json_t *ctr, const json_t *meta_pod, json_t *env);

/* ---- kube_container.c ---- */

/* One container of the manifest → its create body (a new reference), or
 * NULL. @kind: "app" or "init". */
json_t *kw_container(struct ctx *c, const json_t *ctr, struct pod_build *pb, const char *kind);

/* ---- kube_volume.c ---- */

/* One volume of the pod spec → its pod volume (contract §3), a new
 * reference, or NULL; a claim's name is added to @claims. */
json_t *kw_volume(struct ctx *c, const json_t *vol, json_t *claims);
