/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Engine API's stream endpoints: their route table, container attach
 * and resize, and the bridge that attach and exec start share.
 *
 * podctl talks to a process's attach socket (lib/attach.h) itself; docker
 * clients cannot, so after the hijack podd carries the bytes: a bridge
 * joins the client's connection (a bufferevent) and the attach socket (one
 * SOCK_SEQPACKET record per message, read with an event of its own since a
 * bufferevent would lose the records' bounds), on podd's loop. Each side
 * is read only while the other has room (BRIDGE_HIGH), so a slow client
 * slows the process it watches, not podd. Every running container has an
 * attach socket, so attach always goes through one: an attach that comes
 * before the start (docker run, docker start -a) waits for the container to
 * run, and asks its monitor to hold the output for it (PD_ATTACH_HOLD_MS).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "attach.h"
#include "cleanup.h"
#include "container.h"
#include "dk_stream.h"
#include "events.h"
#include "fd.h"
#include "log.h"
#include "name.h"
#include "podd.h"
#include "timefmt.h"
#include "xalloc.h"

/* Bytes waiting for one side past which the other is not read. */
#define BRIDGE_HIGH ((size_t)256 * 1024)
/* How often an attach before the start looks whether the container runs. */
#define WAIT_START_MS 10

struct bridge {
	TAILQ_ENTRY(bridge) entry;
	struct podd *d;
	struct bufferevent *client;        /* owned; NULL: output dropped */
	int fd;                            /* owned: the attach socket, -1 until connected */
	struct event *rd, *wr;             /* owned: fd readable, writable */
	struct event *wait;                /* owned: the start's poll, NULL unless waiting */
	char key[PD_ID_LEN + 1];           /* the container (while waiting) or exec id */
	char started[PD_TIME_RFC3339_MAX]; /* waiting: the container's last start before */
	bool tty, in, out, err;
	bool client_eof; /* the client half-closed: PD_ATTACH_EOF to send */
	bool eof_sent;
	bool sock_done; /* the process's output has ended */
	bool rd_paused;
	struct evbuffer *to_sock; /* owned: the client's bytes not sent yet */
	dk_bridge_exit_fn *exit_fn;
	void *exit_arg;
};

TAILQ_HEAD(bridge_list, bridge);
static struct bridge_list bridges = TAILQ_HEAD_INITIALIZER(bridges);

static void
bridge_free(struct bridge *b)
{
	TAILQ_REMOVE(&bridges, b, entry);
	if (b->client != NULL)
		bufferevent_free(b->client);
	if (b->rd != NULL)
		event_free(b->rd);
	if (b->wr != NULL)
		event_free(b->wr);
	if (b->wait != NULL)
		event_free(b->wait);
	close_reset(&b->fd);
	evbuffer_free(b->to_sock);
	free(b);
}

/* The process's side has ended: report its exit, end once the client has
 * every byte. */
static void
sock_end(struct bridge *b, int code)
{
	dk_bridge_exit_fn *fn = b->exit_fn;

	if (b->sock_done)
		return;
	b->sock_done = true;
	b->exit_fn = NULL;
	if (fn != NULL)
		fn(b->exit_arg, code);
	event_del(b->rd);
	event_del(b->wr);
	if (b->client == NULL || evbuffer_get_length(bufferevent_get_output(b->client)) == 0)
		bridge_free(b);
	else
		bufferevent_disable(b->client, EV_READ);
}

static size_t
client_unsent(const struct bridge *b)
{
	return b->client != NULL ? evbuffer_get_length(bufferevent_get_output(b->client)) : 0;
}

static void
on_sock_read(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;
	char msg[PD_ATTACH_MSG_MAX];

	(void)what;
	while (client_unsent(b) < BRIDGE_HIGH) {
		ssize_t n = pd_attach_recv(fd, msg, sizeof(msg), 0);
		int32_t code;

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			sock_end(b, -1);
			return;
		}
		switch (msg[0]) {
		case PD_ATTACH_STDOUT:
		case PD_ATTACH_STDERR:
			if (b->client == NULL || !(msg[0] == PD_ATTACH_STDOUT ? b->out : b->err))
				break;
			if (b->tty)
				bufferevent_write(b->client, msg + 1, (size_t)n - 1);
			else
				dk_frame_add(bufferevent_get_output(b->client),
					     msg[0] == PD_ATTACH_STDOUT ? DK_STDOUT : DK_STDERR,
					     msg + 1, (size_t)n - 1);
			break;
		case PD_ATTACH_EXIT:
			if ((size_t)n < 1 + sizeof(code))
				break;
			memcpy(&code, msg + 1, sizeof(code));
			sock_end(b, code);
			return;
		default:
			break;
		}
	}
	/* The client is behind: read on once it has taken its bytes. */
	b->rd_paused = true;
	event_del(b->rd);
}

