/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML in and out for `podctl kube`, over libyaml (Debian's libyaml-dev): a
 * multi-document stream becomes jansson values, and jansson values become
 * block YAML. Nothing here knows Kubernetes; nothing here parses YAML by
 * hand (libyaml does the syntax, this file only the typing of scalars).
 *
 * Scalars are typed as sigs.k8s.io/yaml (go-yaml v2, what kubectl reads
 * manifests with) types them, YAML 1.1 style: a plain scalar is null
 * ("", "~", null/Null/NULL), a bool (true/false, yes/no, on/off, y/n in
 * their three cases), an int (decimal, 0x hex, 0o or leading-0 octal, 0b
 * binary, '_' separators), a float (1.5, 1e3; .inf and .nan are refused:
 * JSON has no such numbers), else a string. A quoted or block scalar, or one
 * tagged !!str, is always a string. Anchors and aliases are resolved (an
 * alias is a copy), "<<" merge keys are applied, keys must be scalars and
 * unique. Limits: KUBE_YAML_MAX_BYTES of input, KUBE_YAML_MAX_DEPTH of nesting,
 * KUBE_YAML_MAX_NODES nodes once aliases are expanded (the "billion laughs").
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "err.h"

#define KUBE_YAML_MAX_BYTES ((size_t)4 * 1024 * 1024)
#define KUBE_YAML_MAX_DEPTH 64
#define KUBE_YAML_MAX_NODES 200000
#define KUBE_YAML_MAX_DOCS  1000

/* Parse the YAML stream @buf (@len bytes) into a new array of its
 * documents, in order; empty documents (nothing, or only comments, or
 * null) are left out. PD_E_INVALID with "line L column C: cause" for a
 * syntax error, an unsupported construct or a limit; PD_E_TOO_LARGE over
 * KUBE_YAML_MAX_BYTES. Returns NULL on error. */
json_t *kube_yaml_load_all(const char *buf, size_t len, struct pd_err *err);

/* Emit the documents of the array @docs as a block YAML stream ("---"
 * between documents), keys in the objects' own order, strings quoted where
 * a plain scalar would read back as another type, multi-line strings as
 * literal blocks. Returns a new NUL-terminated string, or NULL with
 * PD_E_INVALID for a value YAML cannot hold (a non-finite real). */
char *kube_yaml_dump_all(const json_t *docs, struct pd_err *err);

/* The type a plain scalar @s would have: JSON_NULL, JSON_TRUE, JSON_FALSE,
 * JSON_INTEGER, JSON_REAL or JSON_STRING. With @out not NULL, *out is the
 * value (a new reference; NULL for a float YAML cannot give JSON). */
json_type kube_yaml_plain_type(const char *s, size_t len, json_t **out);
