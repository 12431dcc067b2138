/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what a registry or a client sends about authentication
 * (a WWW-Authenticate challenge, a token server's reply, an X-Registry-Auth
 * header) on any bytes. A parsed Bearer challenge has an http(s) realm; a
 * parsed token has no line break (it goes into a header).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reg_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_err err = {0};
	struct reg_challenge c;
	struct reg_creds cr;
	long long expires_s;
	char *s = malloc(size + 1);
	char *token = malloc(REG_TOKEN_MAX);

	if (s == NULL || token == NULL) {
		free(s);
		free(token);
		return 0;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	if (reg_challenge_parse(s, &c, &err) == 0 && c.scheme == REG_SCHEME_BEARER &&
	    strncmp(c.realm, "http", 4) != 0)
		abort();
	(void)reg_creds_parse(s, &cr, &err);
	if (reg_token_parse(s, size, token, &expires_s, &err) == 0 &&
	    strpbrk(token, "\r\n") != NULL)
		abort();
	free(s);
	free(token);
	return 0;
}