/* Send the client's bytes (and its EOF) as far as the socket takes them. */
static void
sock_pump(struct bridge *b)
{
	char msg[PD_ATTACH_MSG_MAX];

	while (evbuffer_get_length(b->to_sock) > 0) {
		size_t n = evbuffer_copyout(b->to_sock, msg + 1, sizeof(msg) - 1);

		msg[0] = PD_ATTACH_STDIN;
		if (send(b->fd, msg, n + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			if (errno == EAGAIN) {
				event_add(b->wr, NULL);
				bufferevent_disable(b->client, EV_READ);
				return;
			}
			evbuffer_drain(b->to_sock, evbuffer_get_length(b->to_sock));
			return; /* the process's side ends: its read sees it */
		}
		evbuffer_drain(b->to_sock, n);
	}
	if (b->client_eof && !b->eof_sent) {
		msg[0] = PD_ATTACH_EOF;
		if (send(b->fd, msg, 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EAGAIN) {
			event_add(b->wr, NULL);
			return;
		}
		b->eof_sent = true;
	}
	if (!b->client_eof && !b->sock_done)
		bufferevent_enable(b->client, EV_READ);
}

static void
on_sock_write(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sock_pump(arg);
}

static void
on_client_read(struct bufferevent *bev, void *arg)
{
	struct bridge *b = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	if (!b->in || b->fd < 0) {
		if (!b->in)
			evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	evbuffer_remove_buffer(in, b->to_sock, evbuffer_get_length(in));
	sock_pump(b);
}

/* The client has taken what was written to it. */
static void
on_client_write(struct bufferevent *bev, void *arg)
{
	struct bridge *b = arg;

	(void)bev;
	if (b->sock_done) {
		if (client_unsent(b) == 0)
			bridge_free(b);
		return;
	}
	if (b->rd_paused && b->fd >= 0) {
		b->rd_paused = false;
		event_add(b->rd, NULL);
		on_sock_read(b->fd, EV_READ, b);
	}
}

static void
on_client_event(struct bufferevent *bev, short what, void *arg)
{
	struct bridge *b = arg;

	(void)bev;
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) && !b->sock_done) {
		/* A half-close: the end of the process's stdin, not of
		 * its output. */
		b->client_eof = true;
		if (b->fd >= 0)
			sock_pump(b);
		return;
	}
	/* The client has gone: the process runs on, as after a detach. */
	if (b->exit_fn != NULL)
		b->exit_fn(b->exit_arg, -1);
	b->exit_fn = NULL;
	bridge_free(b);
}

static struct bridge *
bridge_new(struct podd *d, struct bufferevent *client, bool tty, const char *key)
{
	struct bridge *b = xcalloc(1, sizeof(*b));

	b->d = d;
	b->client = client;
	b->fd = -1;
	b->tty = tty;
	b->in = b->out = b->err = true;
	(void)snprintf(b->key, sizeof(b->key), "%s", key);
	b->to_sock = evbuffer_new();
	if (b->to_sock == NULL)
		abort();
	TAILQ_INSERT_TAIL(&bridges, b, entry);
	if (client != NULL) {
		bufferevent_setcb(client, on_client_read, on_client_write, on_client_event, b);
		bufferevent_setwatermark(client, EV_WRITE, 0, 0);
	}
	return b;
}

/* Connect @b to the attach socket @fd (taken). */
static int
bridge_connect(struct bridge *b, int fd, struct pd_err *err)
{
	b->fd = fd;
	if (pd_fd_set_nonblock(fd, err) < 0)
		return -1;
	b->rd = event_new(b->d->base, fd, EV_READ | EV_PERSIST, on_sock_read, b);
	b->wr = event_new(b->d->base, fd, EV_WRITE, on_sock_write, b);
	if (b->rd == NULL || b->wr == NULL || event_add(b->rd, NULL) < 0)
		return pd_fail(err, PD_E_SYSTEM, "cannot watch the attach socket");
	if (b->client != NULL) {
		bufferevent_enable(b->client, EV_READ | EV_WRITE);
		/* Bytes the client sent with its request, or while waiting. */
		if (evbuffer_get_length(bufferevent_get_input(b->client)) > 0)
			on_client_read(b->client, b);
	}
	return 0;
}

int
dk_bridge_start(struct podd *d, struct bufferevent *client, int fd, bool tty, const char *key,
		dk_bridge_exit_fn *exit_fn, void *arg, struct pd_err *err)
{
	struct bridge *b = bridge_new(d, client, tty, key);

	b->exit_fn = exit_fn;
	b->exit_arg = arg;
	if (bridge_connect(b, fd, err) < 0) {
		b->exit_fn = NULL;
		bridge_free(b);
		return -1;
	}
	return 0;
}

void
dk_bridge_forget(void *arg)
{
	struct bridge *b;

	TAILQ_FOREACH (b, &bridges, entry)
		if (b->exit_arg == arg) {
			b->exit_fn = NULL;
			b->exit_arg = NULL;
		}
}

static int
send_resize(int fd, unsigned rows, unsigned cols)
{
	char msg[1 + sizeof(struct pd_attach_winsize)];
	struct pd_attach_winsize ws = {.rows = (uint16_t)rows, .cols = (uint16_t)cols};

	msg[0] = PD_ATTACH_RESIZE;
	memcpy(msg + 1, &ws, sizeof(ws));
	return send(fd, msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -1 : 0;
}

bool
dk_bridge_resize(const char *key, unsigned rows, unsigned cols)
{
	struct bridge *b;

	TAILQ_FOREACH (b, &bridges, entry)
		if (b->fd >= 0 && !b->sock_done && strcmp(b->key, key) == 0) {
			(void)send_resize(b->fd, rows, cols);
			return true;
		}
	return false;
}

int
dk_attach_resize_path(const char *path, unsigned rows, unsigned cols, struct pd_err *err)
{
	cleanup_close int fd = pd_attach_connect(path, err);

	if (fd < 0)
		return -1;
	if (send_resize(fd, rows, cols) < 0)
		return pd_fail_errno(err, errno, "resize");
	return 0;
}

int
dk_resize_query(struct dk_req *r, unsigned *rows, unsigned *cols)
{
	long long h, w;

	if (dk_query_int(r, "h", 0, &h) < 0 || dk_query_int(r, "w", 0, &w) < 0)
		return -1;
	if (h < 0 || w < 0 || h > UINT16_MAX || w > UINT16_MAX) {
		dk_reply_error(r, 400, "h, w: not a terminal size");
		return -1;
	}
	*rows = (unsigned)h;
	*cols = (unsigned)w;
	return 0;
}

void
dk_streams_teardown(void)
{
	struct bridge *b;

	/* bridge_free calls no exit callback. */
	while ((b = TAILQ_FIRST(&bridges)) != NULL)
		/* Each call unlinks the first element; the analyzer loses track of that
		 * through the TAILQ macros. NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		bridge_free(b);
	dk_exec_teardown();
}

/* ---- container attach ------------------------------------------------------- */

/* An attach before the start: connect once the container runs. */
static void
on_wait_tick(evutil_socket_t fd, short what, void *arg)
{
	struct bridge *b = arg;
	struct pd_err err = {0};
	struct container *c = container_find(b->d, b->key, &err);
	cleanup_free char *run = NULL;
	cleanup_free char *path = NULL;
	int sock;

	(void)fd;
	(void)what;
	if (c == NULL) { /* removed before it ran */
		bridge_free(b);
		return;
	}
	/* Running, or ended already since the attach (its monitor, holding
	 * the output for us, is still there). */
	if (c->rec.state != CTR_RUNNING && c->rec.state != CTR_STOPPING &&
	    (c->rec.state != CTR_EXITED || strcmp(c->rec.started, b->started) == 0)) {
		struct timeval tv = {0, WAIT_START_MS * 1000};

		event_add(b->wait, &tv);
		return;
	}
	run = ctr_run_dir(c);
	path = xasprintf("%s/%s", run, PD_ATTACH_NAME);
	sock = pd_attach_connect(path, &err);
	if (b->wait != NULL)
		event_free(b->wait);
	b->wait = NULL;
	if (sock < 0 || bridge_connect(b, sock, &err) < 0) {
		log_debug("attach %.12s: %s", b->key, err.msg);
		bridge_free(b);
	}
}

/* A container starts: its waiting attaches connect now, before a quick
 * workload can end. */
static void
on_container_event(struct container *c, const char *action)
{
	struct bridge *b, *next;

	if (strcmp(action, "start") != 0)
		return;
	for (b = TAILQ_FIRST(&bridges); b != NULL; b = next) {
		next = TAILQ_NEXT(b, entry);
		if (b->wait != NULL && strcmp(b->key, c->rec.id) == 0) {
			event_del(b->wait);
			on_wait_tick(-1, 0, b);
		}
	}
}

static void
attach(struct dk_req *r)
{
	struct podd *d = dk_podd(r);
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct bufferevent *bev;
	struct bridge *b;
	bool tty, in, out, errs;

	if (c == NULL)
		return;
	if (!dk_query_bool(r, "stream", false)) {
		/* Only ?logs without ?stream: the log so far is logs' job. */
		dk_reply_error(r, 400, "attach: only ?stream=1 is supported");
		return;
	}
	tty = c->rec.spec.tty;
	in = dk_query_bool(r, "stdin", false);
	out = dk_query_bool(r, "stdout", false);
	errs = dk_query_bool(r, "stderr", false);
	if (c->rec.state != CTR_RUNNING)
		c->hold_output = true; /* the first start holds its output for us */
	bev = dk_hijack(r, "application/vnd.docker.raw-stream"); /* frees @r */
	if (bev == NULL)
		return;
	b = bridge_new(d, bev, tty, c->rec.id);
	memcpy(b->started, c->rec.started, sizeof(b->started));
	b->in = in;
	b->out = out;
	b->err = errs;
	if (c->rec.state == CTR_RUNNING) {
		on_wait_tick(-1, 0, b);
		return;
	}
	/* Not running yet: wait for the start (its event, or the poll). */
	events_set_container_hook(on_container_event);
	bufferevent_disable(bev, EV_READ);
	b->wait = evtimer_new(d->base, on_wait_tick, b);
	if (b->wait == NULL) {
		bridge_free(b);
		return;
	}
	on_wait_tick(-1, 0, b);
}

static void
resize(struct dk_req *r)
{
	struct container *c = dk_container(r, dk_arg(r, 0));
	struct pd_err err = {0};
	cleanup_free char *run = NULL;
	cleanup_free char *path = NULL;
	unsigned rows, cols;

	if (c == NULL || dk_resize_query(r, &rows, &cols) < 0)
		return;
	if (dk_bridge_resize(c->rec.id, rows, cols)) {
		dk_reply_data(r, 200, "text/plain", "", 0);
		return;
	}
	if (c->rec.state != CTR_RUNNING) {
		dk_reply_error(r, 409, "Container %s is not running", c->rec.id);
		return;
	}
	run = ctr_run_dir(c);
	path = xasprintf("%s/%s", run, PD_ATTACH_NAME);
	if (dk_attach_resize_path(path, rows, cols, &err) < 0) {
		dk_reply_err(r, &err);
		return;
	}
	dk_reply_data(r, 200, "text/plain", "", 0);
}

static const struct dk_route routes[] = {
    {"POST", "/containers/*/attach", attach, 0},
    {"POST", "/containers/*/resize", resize, 0},
    {"GET", "/containers/*/logs", dk_logs_get, 0},
    {"POST", "/containers/*/exec", dk_exec_create, 0},
    {"POST", "/exec/*/start", dk_exec_start, 0},
    {"POST", "/exec/*/resize", dk_exec_resize, 0},
    {"GET", "/exec/*/json", dk_exec_inspect, 0},
    {"GET", "/containers/*/archive", dk_archive_get, 0},
    {"PUT", "/containers/*/archive", dk_archive_put, DK_STREAM_BODY},
    {"GET", "/containers/*/export", dk_export, 0},
};

DK_ROUTES(dk_stream_routes, routes);
