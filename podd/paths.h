/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every path of podd's state, built in one place. Two trees:
 *
 *   <root>/containers/<id>/...   records, logs, writable layers (durable)
 *   <run>/containers/<id>/...    a running container's files, held namespaces
 *   <run>/pods/<id>/{net,ipc,uts} a pod's held namespaces
 *
 * @name is an id or a directory name podd made (".rm-ID", ".import-ID");
 * @sub, when not NULL, a path below it ("ns/net", "rootfs").
 */
#pragma once

#include <stddef.h>

struct podd;

/* "<root>/containers/@name[/@sub]", allocated. */
char *paths_ctr_root(const struct podd *d, const char *name, const char *sub);

/* "<run>/containers/@name[/@sub]", allocated. */
char *paths_ctr_run(const struct podd *d, const char *name, const char *sub);

/* "<run>/pods/@id[/@sub]" into @buf; -1 when it does not fit. */
int paths_pod_run(const struct podd *d, const char *id, const char *sub, char *buf, size_t len);
