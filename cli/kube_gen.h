/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd's records → a Kubernetes manifest (`podctl kube generate`). Pure:
 * the pod's JSON (GET /v1/pods/X) and its containers' (GET
 * /v1/containers/Y) in, the documents out, in the order to apply them:
 * the ConfigMaps and Secrets its volumes need (by name), then a v1 Pod or
 * an apps/v1 Deployment of one replica.
 *
 * What the records cannot say, the containers' "kube" objects (written by
 * kube play, kube_model.h) give back: the manifest's container names, its
 * command and args before the image's entrypoint was applied, its env. A
 * container podctl run made has none: its command is the one it runs, its
 * env what differs from its image's. Everything is emitted in a fixed
 * order (Kubernetes' own order of fields, lists in the records' order,
 * maps sorted), so generate → play → generate gives the same text.
 */
#pragma once

#include <jansson.h>

#include "err.h"

/* The documents (a new array) for @pod (NULL: the containers are not in a
 * pod, and the first one names the Pod) and @ctrs (an array of container
 * objects). @type: "pod" or "deployment". PD_E_INVALID for a record this
 * cannot express (no container). */
json_t *kube_generate(const json_t *pod, const json_t *ctrs, const char *type, struct pd_err *err);
