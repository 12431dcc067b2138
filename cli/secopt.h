/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --security-opt (issue 13): docker's forms, sent as podd's "security_opt"
 * (lib/api.h). "seccomp=FILE" is read here, as docker's CLI does: podd gets
 * the profile's text ("seccomp=unconfined" and "seccomp=builtin" pass as
 * they are). podd checks every option and the profile.
 */
#pragma once

#include <jansson.h>

#include "err.h"
#include "flags.h"

/* The values of @v onto @body's "security_opt". */
int secopt_body(json_t *body, const struct flag_value *v, struct pd_err *err);
