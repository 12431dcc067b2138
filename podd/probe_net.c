/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network checks of probes (httpGet, tcpSocket, grpc), made by podd from
 * the container's network namespace, over libcurl on podd's loop
 * (curl_loop.h). The socket is made in the container's namespace by
 * CURLOPT_OPENSOCKETFUNCTION: setns(2) to the workload's pidfd (Linux 5.8),
 * socket(2), setns back to podd's own; a socket keeps the namespace it was
 * made in. So no curl, wget or shell is needed in the image, and a pod of
 * host network is probed on the host, as the kubelet does.
 *
 * As the kubelet: the host is the pod's address unless the probe names
 * one; httpGet succeeds on a status 200..399, sends "User-Agent:
 * kube-probe/..." and "Accept: any" unless the probe's headers replace
 * them, and follows no redirect (a 3xx is a success, which is what the
 * kubelet makes of a redirect to another host); each check has a
 * connection of its own. tcpSocket succeeds once connected. grpc calls
 * grpc.health.v1.Health/Check over HTTP/2 without TLS (prior knowledge)
 * and succeeds on SERVING.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "curl_loop.h"
#include "log.h"
#include "pod.h"
#include "probe_int.h"
#include "xalloc.h"

#define PROBE_USER_AGENT "kube-probe/podd"

struct probe_loop *
probe_loop_get(struct podd *d, struct pd_err *err)
{
	struct probe_loop *pl = d->probe_loop;

	if (pl != NULL)
		return pl;
	pl = xcalloc(1, sizeof(*pl));
	pl->self_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (pl->self_netns_fd < 0) {
		pd_fail_errno(err, errno, "open /proc/self/ns/net");
		free(pl);
		return NULL;
	}
	pl->curl = curl_loop_new(d->base, err);
	if (pl->curl == NULL) {
		close(pl->self_netns_fd);
		free(pl);
		return NULL;
	}
	d->probe_loop = pl;
	return pl;
}

/* CURLOPT_OPENSOCKETFUNCTION: the socket, made in the container's network
 * namespace. */
static curl_socket_t
open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct probe_run *r = clientp;
	struct container *c = r->owner->c;
	int fd, saved;

	(void)purpose;
	if (c->sv.pidfd < 0) {
		(void)snprintf(r->errbuf, sizeof(r->errbuf), "the container's process is gone");
		return CURL_SOCKET_BAD;
	}
	if (setns(c->sv.pidfd, CLONE_NEWNET) < 0) {
		(void)snprintf(r->errbuf, sizeof(r->errbuf),
			       "cannot enter the container's network namespace: %s",
			       strerror(errno));
		return CURL_SOCKET_BAD;
	}
	fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	saved = errno;
	if (setns(c->d->probe_loop->self_netns_fd, CLONE_NEWNET) < 0) {
		/* podd would go on in a container's namespace: its next
		 * sockets (ports, CNI) would be wrong. Better to stop. */
		log_error("setns back to podd's network namespace: %s", strerror(errno));
		abort();
	}
	if (fd < 0)
		(void)snprintf(r->errbuf, sizeof(r->errbuf), "socket: %s", strerror(saved));
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

static size_t
discard(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

/* grpc: keep the start of the response (the message is a few bytes). */
static size_t
keep_resp(char *ptr, size_t size, size_t n, void *arg)
{
	struct probe_run *r = arg;
	size_t len = size * n, room = sizeof(r->resp) - r->resp_len;

	memcpy(r->resp + r->resp_len, ptr, len < room ? len : room);
	r->resp_len += len < room ? len : room;
	return len;
}

/* grpc: "grpc-status: N", in the headers or the trailers. */
static size_t
grpc_header(char *ptr, size_t size, size_t n, void *arg)
{
	struct probe_run *r = arg;
	size_t len = size * n;
	static const char key[] = "grpc-status:";

	if (len > sizeof(key) && strncasecmp(ptr, key, sizeof(key) - 1) == 0) {
		char num[8] = "";
		size_t i = sizeof(key) - 1, j = 0;

		while (i < len && ptr[i] == ' ')
			i++;
		while (i < len && j + 1 < sizeof(num) && ptr[i] >= '0' && ptr[i] <= '9')
			num[j++] = ptr[i++];
		if (j > 0)
			r->grpc_status = (int)strtol(num, NULL, 10);
	}
	return len;
}

static void
easy_free(struct probe_run *r)
{
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->body);
	r->easy = NULL;
	r->headers = NULL;
	r->body = NULL;
}

