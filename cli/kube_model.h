/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kubernetes manifests → podd's /v1 bodies (`podctl kube play`). Pure: the
 * documents of a YAML stream (cli/kube_yaml.h) in; out, the plan of what to
 * create, in order, and the warnings. Nothing here talks to podd.
 *
 * Kinds: v1 Pod; the pod template of apps/v1 Deployment, ReplicaSet,
 * StatefulSet and DaemonSet (replicas → pods NAME-0, NAME-1, ...; a
 * DaemonSet has one) and of batch/v1 Job (NAME-0); v1 ConfigMap and Secret,
 * which feed configMap/secret volumes, env valueFrom and envFrom (from the
 * same stream or --configmap files). The fields Kubernetes would refuse are
 * errors naming their path ("spec.containers[0].name: Required value");
 * a field podd does not model is a warning naming its path ("...: not
 * supported, ignored"), an error with strict; fields kept but not enforced
 * yet (privileged, allowPrivilegeEscalation, hostUsers, resources,
 * subdomain) are warned about as such.
 *
 * The plan, one entry per pod to make:
 *   {"name": POD, "pod": <POST /v1/pods body>,
 *    "containers": [<POST /v1/containers body, "start": false>, ...]  init
 *                  containers (role init or sidecar) first, then the app's,
 *                  each in manifest order,
 *    "pulls": [{"image": REF, "policy": "Always"|"IfNotPresent"|"Never",
 *               "explicit": bool}]  one per distinct image, first use's policy,
 *    "claims": [NAME...]  the podd volumes its persistentVolumeClaims name}
 * A container's podd name is POD-NAME (podd's container names are global).
 * The pod's "kube" object records where it came from: {"kind",
 * "api_version", "name" (the document's), "namespace", "replica"}; podctl
 * adds "created_volumes" when it makes the claims' volumes. A container's
 * "kube" object keeps what its record cannot give back: {"name" (the
 * manifest's), "command", "args" (as written, before the image's
 * entrypoint is applied), "env" (the manifest's env, valueFrom resolved),
 * "image" (as written), "image_pull_policy" (when written), the probes
 * (as sent)}.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "err.h"

#define KUBE_MAX_REPLICAS 64
#define KUBE_MAX_PODS     256

struct kube_plan {
	json_t *pods;     /* array, as above */
	json_t *warnings; /* array of strings "DOC: PATH: what" */
};

/* Plan the documents of @docs (an array of objects; ConfigMap and Secret
 * documents of @extra, an array or NULL, are known too). With @strict a
 * warning is an error. On success @plan holds new references (clear it
 * with kube_plan_clear()). PD_E_INVALID with "KIND \"NAME\": PATH: reason"
 * for the first error, nothing in @plan. Returns 0 or -1. */
int kube_plan_make(const json_t *docs, const json_t *extra, bool strict, struct kube_plan *plan,
		   struct pd_err *err);

void kube_plan_clear(struct kube_plan *plan);

/* RFC 1123 label (a container's, a volume's name): [a-z0-9]([-a-z0-9]*
 * [a-z0-9])?, at most 63 bytes. */
bool kube_dns_label(const char *s);

/* RFC 1123 subdomain (a pod's name): dot-separated labels, at most 253. */
bool kube_dns_subdomain(const char *s);
