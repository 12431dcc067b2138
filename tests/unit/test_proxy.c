/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd/proxy: the relay on real sockets, on 127.0.0.1 only. Each case runs
 * an event_base in the test process with a proxy on a free port, relaying
 * to a forked echo server (TCP: a process per connection that echoes until
 * EOF, then shuts its side; UDP: each datagram back to its sender). The
 * clients are nonblocking sockets of the test process, driven between short
 * turns of the loop. What is checked: bytes both ways (4 MiB, past the
 * proxy's queue bound), half-close, a pod that closes first, a pod port
 * nobody listens on, a port already taken, proxy_free with connections open,
 * UDP sessions of two clients and their expiry, and that no fd is left.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "log.h"
#include "proxy.h"
#include "unit.h"

#define LOOPBACK htonl(INADDR_LOOPBACK)

static struct sockaddr_in
lo_addr(uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};

	sa.sin_addr.s_addr = LOOPBACK;
	return sa;
}

/* A socket bound to 127.0.0.1:@port (0: any free one), listening if TCP;
 * its port in *@bound. */
static int
lo_socket(int type, uint16_t port, uint16_t *bound)
{
	struct sockaddr_in sa = lo_addr(port);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	REQUIRE(fd >= 0);
	REQUIRE(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	REQUIRE(type != SOCK_STREAM || listen(fd, 64) == 0);
	REQUIRE(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
	*bound = ntohs(sa.sin_port);
	return fd;
}

/* A port of @type nothing listens on (bound once, then released). */
static uint16_t
free_port(int type)
{
	uint16_t port;
	int fd = lo_socket(type, 0, &port);

	close(fd);
	return port;
}

/* ---- the echo server (the "pod") --------------------------------------- */

struct echo {
	pid_t pid;
	uint16_t tcp_port, udp_port;
};

/* One TCP connection: echo until EOF, then shut our side. A chunk that
 * starts with "close" closes at once instead (the pod ends first). */
static _Noreturn void
echo_conn(int fd)
{
	static char buf[64 * 1024];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (n >= 5 && memcmp(buf, "close", 5) == 0)
			_exit(0);
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w <= 0)
				_exit(1);
			off += w;
		}
	}
	(void)shutdown(fd, SHUT_WR);
	_exit(0);
}

