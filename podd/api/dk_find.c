/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Docker's references to podd's objects: a container by id, unique id
 * prefix, name or "/name" (docker's names begin with '/').
 */
#include "container.h"
#include "dk.h"

struct container *
dk_container(struct dk_req *r, const char *ref)
{
	struct pd_err err = {0};
	struct container *c;

	if (ref[0] == '/' && ref[1] != '\0')
		ref++;
	c = container_find(dk_podd(r), ref, &err);
	if (c != NULL)
		return c;
	if (err.kind == PD_E_NOT_FOUND)
		dk_reply_error(r, 404, "No such container: %s", ref);
	else
		dk_reply_err(r, &err);
	return NULL;
}
