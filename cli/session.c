/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The attach session of session.h. The socket is read without blocking and
 * written without blocking (MSG_DONTWAIT): a process that does not read
 * its stdin must not stop podctl from reading its output, or the two would
 * wait on each other. While a message to the socket waits for room, fd 0
 * is not read, so at most one message is ever held here. fd 0 itself is
 * left blocking: its file description is often fd 1's too, which must stay
 * blocking for the output.
 */
#include "session.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "attach.h"
#include "cleanup.h"
#include "client.h"
#include "xalloc.h"

/* Bytes read from fd 0 at once: a STDIN message's payload, less what the
 * detach matcher may give back with them. */
#define STDIN_CHUNK (PD_ATTACH_MSG_MAX - 1 - DETACHKEYS_MAX)
/* Messages handled per wakeup, so that output cannot starve typed keys. */
#define RECV_BATCH 64

/* The signals that end a session whose terminal is raw; the last one only
 * with opts->sigint_ends. */
static const int stop_signals[] = {SIGTERM, SIGHUP, SIGQUIT, SIGINT};
#define N_STOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

struct session {
	struct event_base *base; /* borrowed */
	int fd;                  /* the attach socket */
	struct event *recv_ev;
	struct event *send_ev;         /* armed while a message waits for room */
	struct event *stdin_ev;        /* NULL without stdin */
	struct event *winch_ev;        /* NULL without a terminal */
	struct event *stop_ev[N_STOP]; /* NULL unless raw */
	struct detachkeys keys;        /* with its match state */
	bool match_keys;
	bool raw; /* the terminal is raw: saved is its mode before */
	struct termios saved;
	bool stdin_done;     /* fd 0 is no longer read */
	bool resize_pending; /* the window size is to be sent */
	bool eof_pending;    /* PD_ATTACH_EOF is to be sent */
	bool detaching;      /* detach once out is sent */
	bool ended;
	session_done_fn *done;
	void *arg; /* borrowed */
	size_t out_len;
	unsigned char out[PD_ATTACH_MSG_MAX]; /* a STDIN message waiting for room */
	unsigned char in[PD_ATTACH_MSG_MAX];
};

static void
restore_terminal(struct session *s)
{
	if (!s->raw)
		return;
	s->raw = false;
	while (tcsetattr(STDIN_FILENO, TCSADRAIN, &s->saved) < 0 && errno == EINTR)
		;
}

static void
del_event(struct event *ev)
{
	if (ev != NULL)
		event_del(ev);
}

static void
free_event(struct event *ev)
{
	if (ev != NULL)
		event_free(ev);
}

/* The session is over: nothing of it stays on the loop, the terminal is
 * back, and the caller hears of it last (it may free @s). */
static void
finish(struct session *s, enum session_end end, int code, const struct pd_err *err)
{
	if (s->ended)
		return;
	s->ended = true;
	del_event(s->recv_ev);
	del_event(s->send_ev);
	del_event(s->stdin_ev);
	del_event(s->winch_ev);
	for (size_t i = 0; i < N_STOP; i++)
		del_event(s->stop_ev[i]);
	restore_terminal(s);
	s->done(end, code, err, s->arg);
}

/* Send one message without blocking: 1 when sent, 0 when the socket is
 * full. A monitor that went away takes the message as sent: the socket's
 * read side tells how the session ended. Returns 1, 0 or -1. */
static int
send_msg(struct session *s, const void *msg, size_t len, struct pd_err *err)
{
	ssize_t n;

	do
		n = send(s->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0 || errno == EPIPE || errno == ECONNRESET)
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return pd_fail_errno(err, errno, "send to the attach socket");
}

/* The window size of podctl's terminal as a message, sent; or nothing
 * when the terminal does not know its size. */
static int
send_resize(struct session *s, struct pd_err *err)
{
	struct winsize ws;
	struct pd_attach_winsize w;
	unsigned char msg[1 + sizeof(w)];

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return 1;
	w.rows = ws.ws_row;
	w.cols = ws.ws_col;
	msg[0] = PD_ATTACH_RESIZE;
	memcpy(msg + 1, &w, sizeof(w));
	return send_msg(s, msg, sizeof(msg), err);
}

