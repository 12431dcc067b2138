/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl's multi interface driven by podd's event_base: curl says which
 * sockets to watch and when to time out (CURLMOPT_SOCKETFUNCTION,
 * CURLMOPT_TIMERFUNCTION), libevent watches them and tells curl what
 * happened (curl_multi_socket_action). No thread and no blocking call: name
 * resolution is curl's own (threaded resolver), transfers move only when
 * their sockets are ready. Connections are kept and reused across
 * transfers, so a pull's requests share one TLS session per registry.
 *
 * Ownership: the caller owns each easy handle and its options; the loop
 * only holds it between curl_loop_add and the done callback (or
 * curl_loop_cancel). CURLOPT_PRIVATE is the loop's: do not set it.
 */
#pragma once

#include <curl/curl.h>

#include "err.h"

struct event_base;
struct curl_loop;

/* Called once from the loop when @easy's transfer ends: @rc CURLE_OK when
 * it completed (any HTTP status), else curl's error. @easy is no longer in
 * the loop: the callback may free it, or add it again. */
typedef void curl_loop_done_fn(CURL *easy, CURLcode rc, void *arg);

/* A new loop on @base (calls curl_global_init the first time).
 * PD_E_SYSTEM when curl or libevent cannot make one. Returns it, or NULL. */
struct curl_loop *curl_loop_new(struct event_base *base, struct pd_err *err);

/* Start @easy's transfer; @done(@easy, rc, @arg) runs once when it ends,
 * never from within this call. Returns 0 or -1 (PD_E_SYSTEM). */
int curl_loop_add(struct curl_loop *cl, CURL *easy, curl_loop_done_fn *done, void *arg,
		  struct pd_err *err);

/* Stop @easy's transfer if it is in the loop; its callback will not run. */
void curl_loop_cancel(struct curl_loop *cl, CURL *easy);

/* Stop every transfer (no callback runs) and free the loop; NULL is fine.
 * The easy handles stay their owners' to free. */
void curl_loop_free(struct curl_loop *cl);
