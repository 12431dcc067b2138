/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/digest: SHA-256 in the OCI form, streamed in pieces or read from an fd,
 * against known vectors (FIPS 180-2's "abc" and the empty string).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "unit.h"

#define EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC   "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void
test_vectors(void)
{
	char out[PD_DIGEST_MAX + 1];

	pd_digest_buf("", 0, out);
	CHECK_STR(out, ==, EMPTY);
	pd_digest_buf("abc", 3, out);
	CHECK_STR(out, ==, ABC);
	CHECK(pd_digest_valid(out));
	CHECK_STR(pd_digest_hex(out), ==, ABC + 7);
}

static void
test_streaming(void)
{
	cleanup_digest struct pd_digest *d = pd_digest_new();
	char out[PD_DIGEST_MAX + 1];

	pd_digest_update(d, "a", 1);
	pd_digest_update(d, "", 0);
	pd_digest_update(d, "bc", 2);
	CHECK_INT(pd_digest_size(d), ==, 3);
	pd_digest_final(d, out);
	CHECK_STR(out, ==, ABC);
	/* After final it starts over. */
	CHECK_INT(pd_digest_size(d), ==, 0);
	pd_digest_final(d, out);
	CHECK_STR(out, ==, EMPTY);
}

static void
test_fd(void)
{
	char out[PD_DIGEST_MAX + 1];
	struct pd_err err = {0};
	uint64_t size = 0;
	int p[2];

	REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	REQUIRE(write(p[1], "abc", 3) == 3);
	close(p[1]);
	CHECK_INT(pd_digest_fd(p[0], out, &size, &err), ==, 0);
	close(p[0]);
	CHECK_STR(out, ==, ABC);
	CHECK_INT(size, ==, 3);
	CHECK_INT(pd_digest_fd(-1, out, NULL, &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_SYSTEM);
}

static void
test_check(void)
{
	struct pd_err err = {0};

	CHECK_INT(pd_digest_check(ABC, ABC, "blob", &err), ==, 0);
	CHECK_INT(pd_digest_check(ABC, EMPTY, "blob", &err), ==, -1);
	CHECK_INT(err.kind, ==, PD_E_INVALID);
	CHECK_CONTAINS(err.msg, "blob: digest mismatch: expected " ABC);
}

static const struct unit_case cases[] = {
    {"vectors", test_vectors},
    {"streaming", test_streaming},
    {"fd", test_fd},
    {"check", test_check},
};

UNIT_MAIN(cases)
