/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: published ports, as podd reads them. The bytes are tried
 * as one `-p` value (port_spec_parse) and as the JSON list of a request body
 * or a state file (port_list_from_json). Whatever is accepted must be in
 * range, print in canonical form within its bound, and survive a JSON round
 * trip unchanged; whatever is refused must leave the list as it was and say
 * why on one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "port_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const struct pd_err *err)
{
	if ((err->kind != PD_E_INVALID && err->kind != PD_E_TOO_LARGE) ||
	    strnlen(err->msg, sizeof(err->msg)) == sizeof(err->msg) ||
	    strchr(err->msg, '\n') != NULL)
		abort();
}

/* Every map is in range and round-trips through JSON; the list's overlap
 * check gives an answer either way. */
static void
check_list(const struct port_list *l)
{
	struct port_list back = {0};
	struct pd_err err = {0};
	json_t *j;
	char *s;

	for (size_t i = 0; i < l->n; i++) {
		char buf[PORT_MAP_STR_MAX];

		if (l->maps[i].host_port == 0 || l->maps[i].pod_port == 0)
			abort();
		if (strlen(port_map_format(&l->maps[i], buf, sizeof(buf))) >= sizeof(buf) - 1)
			abort();
	}
	j = port_list_to_json(l);
	if (port_list_from_json(j, &back, &err) < 0 || back.n != l->n ||
	    (l->n > 0 && memcmp(back.maps, l->maps, l->n * sizeof(l->maps[0])) != 0))
		abort();
	if (port_list_check(l, &err) < 0)
		check_err(&err);
	s = port_list_format(l);
	free(s);
	port_list_clear(&back);
	json_decref(j);
}

static void
fuzz_spec(const char *s)
{
	struct port_list l = {0};
	struct pd_err err = {0};

	/* Twice into one list: the second append must keep the first maps. */
	if (port_spec_parse(s, &l, &err) < 0) {
		check_err(&err);
		if (l.n != 0)
			abort();
		return;
	}
	if (l.n == 0 || l.n > PORT_LIST_MAX_MAPS)
		abort();
	check_list(&l);
	if (port_spec_parse(s, &l, &err) == 0) {
		/* The same spec twice overlaps itself. */
		if (port_list_check(&l, &err) == 0)
			abort();
	}
	port_list_clear(&l);
}

static void
fuzz_json(const uint8_t *data, size_t size)
{
	struct port_list l = {0};
	struct pd_err err = {0};
	json_t *j = pd_json_load((const char *)data, size, 64 * 1024, &err);

	if (j == NULL)
		return;
	if (port_list_from_json(j, &l, &err) < 0) {
		check_err(&err);
		if (l.n != 0)
			abort();
	} else {
		check_list(&l);
	}
	port_list_clear(&l);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_spec(s);
	free(s);
	fuzz_json(data, size);
	return 0;
}