static _Noreturn void
echo_serve(int tcp, int udp)
{
	struct sigaction sa = {.sa_handler = SIG_DFL, .sa_flags = SA_NOCLDWAIT};
	struct pollfd pfd[2] = {{.fd = tcp, .events = POLLIN}, {.fd = udp, .events = POLLIN}};

	(void)sigaction(SIGCHLD, &sa, NULL);
	for (;;) {
		if (poll(pfd, 2, -1) < 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			int c = accept4(tcp, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0 && fork() == 0) {
				(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
				close(tcp);
				close(udp);
				echo_conn(c);
			}
			if (c >= 0)
				close(c);
		}
		if (pfd[1].revents & POLLIN) {
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

static void
echo_start(struct echo *e)
{
	int tcp = lo_socket(SOCK_STREAM, 0, &e->tcp_port);
	int udp = lo_socket(SOCK_DGRAM, 0, &e->udp_port);

	(void)fflush(stdout);
	e->pid = fork();
	REQUIRE(e->pid >= 0);
	if (e->pid == 0) {
		int fds[UNIT_MAX_FDS], n = unit_fds(fds, UNIT_MAX_FDS);

		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Only our sockets: a copy of a proxy's socket here would keep
		 * it open after the proxy closed it. */
		for (int i = 0; i < n; i++) {
			if (fds[i] > 2 && fds[i] != tcp && fds[i] != udp)
				close(fds[i]);
		}
		echo_serve(tcp, udp);
	}
	close(tcp);
	close(udp);
}

static void
echo_stop(struct echo *e)
{
	int status;

	CHECK(kill(e->pid, SIGKILL) == 0);
	CHECK(waitpid(e->pid, &status, 0) == e->pid);
}

/* ---- driving the loop and the clients ---------------------------------- */

/* Run the loop for @ms milliseconds. */
static void
spin(struct event_base *base, int ms)
{
	const struct timeval tv = {ms / 1000, (suseconds_t)(ms % 1000) * 1000};

	REQUIRE(event_base_loopexit(base, &tv) == 0);
	REQUIRE(event_base_dispatch(base) >= 0);
}

/* A blocking connect to 127.0.0.1:@port: 0 or -errno. */
static int
tcp_try_connect(uint16_t port)
{
	struct sockaddr_in sa = lo_addr(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	REQUIRE(fd >= 0);
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
	close(fd);
	return r;
}

static int
tcp_client(uint16_t port)
{
	struct sockaddr_in sa = lo_addr(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	REQUIRE(fd >= 0);
	REQUIRE(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EINPROGRESS);
	return fd;
}

/* Send @len bytes of @out on @fd and read back up to @len into @in, turning
 * the loop in between; gives up after 20 s. Returns the bytes read. With
 * @stall, writes without reading until nothing more goes in for 200 ms (a
 * client that reads late), then does both. */
static size_t
exchange(struct event_base *base, int fd, const char *out, char *in, size_t len, bool stall)
{
	size_t sent = 0, got = 0;
	int idle = 0;

	for (int i = 0; i < 20000 && got < len; i++) {
		ssize_t n = 0;

		if (sent < len) {
			n = send(fd, out + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
		}
		idle = n > 0 ? 0 : idle + 1;
		if (stall && idle < 200) {
			spin(base, 1);
			continue;
		}
		stall = false;
		n = recv(fd, in + got, len - got, 0);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		spin(base, 1);
	}
	return got;
}

/* Read from @fd until EOF (0), an error (-errno) or 5 s (-ETIMEDOUT);
 * what comes is put in @buf (up to @max bytes, the count in *@got). */
static int
read_to_end(struct event_base *base, int fd, char *buf, size_t max, size_t *got)
{
	*got = 0;
	for (int i = 0; i < 5000; i++) {
		ssize_t n = recv(fd, buf + *got, max - *got, 0);

		if (n == 0)
			return 0;
		if (n > 0) {
			*got += (size_t)n;
			REQUIRE(*got < max);
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		spin(base, 1);
	}
	return -ETIMEDOUT;
}

/* Turn the loop until @p has @conns connections open (at most 5 s). */
static void
wait_conns(struct event_base *base, struct proxy *p, unsigned conns)
{
	struct proxy_stats st;

	for (int i = 0; i < 5000; i++) {
		proxy_get_stats(p, &st);
		if (st.conns == conns)
			return;
		spin(base, 1);
	}
	CHECK_INT(st.conns, ==, conns);
}

struct fixture {
	struct echo echo;
	struct event_base *base;
	struct proxy *proxy;
	struct port_map map;
};

/* An echo server, a loop, and a proxy for @proto from a free port on
 * 127.0.0.1 to the echo server (or, with @closed, to a port nobody
 * listens on). */
static void
setup(struct fixture *f, enum port_proto proto, bool closed)
{
	const struct sigaction ignore = {.sa_handler = SIG_IGN};
	int type = proto == PORT_TCP ? SOCK_STREAM : SOCK_DGRAM;
	struct pd_err err = {0};
	struct in_addr pod = {.s_addr = LOOPBACK};

	/* As podd does (proxy.h); the case runs in a child of its own. */
	REQUIRE(sigaction(SIGPIPE, &ignore, NULL) == 0);
	echo_start(&f->echo);
	f->base = event_base_new();
	REQUIRE(f->base != NULL);
	f->map.proto = proto;
	f->map.host_ip.s_addr = LOOPBACK;
	f->map.pod_port =
	    closed ? free_port(type) : (proto == PORT_TCP ? f->echo.tcp_port : f->echo.udp_port);
	/* A free port can be taken by someone else before we bind it: try a
	 * few. */
	for (int i = 0; i < 10 && f->proxy == NULL; i++) {
		f->map.host_port = free_port(type);
		f->proxy = proxy_start(f->base, &f->map, pod, &err);
	}
	if (f->proxy == NULL)
		unit_report(__FILE__, __LINE__, "proxy_start: %s", err.msg);
	REQUIRE(f->proxy != NULL);
}

static void
teardown(struct fixture *f)
{
	proxy_free(f->proxy);
	event_base_free(f->base);
	echo_stop(&f->echo);
}

/* ---- TCP --------------------------------------------------------------- */

static void
test_tcp_relay(void)
{
	struct fixture f = {0};
	struct proxy_stats st;
	char in[16] = "";
	int fd;

	setup(&f, PORT_TCP, false);
	fd = tcp_client(f.map.host_port);
	CHECK_INT(exchange(f.base, fd, "hello", in, 5, false), ==, 5);
	CHECK_STR(in, ==, "hello");
	/* And again on the same connection. */
	memset(in, 0, sizeof(in));
	CHECK_INT(exchange(f.base, fd, "again!", in, 6, false), ==, 6);
	CHECK_STR(in, ==, "again!");
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.accepted, ==, 1);
	CHECK_INT(st.conns, ==, 1);
	CHECK_INT(st.connect_failed, ==, 0);
	/* A client that closes: the proxy closes both sides. */
	close(fd);
	wait_conns(f.base, f.proxy, 0);
	teardown(&f);
}

/* 4 MiB each way, from a client that at first only writes: the queue
 * towards it fills, the proxy stops reading the pod until it drains, and
 * every byte still arrives in order. */
static void
test_tcp_large(void)
{
	const size_t len = 4 << 20;
	struct fixture f = {0};
	char *out = malloc(len), *in = calloc(1, len);
	struct proxy_stats st;
	int fd;

	REQUIRE(out != NULL && in != NULL);
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(i * 7 + i / 4096);
	setup(&f, PORT_TCP, false);
	fd = tcp_client(f.map.host_port);
	CHECK_INT(exchange(f.base, fd, out, in, len, true), ==, len);
	CHECK(memcmp(out, in, len) == 0);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.paused, >, 0);
	close(fd);
	wait_conns(f.base, f.proxy, 0);
	free(out);
	free(in);
	teardown(&f);
}

/* Many clients at once, each with its own pod connection. */
static void
test_tcp_many(void)
{
	enum { N = 40 };
	struct fixture f = {0};
	int fds[N];

	setup(&f, PORT_TCP, false);
	for (int i = 0; i < N; i++)
		fds[i] = tcp_client(f.map.host_port);
	wait_conns(f.base, f.proxy, N);
	for (int i = N - 1; i >= 0; i--) {
		char msg[16], in[16] = "";

		UNIT_FMT(msg, "client %02d", i);
		CHECK_INT(exchange(f.base, fds[i], msg, in, strlen(msg), false), ==, strlen(msg));
		CHECK_STR(in, ==, msg);
	}
	for (int i = 0; i < N; i++)
		close(fds[i]);
	wait_conns(f.base, f.proxy, 0);
	teardown(&f);
}

/* The client sends and shuts its writing side at once (before the proxy
 * has even connected to the pod): the pod still gets the bytes and the
 * EOF, and the client still gets the echo, then EOF. */
static void
test_tcp_half_close(void)
{
	struct fixture f = {0};
	char in[64];
	size_t got;
	int fd;

	setup(&f, PORT_TCP, false);
	fd = tcp_client(f.map.host_port);
	for (int i = 0; i < 1000 && send(fd, "ping", 4, MSG_NOSIGNAL) != 4; i++)
		REQUIRE(poll(&(struct pollfd){.fd = fd, .events = POLLOUT}, 1, 5) >= 0);
	REQUIRE(shutdown(fd, SHUT_WR) == 0);
	CHECK_INT(read_to_end(f.base, fd, in, sizeof(in), &got), ==, 0);
	CHECK_INT(got, ==, 4);
	CHECK(memcmp(in, "ping", 4) == 0);
	/* Both directions are done: the proxy has let go of the connection
	 * without the client closing. */
	wait_conns(f.base, f.proxy, 0);
	close(fd);
	teardown(&f);
}

/* The pod closes first: the client gets EOF and can still be closed. */
static void
test_tcp_pod_closes(void)
{
	struct fixture f = {0};
	char in[64];
	size_t got;
	int fd;

	setup(&f, PORT_TCP, false);
	fd = tcp_client(f.map.host_port);
	CHECK_INT(exchange(f.base, fd, "x", in, 1, false), ==, 1);
	CHECK(send(fd, "close", 5, MSG_NOSIGNAL) == 5);
	CHECK_INT(read_to_end(f.base, fd, in, sizeof(in), &got), ==, 0);
	CHECK_INT(got, ==, 0);
	close(fd);
	wait_conns(f.base, f.proxy, 0);
	teardown(&f);
}

/* Nothing listens on the pod port: the client is reset, not left hanging. */
static void
test_tcp_connect_refused(void)
{
	struct fixture f = {0};
	struct proxy_stats st;
	char in[16];
	size_t got;
	int fd, r;

	setup(&f, PORT_TCP, true);
	fd = tcp_client(f.map.host_port);
	(void)send(fd, "hello", 5, MSG_NOSIGNAL);
	r = read_to_end(f.base, fd, in, sizeof(in), &got);
	CHECK(r == -ECONNRESET || r == 0);
	CHECK_INT(got, ==, 0);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.accepted, ==, 1);
	CHECK_INT(st.connect_failed, ==, 1);
	CHECK_INT(st.conns, ==, 0);
	close(fd);
	/* The proxy goes on serving. */
	fd = tcp_client(f.map.host_port);
	r = read_to_end(f.base, fd, in, sizeof(in), &got);
	CHECK(r == -ECONNRESET || r == 0);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.connect_failed, ==, 2);
	close(fd);
	teardown(&f);
}

/* A taken port is a conflict that names the port and leaves nothing open;
 * once the port is free the same map binds. */
static void
test_port_taken(void)
{
	static const struct {
		enum port_proto proto;
		int type;
	} kinds[] = {{PORT_TCP, SOCK_STREAM}, {PORT_UDP, SOCK_DGRAM}};
	struct event_base *base = event_base_new();

	REQUIRE(base != NULL);
	for (size_t k = 0; k < 2; k++) {
		struct port_map map = {.proto = kinds[k].proto, .pod_port = 9};
		struct in_addr pod = {.s_addr = LOOPBACK};
		struct pd_err err = {0};
		int before[UNIT_MAX_FDS], after[UNIT_MAX_FDS];
		char want[96];
		struct proxy *p;
		int taken, nb;

		map.host_ip.s_addr = LOOPBACK;
		taken = lo_socket(kinds[k].type, 0, &map.host_port);
		nb = unit_fds(before, UNIT_MAX_FDS);

		p = proxy_start(base, &map, pod, &err);
		CHECK(p == NULL);
		CHECK_INT(err.kind, ==, PD_E_CONFLICT);
		CHECK_INT(err.errnum, ==, EADDRINUSE);
		UNIT_FMT(want, "port %u/%s on 127.0.0.1 is already in use", map.host_port,
			 port_proto_name(map.proto));
		CHECK_STR(err.msg, ==, want);
		CHECK_INT(unit_fds(after, UNIT_MAX_FDS), ==, nb);
		proxy_free(p);

		close(taken);
		p = proxy_start(base, &map, pod, &err);
		CHECK(p != NULL);
		proxy_free(p);
	}
	event_base_free(base);
}

/* proxy_free with connections open: the clients see them end, and the
 * port is closed. */
static void
test_free_closes(void)
{
	struct fixture f = {0};
	int fds[3];
	char in[16];
	size_t got;

	setup(&f, PORT_TCP, false);
	for (int i = 0; i < 3; i++) {
		fds[i] = tcp_client(f.map.host_port);
		CHECK_INT(exchange(f.base, fds[i], "abc", in, 3, false), ==, 3);
	}
	proxy_free(f.proxy);
	f.proxy = NULL;
	for (int i = 0; i < 3; i++) {
		int r = read_to_end(f.base, fds[i], in, sizeof(in), &got);

		CHECK(r == -ECONNRESET || r == 0);
		CHECK_INT(got, ==, 0);
		close(fds[i]);
	}
	/* Nothing listens any more. */
	CHECK_INT(tcp_try_connect(f.map.host_port), ==, -ECONNREFUSED);
	teardown(&f);
}

/* Out of fds, accepting pauses (rather than spinning on a listener that
 * stays readable) and the client waits in the backlog; with fds back, it is
 * served. */
static void
test_accept_emfile(void)
{
	struct fixture f = {0};
	struct rlimit old, low;
	struct proxy_stats st;
	int fds[UNIT_MAX_FDS], n, top = 0, fd, fill[UNIT_MAX_FDS], n_fill = 0;
	char in[4];

	setup(&f, PORT_TCP, false);
	fd = tcp_client(f.map.host_port);
	n = unit_fds(fds, UNIT_MAX_FDS);
	for (int i = 0; i < n; i++)
		top = fds[i] > top ? fds[i] : top;
	REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
	low = old;
	low.rlim_cur = (rlim_t)top + 1;
	pd_log_level = PD_LOG_ERROR; /* the pauses' warnings are expected */
	REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
	/* And no free number below the limit either. */
	while (n_fill < UNIT_MAX_FDS && (fill[n_fill] = fcntl(0, F_DUPFD_CLOEXEC, 0)) >= 0)
		n_fill++;
	CHECK(errno == EMFILE);
	spin(f.base, 350);
	for (int i = 0; i < n_fill; i++)
		close(fill[i]);
	REQUIRE(setrlimit(RLIMIT_NOFILE, &old) == 0);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.accepted, ==, 0);
	/* One try per pause, give or take the first: nowhere near a spin. */
	CHECK_INT(st.accept_errors, >=, 1);
	CHECK_INT(st.accept_errors, <=, 8);
	CHECK_INT(exchange(f.base, fd, "abc", in, 3, false), ==, 3);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.accepted, ==, 1);
	close(fd);
	teardown(&f);
}

/* Every socket of the process is close-on-exec and nonblocking while a
 * connection is relayed (the test's own are made so too). */
static void
test_fds_cloexec_nonblock(void)
{
	struct fixture f = {0};
	int fds[UNIT_MAX_FDS], n, checked = 0;
	char in[4];
	int fd;

	setup(&f, PORT_TCP, false);
	fd = tcp_client(f.map.host_port);
	CHECK_INT(exchange(f.base, fd, "abc", in, 3, false), ==, 3);
	n = unit_fds(fds, UNIT_MAX_FDS);
	for (int i = 0; i < n; i++) {
		char link[64], target[64] = "";

		UNIT_FMT(link, "/proc/self/fd/%d", fds[i]);
		if (readlink(link, target, sizeof(target) - 1) < 0 ||
		    strncmp(target, "socket:", 7) != 0)
			continue;
		checked++;
		CHECK(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
		CHECK(fcntl(fds[i], F_GETFL) & O_NONBLOCK);
	}
	/* The listener, the client, and both sides of the relay. */
	CHECK_INT(checked, >=, 4);
	close(fd);
	teardown(&f);
}

/* ---- UDP --------------------------------------------------------------- */

static int
udp_client(uint16_t port)
{
	struct sockaddr_in sa = lo_addr(port);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	REQUIRE(fd >= 0);
	REQUIRE(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	return fd;
}

/* Send @msg and wait for one datagram back (connected: from the proxy's
 * own address and port only). Returns its length, or -1 after 5 s. */
static ssize_t
udp_ask(struct event_base *base, int fd, const char *msg, char *in, size_t max)
{
	REQUIRE(send(fd, msg, strlen(msg), 0) == (ssize_t)strlen(msg));
	for (int i = 0; i < 5000; i++) {
		ssize_t n = recv(fd, in, max, 0);

		if (n >= 0)
			return n;
		spin(base, 1);
	}
	return -1;
}

static void
test_udp_two_clients(void)
{
	struct fixture f = {0};
	struct proxy_stats st;
	char in[64];
	int a, b;

	setup(&f, PORT_UDP, false);
	a = udp_client(f.map.host_port);
	b = udp_client(f.map.host_port);
	CHECK_INT(udp_ask(f.base, a, "from a", in, sizeof(in)), ==, 6);
	CHECK(memcmp(in, "from a", 6) == 0);
	CHECK_INT(udp_ask(f.base, b, "from b!", in, sizeof(in)), ==, 7);
	CHECK(memcmp(in, "from b!", 7) == 0);
	CHECK_INT(udp_ask(f.base, a, "a again", in, sizeof(in)), ==, 7);
	CHECK(memcmp(in, "a again", 7) == 0);
	/* An empty datagram is a datagram too. */
	CHECK_INT(udp_ask(f.base, b, "", in, sizeof(in)), ==, 0);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.sessions, ==, 2);
	CHECK_INT(st.sessions_made, ==, 2);
	CHECK_INT(st.dropped, ==, 0);
	close(a);
	close(b);
	teardown(&f);
}

static void
test_udp_idle_expiry(void)
{
	struct fixture f = {0};
	struct proxy_stats st;
	char in[64];
	int a;

	setup(&f, PORT_UDP, false);
	proxy_set_udp_idle_ms(f.proxy, 150);
	a = udp_client(f.map.host_port);
	CHECK_INT(udp_ask(f.base, a, "one", in, sizeof(in)), ==, 3);
	/* Activity keeps a session: 3 x 100 ms apart, past the timeout. */
	for (int i = 0; i < 3; i++) {
		spin(f.base, 100);
		CHECK_INT(udp_ask(f.base, a, "more", in, sizeof(in)), ==, 4);
	}
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.sessions_made, ==, 1);
	spin(f.base, 400);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.sessions, ==, 0);
	/* The client comes back: a new session. */
	CHECK_INT(udp_ask(f.base, a, "two", in, sizeof(in)), ==, 3);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.sessions, ==, 1);
	CHECK_INT(st.sessions_made, ==, 2);
	close(a);
	teardown(&f);
}

