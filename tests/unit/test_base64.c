/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/base64: RFC 4648's vectors both ways, both alphabets, and what is not
 * base64.
 */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "unit.h"

static void
test_rfc4648_vectors(void)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
					    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		struct pd_err err = {0};
		char *e = pd_base64_encode(plain[i], strlen(plain[i]), false);
		size_t n = 0;
		char *d = pd_base64_decode(coded[i], &n, &err);

		CHECK_STR(e, ==, coded[i]);
		REQUIRE(d != NULL);
		CHECK_INT(n, ==, strlen(plain[i]));
		CHECK_STR(d, ==, plain[i]);
		free(e);
		free(d);
	}
}

static void
test_url_safe(void)
{
	const unsigned char bytes[] = {0xfb, 0xff, 0xfe};
	struct pd_err err = {0};
	char *e = pd_base64_encode(bytes, sizeof(bytes), true);
	char *s = pd_base64_encode("a", 1, true);
	size_t n = 0;
	char *d;

	CHECK_STR(e, ==, "-__-");
	CHECK_STR(s, ==, "YQ");
	d = pd_base64_decode(e, &n, &err);
	REQUIRE(d != NULL);
	CHECK_INT(n, ==, 3);
	CHECK(memcmp(d, bytes, 3) == 0);
	free(d);
	d = pd_base64_decode("YQ", &n, &err);
	REQUIRE(d != NULL);
	CHECK_STR(d, ==, "a");
	free(d);
	free(e);
	free(s);
}

static void
test_not_base64(void)
{
	struct pd_err err = {0};
	size_t n = 0;

	CHECK(pd_base64_decode("Zm9v!", &n, &err) == NULL);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK(pd_base64_decode("Z", &n, &err) == NULL);
	CHECK(pd_base64_decode("Zg===", &n, &err) == NULL);
	CHECK(pd_base64_decode("Zm 9v", &n, &err) == NULL);
}

static const struct unit_case cases[] = {
    {"rfc4648_vectors", test_rfc4648_vectors},
    {"url_safe", test_url_safe},
    {"not_base64", test_not_base64},
};

UNIT_MAIN(cases)
