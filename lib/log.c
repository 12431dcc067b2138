/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The log writer. One write(2) per line, so lines of concurrent processes
 * sharing a stderr do not interleave.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "timefmt.h"

enum pd_log_level pd_log_level = PD_LOG_INFO;

static const char *log_prog = "podd";

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void
pd_log_init(const char *prog)
{
	log_prog = prog;
}

int
pd_log_level_parse(const char *s, enum pd_log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*level = (enum pd_log_level)i;
			return 0;
		}
	}
	return -1;
}

void
pd_log(enum pd_log_level level, const char *fmt, ...)
{
	char line[1024];
	char ts[PD_TIME_RFC3339_MAX];
	int saved = errno;
	va_list ap;
	int n, m;

	if (level > pd_log_level)
		return;
	pd_time_rfc3339_now(ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s %s[%d] %s: ", ts, log_prog, (int)getpid(),
		     level_names[level]);
	if (n < 0 || n >= (int)sizeof(line))
		goto out;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		goto out;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* Best effort: there is nowhere to report a failed log write. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		goto out;
out:
	errno = saved;
}