/* A pod port nobody listens on: datagrams vanish, the proxy lives on. */
static void
test_udp_refused(void)
{
	struct fixture f = {0};
	struct proxy_stats st;
	char in[16];
	int a;

	setup(&f, PORT_UDP, true);
	a = udp_client(f.map.host_port);
	for (int i = 0; i < 3; i++) {
		REQUIRE(send(a, "x", 1, 0) == 1);
		spin(f.base, 20);
	}
	CHECK(recv(a, in, sizeof(in), 0) < 0 && errno == EAGAIN);
	proxy_get_stats(f.proxy, &st);
	CHECK_INT(st.sessions, ==, 1);
	close(a);
	teardown(&f);
}

/* ---- everything, then nothing left ------------------------------------- */

static void
test_no_fd_leak(void)
{
	int before[UNIT_MAX_FDS], after[UNIT_MAX_FDS];
	int nb = unit_fds(before, UNIT_MAX_FDS);
	struct fixture t = {0}, u = {0};
	char in[16];
	size_t got;
	int fd;

	setup(&t, PORT_TCP, false);
	setup(&u, PORT_UDP, false);
	for (int i = 0; i < 5; i++) {
		fd = tcp_client(t.map.host_port);
		CHECK_INT(exchange(t.base, fd, "abc", in, 3, false), ==, 3);
		/* Every other client half-closes and reads to the end first. */
		if (i % 2 == 1) {
			CHECK(shutdown(fd, SHUT_WR) == 0);
			CHECK_INT(read_to_end(t.base, fd, in, 4, &got), ==, 0);
		}
		close(fd);
		fd = udp_client(u.map.host_port);
		CHECK_INT(udp_ask(u.base, fd, "abc", in, sizeof(in)), ==, 3);
		close(fd);
	}
	/* Connections still open at the end, too. */
	fd = tcp_client(t.map.host_port);
	CHECK_INT(exchange(t.base, fd, "abc", in, 3, false), ==, 3);
	teardown(&t);
	teardown(&u);
	close(fd);
	CHECK_INT(unit_fds(after, UNIT_MAX_FDS), ==, nb);
}

static const struct unit_case cases[] = {
    {"tcp_relay", test_tcp_relay},
    {"tcp_large", test_tcp_large},
    {"tcp_many", test_tcp_many},
    {"tcp_half_close", test_tcp_half_close},
    {"tcp_pod_closes", test_tcp_pod_closes},
    {"tcp_connect_refused", test_tcp_connect_refused},
    {"port_taken", test_port_taken},
    {"free_closes", test_free_closes},
    {"accept_emfile", test_accept_emfile},
    {"fds_cloexec_nonblock", test_fds_cloexec_nonblock},
    {"udp_two_clients", test_udp_two_clients},
    {"udp_idle_expiry", test_udp_idle_expiry},
    {"udp_refused", test_udp_refused},
    {"no_fd_leak", test_no_fd_leak},
};

UNIT_MAIN(cases)