void
probe_net_cancel(struct probe_run *r)
{
	struct podd *d = r->owner != NULL ? r->owner->c->d : NULL;

	if (r->easy != NULL && d != NULL && d->probe_loop != NULL)
		curl_loop_cancel(d->probe_loop->curl, r->easy);
	easy_free(r);
}

/* grpc.health.v1.HealthCheckResponse.status of a response's first
 * message (5-byte gRPC frame head, then field 1, a varint), or -1. */
static int
grpc_serving_status(const struct probe_run *r)
{
	const unsigned char *b = r->resp;
	size_t len;

	if (r->resp_len < 5 || b[0] != 0)
		return -1;
	len = (size_t)b[1] << 24 | (size_t)b[2] << 16 | (size_t)b[3] << 8 | b[4];
	if (len == 0)
		return 0; /* every field at its default: UNKNOWN */
	if (r->resp_len < 7 || len < 2 || b[5] != 0x08 || b[6] > 0x7f)
		return -1;
	return b[6];
}

static void
grpc_done(struct probe_run *r, long code, char *msg, size_t len)
{
	static const char *const names[] = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
	int st = grpc_serving_status(r);

	if (code != 200)
		(void)snprintf(msg, len, "grpc probe failed: HTTP status %ld", code);
	else if (r->grpc_status > 0)
		(void)snprintf(msg, len, "grpc probe failed: rpc error: code = %d", r->grpc_status);
	else if (st < 0)
		(void)snprintf(msg, len, "grpc probe failed: no health response");
	else if (st != 1)
		(void)snprintf(msg, len, "service unhealthy (responded with \"%s\")",
			       st < 4 ? names[st] : "?");
}

static void
on_done(CURL *easy, CURLcode rc, void *arg)
{
	struct probe_run *r = arg;
	char msg[CURL_ERROR_SIZE + 64] = "";
	long code = 0;

	(void)curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK)
		(void)snprintf(msg, sizeof(msg), "%s",
			       r->errbuf[0] != '\0' ? r->errbuf : curl_easy_strerror(rc));
	else if (r->spec.handler == PROBE_H_HTTP && (code < 200 || code >= 400))
		(void)snprintf(msg, sizeof(msg), "HTTP probe failed with statuscode: %ld", code);
	else if (r->spec.handler == PROBE_H_GRPC)
		grpc_done(r, code, msg, sizeof(msg));
	easy_free(r);
	probe_check_done(r, msg[0] == '\0', msg);
}

/* The address checked: the probe's host, else the pod's address, else the
 * container's own loopback (a container of its own has no other). */
static void
target_host(const struct probe_run *r, char *buf, size_t len)
{
	const struct container *c = r->owner->c;
	const char *host = r->spec.host;
	struct pd_err ignored;

	if (host[0] == '\0' && c->rec.spec.pod[0] != '\0') {
		struct pod *pod = pod_find(c->d, c->rec.spec.pod, &ignored);

		if (pod != NULL && pod->rec.ip[0] != '\0')
			host = pod->rec.ip;
	}
	if (host[0] == '\0')
		host = "127.0.0.1";
	(void)snprintf(buf, len, strchr(host, ':') != NULL ? "[%s]" : "%s", host);
}

/* The request's headers: the probe's, then the kubelet's defaults for the
 * names it did not give. */