/* Send what waits, in order: typed bytes, the window size, the end of
 * stdin. While something waits for room, fd 0 is not read. Returns 0 when
 * all is sent, 1 when the socket is full, or -1. */
static int
flush(struct session *s, struct pd_err *err)
{
	static const unsigned char eof = PD_ATTACH_EOF;
	int r = 1;

	if (s->out_len > 0 && (r = send_msg(s, s->out, s->out_len, err)) > 0)
		s->out_len = 0;
	if (r > 0 && s->resize_pending && (r = send_resize(s, err)) > 0)
		s->resize_pending = false;
	if (r > 0 && s->eof_pending && (r = send_msg(s, &eof, 1, err)) > 0)
		s->eof_pending = false;
	if (r < 0)
		return -1;
	if (r == 0) {
		del_event(s->stdin_ev);
		if (event_add(s->send_ev, NULL) < 0)
			return pd_fail(err, PD_E_SYSTEM, "cannot watch the attach socket");
		return 1;
	}
	del_event(s->send_ev);
	if (s->stdin_ev != NULL && !s->stdin_done && event_add(s->stdin_ev, NULL) < 0)
		return pd_fail(err, PD_E_SYSTEM, "cannot watch stdin");
	return 0;
}

/* After a flush: the session goes on, or ends as flush says. */
static void
flushed(struct session *s, int r, const struct pd_err *err)
{
	if (r < 0)
		finish(s, SESSION_FAILED, 0, err);
	else if (r == 0 && s->detaching)
		finish(s, SESSION_DETACHED, 0, NULL);
}

static void
stop_stdin(struct session *s)
{
	s->stdin_done = true;
	del_event(s->stdin_ev);
}

static void
on_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	unsigned char buf[STDIN_CHUNK];
	struct pd_err err = {0};
	bool detached = false;
	size_t n = 0;
	ssize_t r;

	(void)fd;
	(void)what;
	r = read(STDIN_FILENO, buf, sizeof(buf));
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	/* EIO: the terminal hung up, which is its end. */
	if (r < 0 && errno != EIO) {
		pd_fail_errno(&err, errno, "read stdin");
		finish(s, SESSION_FAILED, 0, &err);
		return;
	}
	if (r <= 0) {
		stop_stdin(s);
		if (s->match_keys)
			n = detachkeys_flush(&s->keys, s->out + 1);
		s->eof_pending = true;
	} else if (s->match_keys) {
		n = detachkeys_feed(&s->keys, buf, (size_t)r, s->out + 1, &detached);
	} else {
		memcpy(s->out + 1, buf, (size_t)r);
		n = (size_t)r;
	}
	if (n > 0) {
		s->out[0] = PD_ATTACH_STDIN;
		s->out_len = 1 + n;
	}
	if (detached) {
		/* What was typed before the keys goes first. */
		stop_stdin(s);
		s->detaching = true;
	}
	flushed(s, flush(s, &err), &err);
}

static void
on_send(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	struct pd_err err = {0};

	(void)fd;
	(void)what;
	flushed(s, flush(s, &err), &err);
}

static void
on_winch(evutil_socket_t sig, short what, void *arg)
{
	struct session *s = arg;
	struct pd_err err = {0};

	(void)sig;
	(void)what;
	s->resize_pending = true;
	flushed(s, flush(s, &err), &err);
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	finish(arg, SESSION_SIGNAL, 128 + (int)sig, NULL);
}

/* Write all of @len bytes to fd 1 or 2. A descriptor someone made
 * non-blocking is waited for, as a blocking one would be. */
