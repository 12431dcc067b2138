/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leveled logging: one line per event on stderr,
 *   <RFC3339Nano> <prog>[<pid>] <level>: <message>
 * The level is checked before anything is formatted and errno is preserved,
 * so a log call never changes what the caller is about to report.
 */
#pragma once

#include <stdbool.h>

enum pd_log_level { PD_LOG_ERROR, PD_LOG_WARN, PD_LOG_INFO, PD_LOG_DEBUG };

/* The one mutable global of the project: the threshold. */
extern enum pd_log_level pd_log_level;

/* Name the program in every line (borrowed: must outlive logging). */
void pd_log_init(const char *prog);

/* Parse "error", "warn", "info" or "debug" into @level; < 0 if unknown. */
int pd_log_level_parse(const char *s, enum pd_log_level *level);

void pd_log(enum pd_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) pd_log(PD_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  pd_log(PD_LOG_WARN, __VA_ARGS__)
#define log_info(...)  pd_log(PD_LOG_INFO, __VA_ARGS__)
#define log_debug(...) pd_log(PD_LOG_DEBUG, __VA_ARGS__)