static struct curl_slist *
http_headers(const struct probe_spec *s)
{
	struct curl_slist *l = NULL;
	bool ua = false, accept = false;
	size_t i;
	json_t *h;

	json_array_foreach (s->headers, i, h) {
		const char *name = json_string_value(json_object_get(h, "name"));
		const char *value = json_string_value(json_object_get(h, "value"));
		cleanup_free char *line =
		    value[0] != '\0' ? xasprintf("%s: %s", name, value) : xasprintf("%s;", name);

		ua = ua || strcasecmp(name, "User-Agent") == 0;
		accept = accept || strcasecmp(name, "Accept") == 0;
		l = curl_slist_append(l, line);
	}
	if (!ua)
		l = curl_slist_append(l, "User-Agent: " PROBE_USER_AGENT);
	if (!accept)
		l = curl_slist_append(l, "Accept: */*");
	return l;
}

/* grpc.health.v1.HealthCheckRequest {service} in a gRPC frame. */
static void
grpc_body(struct probe_run *r, size_t *len)
{
	size_t n = strlen(r->spec.service), msg = n > 0 ? 2 + n + (n > 127) : 0;
	unsigned char *b = xcalloc(1, 5 + msg);
	size_t o = 5;

	b[1] = (unsigned char)(msg >> 24);
	b[2] = (unsigned char)(msg >> 16);
	b[3] = (unsigned char)(msg >> 8);
	b[4] = (unsigned char)msg;
	if (n > 0) {
		b[o++] = 0x0a; /* field 1, length-delimited */
		if (n > 127) {
			b[o++] = (unsigned char)(0x80 | (n & 0x7f));
			b[o++] = (unsigned char)(n >> 7);
		} else {
			b[o++] = (unsigned char)n;
		}
		memcpy(b + o, r->spec.service, n);
	}
	r->body = (char *)b;
	*len = 5 + msg;
}

int
probe_net_start(struct probe_run *r, struct pd_err *err)
{
	struct podd *d = r->owner->c->d;
	struct probe_loop *pl = probe_loop_get(d, err);
	const struct probe_spec *s = &r->spec;
	char host[PROBE_HOST_MAX + 2];
	cleanup_free char *url = NULL;
	CURL *e;

	if (pl == NULL)
		return -1;
	target_host(r, host, sizeof(host));
	switch (s->handler) {
	case PROBE_H_HTTP:
		url =
		    xasprintf("%s://%s:%d%s", s->https ? "https" : "http", host, s->port, s->path);
		break;
	case PROBE_H_TCP:
		url = xasprintf("http://%s:%d/", host, s->port);
		break;
	case PROBE_H_GRPC:
		url = xasprintf("http://%s:%d/grpc.health.v1.Health/Check", host, s->port);
		break;
	case PROBE_H_EXEC:
		PD_UNREACHABLE("an exec probe is not a network check");
	}
	e = curl_easy_init();
	if (e == NULL)
		return pd_fail(err, PD_E_SYSTEM, "curl_easy_init failed");
	r->easy = e;
	r->errbuf[0] = '\0';
	r->resp_len = 0;
	r->grpc_status = -1;
	(void)curl_easy_setopt(e, CURLOPT_URL, url);
	(void)curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	(void)curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	(void)curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, r);
	(void)curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	(void)curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
	(void)curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* A connection of its own each time, never one of another netns. */
	(void)curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	(void)curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	/* No proxy from podd's environment: the target is in the pod. */
	(void)curl_easy_setopt(e, CURLOPT_PROXY, "");
	(void)curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	(void)curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	if (s->handler == PROBE_H_TCP) {
		(void)curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	} else if (s->handler == PROBE_H_HTTP) {
		r->headers = http_headers(s);
		(void)curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
		(void)curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		(void)curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		size_t len;

		grpc_body(r, &len);
		r->headers = curl_slist_append(NULL, "Content-Type: application/grpc");
		r->headers = curl_slist_append(r->headers, "TE: trailers");
		r->headers = curl_slist_append(r->headers, "User-Agent: " PROBE_USER_AGENT);
		(void)curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
				       (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
		(void)curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
		(void)curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
		(void)curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)len);
		(void)curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_resp);
		(void)curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
		(void)curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, grpc_header);
		(void)curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	}
	if (curl_loop_add(pl->curl, e, on_done, r, err) < 0) {
		easy_free(r);
		return -1;
	}
	return 0;
}
