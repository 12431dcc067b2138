/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl's --filter KEY=VALUE on ps, pod ls, images, network ls and volume
 * ls, with docker's keys and semantics (lib/filters.h): parsed into
 * {"KEY": ["VALUE", ...]} and matched against the objects of podd's /v1
 * lists, the ones the tables are made of. Pure: JSON in, a decision out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "err.h"

enum filter_list {
	FILTER_CONTAINERS, /* id name label status pod ancestor exited network health */
	FILTER_PODS,       /* id name label status */
	FILTER_IMAGES,     /* reference label dangling before since */
	FILTER_NETWORKS,   /* name id label driver dangling type */
	FILTER_VOLUMES,    /* name label dangling driver */
};

/* The @n "KEY=VALUE" strings of @values as {"KEY": ["VALUE"...]} (a new
 * object; empty for none). PD_E_INVALID "invalid filter 'KEY'" for a key
 * @list does not know, and for a value a key cannot take (a status that is
 * no state, a dangling that is not a boolean, an exit code that is not a
 * number). Returns NULL then. */
json_t *filter_parse(enum filter_list list, const char *const *values, size_t n,
		     struct pd_err *err);

/* Whether @obj, an element of @list's /v1 array @all (for images' before
 * and since, which name another image), passes every filter of @filters. */
bool filter_match(enum filter_list list, const json_t *filters, const json_t *obj,
		  const json_t *all);

/* Drop from the array @arr the elements that do not pass @filters. */
void filter_apply(enum filter_list list, const json_t *filters, json_t *arr);
