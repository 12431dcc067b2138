/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The published-ports relay's costs for `make bench`, on 127.0.0.1 only:
 * each figure through podd's proxy (podd/proxy.c, in a process of its own
 * running a libevent loop, as in podd) and directly to the same server, in
 * the same run, so the ratio is the proxy's cost. Prints bench.sh's `row`
 * lines: the median with min-max over RUNS runs.
 *
 *   bench-proxy [RUNS [MIB [CONNS [DATAGRAMS]]]]
 *
 *   TCP throughput: MIB MiB sent on one connection, then shutdown; the
 *     server acknowledges the whole count (default 256 MiB).
 *   TCP connection rate: CONNS times connect, 1 byte each way, close
 *     (default 2000).
 *   UDP: DATAGRAMS request/reply round trips of 64 bytes, one at a time,
 *     from one client (default 20000).
 *
 * Measured, never asserted: it fails only if a transfer goes wrong.
 *
 * The same server and clients serve tests/bench/ports.sh, which measures
 * a pod's published port through podd itself (DNAT from another namespace,
 * the proxy from the host, the pod's address directly):
 *
 *   bench-proxy serve SINK PING    the TCP servers on 0.0.0.0 (until killed)
 *   bench-proxy tput ADDR PORT MIB one throughput figure (MiB/s)
 *   bench-proxy conns ADDR PORT N  one connection rate figure (conn/s)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "fd.h"
#include "parse.h"
#include "proxy.h"

#define CHUNK (1024 * 1024)

struct ports {
	uint16_t sink, ping, udp; /* the server's: TCP sink, TCP ping, UDP echo */
};