static int
write_out(int fd, const unsigned char *p, size_t len, struct pd_err *err)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			(void)poll(&pfd, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return pd_fail_errno(err, errno, "write to %s",
					     fd == 1 ? "stdout" : "stderr");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One message from the monitor. Returns 1 when the session ended. */
static int
handle_msg(struct session *s, size_t len)
{
	struct pd_err err = {0};
	int32_t code;

	switch (s->in[0]) {
	case PD_ATTACH_STDOUT:
	case PD_ATTACH_STDERR:
		if (write_out(s->in[0] == PD_ATTACH_STDOUT ? 1 : 2, s->in + 1, len - 1, &err) == 0)
			return 0;
		/* As a closed pipe ends a shell's command: quietly. */
		if (err.errnum == EPIPE)
			finish(s, SESSION_SIGNAL, 128 + SIGPIPE, NULL);
		else
			finish(s, SESSION_FAILED, 0, &err);
		return 1;
	case PD_ATTACH_EXIT:
		if (len != 1 + sizeof(code)) {
			pd_fail(&err, PD_E_SYSTEM, "attach socket: an exit message of %zu bytes",
				len);
			finish(s, SESSION_FAILED, 0, &err);
			return 1;
		}
		memcpy(&code, s->in + 1, sizeof(code));
		finish(s, SESSION_EXIT, code, NULL);
		return 1;
	default:
		return 0; /* a newer monitor's: not for us */
	}
}

static void
on_recv(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	struct pd_err err = {0};

	(void)fd;
	(void)what;
	for (int i = 0; i < RECV_BATCH; i++) {
		/* MSG_TRUNC: the record's real length, to refuse one too long. */
		ssize_t n = pd_attach_recv(s->fd, s->in, sizeof(s->in), MSG_TRUNC);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == 0) {
			finish(s, SESSION_CLOSED, 0, NULL);
			return;
		}
		if (n < 0)
			pd_fail_errno(&err, errno, "receive from the attach socket");
		else if ((size_t)n > sizeof(s->in))
			pd_fail(&err, PD_E_SYSTEM, "attach socket: a message of %zd bytes, over %d",
				n, PD_ATTACH_MSG_MAX);
		if (err.kind != 0) {
			finish(s, SESSION_FAILED, 0, &err);
			return;
		}
		if (handle_msg(s, (size_t)n))
			return;
	}
}

/* Raw mode on podctl's terminal, as cfmakeraw(3) sets it: bytes as typed,
 * no echo, no signals from keys, no output processing (the process's
 * terminal does that). */
