/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation that aborts on out-of-memory: the programs are small and cannot
 * do anything useful without memory, so every caller is spared a NULL check.
 */
#pragma once

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