static _Noreturn void
die(const char *what)
{
	(void)fprintf(stderr, "bench-proxy: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_in
lo_addr(uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

static int
lo_socket(int type, uint16_t *port)
{
	struct sockaddr_in sa = lo_addr(0);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		die("server socket");
	*port = ntohs(sa.sin_port);
	return fd;
}

/* ---- the server --------------------------------------------------------- */

/* Read to EOF, answer with the byte count (8 bytes), close. */
static void
serve_sink(int fd)
{
	static char buf[CHUNK];
	unsigned long long total = 0;
	struct pd_err err = {0};
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (unsigned long long)n;
	(void)pd_fd_write_all(fd, &total, sizeof(total), &err);
}

/* One byte in, one byte out, close. */
static void
serve_ping(int fd)
{
	struct pd_err err = {0};
	char c;

	if (read(fd, &c, 1) == 1)
		(void)pd_fd_write_all(fd, &c, 1, &err);
}

/* Connections one at a time (the client makes them one at a time). */
static _Noreturn void
server(int sink, int ping, int udp)
{
	struct pollfd pfd[3] = {{.fd = sink, .events = POLLIN},
				{.fd = ping, .events = POLLIN},
				{.fd = udp, .events = POLLIN}};

	for (;;) {
		if (poll(pfd, 3, -1) < 0)
			continue;
		for (int i = 0; i < 2; i++) {
			int c;

			if (!(pfd[i].revents & POLLIN) ||
			    (c = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
				continue;
			if (i == 0)
				serve_sink(c);
			else
				serve_ping(c);
			close(c);
		}
		if (pfd[2].revents & POLLIN) {
			char buf[2048];
			struct sockaddr_in from;
			socklen_t len = sizeof(from);
			ssize_t n =
			    recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);

			if (n >= 0)
				(void)sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
		}
	}
}

/* ---- the proxy ---------------------------------------------------------- */

static void
on_term(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* A proxy for @proto to 127.0.0.1:@to on a free port of 127.0.0.1. */
static struct proxy *
proxy_on_free_port(struct event_base *base, enum port_proto proto, uint16_t to, uint16_t *port)
{
	struct port_map map = {.proto = proto, .pod_port = to};
	struct in_addr lo = {.s_addr = htonl(INADDR_LOOPBACK)};
	struct pd_err err = {0};

	map.host_ip = lo;
	for (int i = 0; i < 10; i++) {
		int fd = lo_socket(proto == PORT_TCP ? SOCK_STREAM : SOCK_DGRAM, &map.host_port);
		struct proxy *p;

		close(fd);
		p = proxy_start(base, &map, lo, &err);
		if (p != NULL) {
			*port = map.host_port;
			return p;
		}
	}
	(void)fprintf(stderr, "bench-proxy: %s\n", err.msg);
	exit(1);
}

/* The proxy's process: podd's loop with only the proxies in it. Writes its
 * ports to @ready, runs until SIGTERM. */
static _Noreturn void
proxy_process(const struct ports *to, int ready)
{
	const struct sigaction ignore = {.sa_handler = SIG_IGN};
	struct event_base *base = event_base_new();
	struct proxy *p[3];
	struct event *term;
	struct ports mine;
	struct pd_err err = {0};
	sigset_t set;

	/* As podd does (proxy.h). */
	if (base == NULL)
		die("event_base_new");
	if (sigaction(SIGPIPE, &ignore, NULL) < 0)
		die("sigaction");
	term = evsignal_new(base, SIGTERM, on_term, base);
	if (term == NULL || event_add(term, NULL) < 0)
		die("evsignal_new");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	p[0] = proxy_on_free_port(base, PORT_TCP, to->sink, &mine.sink);
	p[1] = proxy_on_free_port(base, PORT_TCP, to->ping, &mine.ping);
	p[2] = proxy_on_free_port(base, PORT_UDP, to->udp, &mine.udp);
	if (pd_fd_write_all(ready, &mine, sizeof(mine), &err) < 0)
		exit(1);
	close(ready);
	event_base_dispatch(base);
	for (int i = 0; i < 3; i++)
		proxy_free(p[i]);
	event_free(term);
	event_base_free(base);
	exit(0);
}

/* ---- the client --------------------------------------------------------- */

static int
connect_to(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		die("connect");
	return fd;
}

static size_t
read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* MiB/s of @mib MiB to the sink behind @sa. */
static double
run_throughput(const struct sockaddr_in *sa, long mib)
{
	static char buf[CHUNK];
	unsigned long long acked = 0;
	struct pd_err err = {0};
	double t0 = now_s(), t;
	int fd = connect_to(sa);

	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < mib; i++) {
		if (pd_fd_write_all(fd, buf, sizeof(buf), &err) < 0) {
			(void)fprintf(stderr, "bench-proxy: %s\n", err.msg);
			exit(1);
		}
	}
	if (shutdown(fd, SHUT_WR) < 0 || read_full(fd, &acked, sizeof(acked)) != sizeof(acked) ||
	    acked != (unsigned long long)mib * (unsigned long long)CHUNK) {
		(void)fprintf(stderr, "bench-proxy: the sink got %llu bytes of %ld MiB\n", acked,
			      mib);
		exit(1);
	}
	t = now_s() - t0;
	close(fd);
	return (double)mib / t;
}

/* Connections per second: connect, 1 byte each way, close. */
static double
run_conns(const struct sockaddr_in *sa, long n)
{
	double t0 = now_s();

	for (long i = 0; i < n; i++) {
		int fd = connect_to(sa);
		char c = 'p';

		if (write(fd, &c, 1) != 1 || read_full(fd, &c, 1) != 1) {
			(void)fprintf(stderr, "bench-proxy: connection %ld of %ld failed\n", i, n);
			exit(1);
		}
		close(fd);
	}
	return (double)n / (now_s() - t0);
}

/* Round trips per second of 64-byte datagrams, one at a time. */
static double
run_udp(uint16_t port, long n)
{
	struct sockaddr_in sa = lo_addr(port);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	const struct timeval tv = {1, 0};
	char buf[64] = "ping";
	double t0;

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		die("udp client");
	t0 = now_s();
	for (long i = 0; i < n; i++) {
		if (send(fd, buf, sizeof(buf), 0) != sizeof(buf) ||
		    recv(fd, buf, sizeof(buf), 0) != sizeof(buf)) {
			(void)fprintf(stderr, "bench-proxy: datagram %ld of %ld lost\n", i, n);
			exit(1);
		}
	}
	close(fd);
	return (double)n / (now_s() - t0);
}

/* ---- figures ------------------------------------------------------------ */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* bench.sh's row: the name padded to 50, then "median (min-max)". */
static void
row(const char *name, double *v, long n)
{
	double m = median(v, n);

	printf("%-50s %.2f (%.2f-%.2f)\n", name, m, v[0], v[n - 1]);
}

static void
ratio(double *proxied, double *direct, long n)
{
	printf("%-50s %.2fx\n", "  ratio proxy / direct (medians)",
	       median(proxied, n) / median(direct, n));
}

static long
arg(int argc, char **argv, int i, long def, long max)
{
	struct pd_err err = {0};
	long long v;

	if (argc <= i)
		return def;
	if (pd_parse_int(argv[i], 1, max, &v, &err) < 0) {
		(void)fprintf(stderr, "usage: bench-proxy [RUNS [MIB [CONNS [DATAGRAMS]]]]: %s\n",
			      err.msg);
		exit(2);
	}
	return (long)v;
}

/* The modes of ports.sh (see the top); returns the exit status. */
static int
ports_mode(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};

	if (strcmp(argv[1], "serve") == 0 && argc == 4) {
		struct sockaddr_in any = {.sin_family = AF_INET};
		int fds[3];

		for (int i = 0; i < 2; i++) {
			any.sin_port = htons((uint16_t)arg(argc, argv, 2 + i, 0, 65535));
			fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&any, sizeof(any)) < 0 ||
			    listen(fds[i], SOMAXCONN) < 0)
				die("server socket");
		}
		fds[2] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fds[2] < 0)
			die("server socket");
		server(fds[0], fds[1], fds[2]);
	}
	if (argc != 5 || inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
		(void)fprintf(stderr, "usage: bench-proxy serve SINK PING | tput ADDR PORT MIB | "
				      "conns ADDR PORT N\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)arg(argc, argv, 3, 0, 65535));
	if (strcmp(argv[1], "tput") == 0)
		printf("%.2f\n", run_throughput(&sa, arg(argc, argv, 4, 0, 1 << 20)));
	else if (strcmp(argv[1], "conns") == 0)
		printf("%.2f\n", run_conns(&sa, arg(argc, argv, 4, 0, 1 << 20)));
	else
		return ports_mode(2, argv);
	return 0;
}

/* The proxy against direct connections, all on 127.0.0.1. */
static int
proxy_vs_direct(int argc, char **argv)
{
	long runs = arg(argc, argv, 1, 5, 1000), mib = arg(argc, argv, 2, 256, 1 << 20);
	long conns = arg(argc, argv, 3, 2000, 1 << 20), dgrams = arg(argc, argv, 4, 20000, 1 << 24);
	double *v[6];
	struct ports server_ports, proxy_ports;
	int sink = lo_socket(SOCK_STREAM, &server_ports.sink);
	int ping = lo_socket(SOCK_STREAM, &server_ports.ping);
	int udp = lo_socket(SOCK_DGRAM, &server_ports.udp);
	int ready[2], status;
	pid_t server_pid, proxy_pid;
	char name[64];

	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	server_pid = fork();
	if (server_pid < 0)
		die("fork");
	if (server_pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		server(sink, ping, udp);
	}
	close(sink);
	close(ping);
	close(udp);
	if (pipe2(ready, O_CLOEXEC) < 0)
		die("pipe2");
	proxy_pid = fork();
	if (proxy_pid < 0)
		die("fork");
	if (proxy_pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		proxy_process(&server_ports, ready[1]);
	}
	close(ready[1]);
	if (read_full(ready[0], &proxy_ports, sizeof(proxy_ports)) != sizeof(proxy_ports)) {
		(void)fprintf(stderr, "bench-proxy: the proxy did not start\n");
		return 1;
	}
	close(ready[0]);

	for (int i = 0; i < 6; i++) {
		v[i] = calloc((size_t)runs, sizeof(double));
		if (v[i] == NULL)
			die("calloc");
	}
	/* Each run measures both ways back to back, so that both see the
	 * same machine. */
	for (long r = 0; r < runs; r++) {
		struct sockaddr_in s_sink = lo_addr(server_ports.sink);
		struct sockaddr_in p_sink = lo_addr(proxy_ports.sink);
		struct sockaddr_in s_ping = lo_addr(server_ports.ping);
		struct sockaddr_in p_ping = lo_addr(proxy_ports.ping);

		v[0][r] = run_throughput(&s_sink, mib);
		v[1][r] = run_throughput(&p_sink, mib);
		v[2][r] = run_conns(&s_ping, conns);
		v[3][r] = run_conns(&p_ping, conns);
		v[4][r] = run_udp(server_ports.udp, dgrams);
		v[5][r] = run_udp(proxy_ports.udp, dgrams);
	}
	(void)snprintf(name, sizeof(name), "TCP %ld MiB, direct (MiB/s)", mib);
	row(name, v[0], runs);
	(void)snprintf(name, sizeof(name), "TCP %ld MiB, through podd's proxy (MiB/s)", mib);
	row(name, v[1], runs);
	ratio(v[1], v[0], runs);
	row("TCP connect + 1 byte + close, direct (conn/s)", v[2], runs);
	row("TCP connect + 1 byte + close, proxied (conn/s)", v[3], runs);
	ratio(v[3], v[2], runs);
	row("UDP 64-byte request/reply, direct (per s)", v[4], runs);
	row("UDP 64-byte request/reply, proxied (per s)", v[5], runs);
	ratio(v[5], v[4], runs);

	for (int i = 0; i < 6; i++)
		free(v[i]);
	if (kill(proxy_pid, SIGTERM) < 0 || waitpid(proxy_pid, &status, 0) != proxy_pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		(void)fprintf(stderr, "bench-proxy: the proxy did not stop cleanly\n");
	(void)kill(server_pid, SIGKILL);
	(void)waitpid(server_pid, &status, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9'))
		return ports_mode(argc, argv);
	return proxy_vs_direct(argc, argv);
}