static int
make_raw(struct session *s, struct pd_err *err)
{
	struct termios raw;
	int r;

	if (tcgetattr(STDIN_FILENO, &s->saved) < 0)
		return pd_fail_errno(err, errno, "read the terminal's mode");
	raw = s->saved;
	cfmakeraw(&raw);
	while ((r = tcsetattr(STDIN_FILENO, TCSADRAIN, &raw)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return pd_fail_errno(err, errno, "set the terminal to raw mode");
	s->raw = true;
	return 0;
}

/* Make and add the events of @s. */
static int
watch(struct session *s, bool terminal, const struct session_opts *opts)
{
	bool interactive = opts->interactive;
	size_t n_stop = opts->sigint_ends ? N_STOP : N_STOP - 1;
	bool ok;

	s->recv_ev = event_new(s->base, s->fd, EV_READ | EV_PERSIST, on_recv, s);
	s->send_ev = event_new(s->base, s->fd, EV_WRITE, on_send, s);
	ok = s->recv_ev != NULL && s->send_ev != NULL && event_add(s->recv_ev, NULL) == 0;
	if (ok && interactive) {
		s->stdin_ev = event_new(s->base, STDIN_FILENO, EV_READ | EV_PERSIST, on_stdin, s);
		ok = s->stdin_ev != NULL && event_add(s->stdin_ev, NULL) == 0;
	}
	if (ok && terminal) {
		s->winch_ev = evsignal_new(s->base, SIGWINCH, on_winch, s);
		ok = s->winch_ev != NULL && event_add(s->winch_ev, NULL) == 0;
	}
	for (size_t i = 0; ok && terminal && interactive && i < n_stop; i++) {
		s->stop_ev[i] = evsignal_new(s->base, stop_signals[i], on_stop_signal, s);
		ok = s->stop_ev[i] != NULL && event_add(s->stop_ev[i], NULL) == 0;
	}
	return ok ? 0 : -1;
}

struct session *
session_start(struct event_base *base, int fd, const struct session_opts *opts,
	      session_done_fn *done, void *arg, struct pd_err *err)
{
	struct session *s = xcalloc(1, sizeof(*s));
	bool terminal = opts->tty && isatty(STDIN_FILENO);

	s->base = base;
	s->fd = fd;
	s->done = done;
	s->arg = arg;
	if (opts->interactive && isatty(STDIN_FILENO)) {
		struct pd_err ignored;

		if (opts->keys != NULL)
			s->keys = *opts->keys;
		else
			(void)detachkeys_parse(DETACHKEYS_DEFAULT, &s->keys, &ignored);
		s->keys.matched = 0;
		s->match_keys = s->keys.len > 0;
	}
	/* fd 0 as a regular file needs poll (epoll refuses it): say so. */
	if (watch(s, terminal, opts) < 0) {
		pd_fail(err, PD_E_SYSTEM, "cannot watch the attach socket%s",
			opts->interactive ? " and stdin" : "");
		session_free(s);
		return NULL;
	}
	if (terminal && opts->interactive && make_raw(s, err) < 0) {
		session_free(s);
		return NULL;
	}
	s->resize_pending = terminal;
	if (flush(s, err) < 0) {
		session_free(s);
		return NULL;
	}
	return s;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	restore_terminal(s);
	free_event(s->recv_ev);
	free_event(s->send_ev);
	free_event(s->stdin_ev);
	free_event(s->winch_ev);
	for (size_t i = 0; i < N_STOP; i++)
		free_event(s->stop_ev[i]);
	close(s->fd);
	free(s);
}

/* ---- alone on a loop ------------------------------------------------- */

struct run_state {
	struct event_base *base; /* borrowed */
	bool over;
	enum session_end end;
	int code;
	struct pd_err err;
};

static void
on_run_done(enum session_end end, int code, const struct pd_err *err, void *arg)
{
	struct run_state *st = arg;

	st->over = true;
	st->end = end;
	st->code = code;
	if (err != NULL)
		st->err = *err;
	event_base_loopbreak(st->base);
}

static void
free_base(struct event_base **base)
{
	if (*base != NULL)
		event_base_free(*base);
}

int
session_run(const char *path, const struct session_opts *opts, struct session_result *res,
	    struct pd_err *err)
{
	__attribute__((cleanup(free_base))) struct event_base *base = NULL;
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
	struct session_opts mine = *opts;
	struct run_state st = {0};
	cleanup_close int fd = -1;
	struct session *s;

	base = client_base_new(err);
	if (base == NULL)
		return -1;
	fd = pd_attach_connect(path, err);
	if (fd < 0)
		return -1;
	st.base = base;
	sigaction(SIGPIPE, &ignore, &old);
	/* Alone, no one else turns a SIGINT (kill -INT: the raw terminal
	 * sends none) into anything: it ends the session. */
	mine.sigint_ends = true;
	s = session_start(base, steal_fd(fd), &mine, on_run_done, &st, err);
	if (s != NULL && event_base_dispatch(base) < 0 && !st.over)
		pd_fail(&st.err, PD_E_SYSTEM, "the event loop failed");
	else if (s != NULL && !st.over)
		pd_fail(&st.err, PD_E_SYSTEM, "the attach session stopped before its end");
	session_free(s);
	sigaction(SIGPIPE, &old, NULL);
	if (s == NULL)
		return -1;
	if (!st.over || st.end == SESSION_FAILED) {
		*err = st.err;
		return -1;
	}
	res->end = st.end;
	res->code = st.code;
	return 0;
}

bool
session_exit_code(const struct session_result *res, int *code)
{
	switch (res->end) {
	case SESSION_EXIT:
	case SESSION_SIGNAL:
		*code = res->code;
		return true;
	case SESSION_DETACHED:
		*code = 0;
		return true;
	case SESSION_CLOSED:
	case SESSION_FAILED:
		break;
	}
	return false;
}
