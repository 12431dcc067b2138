/* SPDX-License-Identifier: Apache-2.0 */
/*
 * State paths (see paths.h): one builder, so that the layout is written
 * down once.
 */
#include "paths.h"

#include <stdio.h>

#include "podd.h"
#include "xalloc.h"

static char *
build(const char *base, const char *kind, const char *name, const char *sub)
{
	if (sub == NULL)
		return xasprintf("%s/%s/%s", base, kind, name);
	return xasprintf("%s/%s/%s/%s", base, kind, name, sub);
}

char *
paths_ctr_root(const struct podd *d, const char *name, const char *sub)
{
	return build(d->cfg.root, "containers", name, sub);
}

char *
paths_ctr_run(const struct podd *d, const char *name, const char *sub)
{
	return build(d->cfg.run_dir, "containers", name, sub);
}

int
paths_pod_run(const struct podd *d, const char *id, const char *sub, char *buf, size_t len)
{
	int n = sub == NULL ? snprintf(buf, len, "%s/pods/%s", d->cfg.run_dir, id)
			    : snprintf(buf, len, "%s/pods/%s/%s", d->cfg.run_dir, id, sub);

	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}
