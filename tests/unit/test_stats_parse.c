/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/stats_parse (issue 13, observe): the kernel's stats files as the
 * kernel writes them (memory.stat, cpu.stat, memory.oom_control,
 * blkio.throttle.io_service_bytes, io.stat, /proc/stat, /proc/PID/net/dev,
 * /proc/PID/stat, cmdline) and docker's CPU % and ps's columns.
 */
#include <string.h>

#include "stats_parse.h"
#include "unit.h"

static void
test_kv_and_numbers(void)
{
	const char *stat = "cache 4096\nrss 8192\ntotal_inactive_file 12288\ninactive_file 1\n";
	const char *oom = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n";
	long long v = 0;

	CHECK_INT(stats_kv_get(stat, "total_inactive_file", &v), ==, 0);
	CHECK_INT(v, ==, 12288);
	CHECK_INT(stats_kv_get(stat, "inactive_file", &v), ==, 0);
	CHECK_INT(v, ==, 1);
	CHECK_INT(stats_kv_get(stat, "rss_huge", &v), ==, -1);
	CHECK_INT(stats_kv_get(oom, "oom_kill", &v), ==, 0);
	CHECK_INT(v, ==, 2);
	CHECK_INT(stats_kv_get("", "x", &v), ==, -1);
	CHECK_INT(stats_number("max\n", &v), ==, 0);
	CHECK_INT(v, ==, -1);
	CHECK_INT(stats_number("9223372036854771712\n", &v), ==, 0);
	CHECK_INT(v, ==, 9223372036854771712LL);
	CHECK_INT(stats_number("garbage", &v), ==, -1);
}

static void
test_block_io(void)
{
	const char *v1 = "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n"
			 "8:0 Total 12288\n8:16 Read 1\n8:16 Write 2\nTotal 12291\n";
	const char *v2 = "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n"
			 "253:1 rbytes=5 wbytes=7 rios=1 wios=1\n";
	long long r = -1, w = -1;

	stats_blkio_v1(v1, &r, &w);
	CHECK_INT(r, ==, 4097);
	CHECK_INT(w, ==, 8194);
	stats_io_v2(v2, &r, &w);
	CHECK_INT(r, ==, 105);
	CHECK_INT(w, ==, 207);
	stats_blkio_v1("", &r, &w);
	CHECK_INT(r + w, ==, 0);
}

static void
test_net_dev(void)
{
	const char *text =
	    "Inter-|   Receive                                                |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
	    "errs drop fifo colls carrier compressed\n"
	    "    lo:    1000      10    0    0    0     0          0         0     1000      10 "
	    "   0    0    0     0       0          0\n"
	    "  eth0:    5000      50    0    0    0     0          0         0     3000      30 "
	    "   0    0    0     0       0          0\n";
	long long rx = 0, tx = 0;
	json_t *j = stats_net_dev(text, &rx, &tx);

	CHECK_INT(rx, ==, 5000);
	CHECK_INT(tx, ==, 3000);
	CHECK(json_object_get(j, "lo") == NULL);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "eth0"), "tx_packets")), ==,
		  30);
	json_decref(j);
}

static void
test_cpu(void)
{
	const char *stat = "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n";

	CHECK_INT(stats_system_ns(stat, 100), ==, 1000LL * 10000000LL);
	CHECK_INT(stats_system_ns("intr 1 2", 100), ==, -1);
	/* one CPU of two busy for the whole interval: 100% */
	CHECK(stats_cpu_percent(1000000000LL, 2000000000LL, 2) > 99.9);
	CHECK(stats_cpu_percent(1000000000LL, 2000000000LL, 2) < 100.1);
	CHECK(stats_cpu_percent(0, 10, 2) == 0.0);
	CHECK(stats_cpu_percent(10, 0, 2) == 0.0);
}

static void
test_top(void)
{
	/* a comm with spaces and a parenthesis */
	const char *stat = "4242 (my (odd) cmd) S 4200 4242 4242 34817 4242 4194560 100 0 0 0 "
			   "150 50 0 0 20 0 1 0 12345 1000 100 18446744073709551615\n";
	struct top_proc p;
	char buf[32];
	char cmd[] = "sleep\0"
		     "100\0";
	char *s;

	REQUIRE(top_parse_stat(stat, &p) == 0);
	CHECK_STR(p.comm, ==, "my (odd) cmd");
	CHECK_INT(p.ppid, ==, 4200);
	CHECK_INT(p.cpu, ==, 200);
	CHECK_INT(p.start, ==, 12345);
	top_tty_name(p.tty_nr, buf, sizeof(buf));
	CHECK_STR(buf, ==, "pts/1");
	top_tty_name(0, buf, sizeof(buf));
	CHECK_STR(buf, ==, "?");
	CHECK_INT(top_parse_stat("42 (x) S", &p), ==, -1);
	top_cpu_time(3725, buf, sizeof(buf));
	CHECK_STR(buf, ==, "01:02:05");
	top_cpu_time(90000, buf, sizeof(buf));
	CHECK_STR(buf, ==, "1-01:00:00");
	CHECK_INT(top_cpu_use(50, 100), ==, 50);
	CHECK_INT(top_cpu_use(5, 0), ==, 0);
	s = top_cmdline(cmd, sizeof(cmd) - 1, "sleep");
	CHECK_STR(s, ==, "sleep 100");
	free(s);
	s = top_cmdline("", 0, "kworker");
	CHECK_STR(s, ==, "[kworker]");
	free(s);
}

static const struct unit_case cases[] = {
    {"kv_and_numbers", test_kv_and_numbers},
    {"block_io", test_block_io},
    {"net_dev", test_net_dev},
    {"cpu", test_cpu},
    {"top", test_top},
};

UNIT_MAIN(cases)
