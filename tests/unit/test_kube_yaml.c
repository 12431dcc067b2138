/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli/kube_yaml: YAML streams into JSON values typed as kubectl types them
 * (go-yaml v2's YAML 1.1 scalars), anchors, merge keys, the limits and the
 * refusals; and JSON back out as block YAML that reads back the same.
 */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "unit.h"
#include "xalloc.h"
#include "kube_yaml.h"

/* @yaml parses into documents whose compact JSON is @want. */
static void
load_ok(const char *yaml, const char *want)
{
	struct pd_err err = {0};
	cleanup_json json_t *docs = kube_yaml_load_all(yaml, strlen(yaml), &err);
	cleanup_free char *got = NULL;

	if (docs == NULL) {
		CHECK_STR(err.msg, ==, "(parsed)");
		return;
	}
	got = pd_json_dump(docs);
	CHECK_STR(got, ==, want);
}

static void
load_bad(const char *yaml, const char *want)
{
	struct pd_err err = {0};
	cleanup_json json_t *docs = kube_yaml_load_all(yaml, strlen(yaml), &err);

	CHECK(docs == NULL);
	CHECK_CONTAINS(err.msg, want);
}

static void
test_scalars(void)
{
	load_ok("a: 1\nb: -0x1f\nc: 0644\nd: 0o17\ne: 1_000\nf: 1.5\ng: 1e3\nh: 09\n",
		"[{\"a\":1,\"b\":-31,\"c\":420,\"d\":15,\"e\":1000,\"f\":1.5,\"g\":1000.0,"
		"\"h\":9.0}]");
	load_ok("[true, False, yes, NO, on, Off, y, n, null, ~, Null, '', x]",
		"[[true,false,true,false,true,false,true,false,null,null,null,\"\",\"x\"]]");
	load_ok("a:\nb: \"1\"\nc: '01'\nd: !!str 5\ne: |\n  x\n  y\nf: 2001-12-14\n",
		"[{\"a\":null,\"b\":\"1\",\"c\":\"01\",\"d\":\"5\",\"e\":\"x\\ny\\n\","
		"\"f\":\"2001-12-14\"}]");
	load_ok("v: 1.2.3\nw: 0x\nx: 9223372036854775807\nt: 1:30\nz: -a\n",
		"[{\"t\":\"1:30\",\"v\":\"1.2.3\",\"w\":\"0x\",\"x\":9223372036854775807,"
		"\"z\":\"-a\"}]");
	/* Keys are JSON strings: `yes:` and even `y:` are "true" (go-yaml v2,
	 * hence kubectl), 1 is "1". */
	load_ok("yes: a\n1: b\n~: c\nn: d\n",
		"[{\"1\":\"b\",\"false\":\"d\",\"null\":\"c\",\"true\":\"a\"}]");
	load_bad("a: .inf\n", "not a number JSON can hold");
	load_bad("a: !!int x\n", "does not match its tag");
	load_bad("a: !custom x\n", "unsupported tag");
}

static void
test_documents(void)
{
	load_ok("---\na: 1\n---\n# only a comment\n---\nb: 2\n...\n", "[{\"a\":1},{\"b\":2}]");
	load_ok("", "[]");
	load_ok("---\n---\n", "[]");
	load_bad("a: [1, 2\n", "line 2");
	load_bad("a: 1\na: 2\n", "duplicate key \"a\"");
	load_bad("? [a]\n: 1\n", "mapping key must be a scalar");
	load_bad("a:\n\tb: 1\n", "line");
}

static void
test_anchors(void)
{
	load_ok("base: &b {x: 1, w: 2}\nuse: *b\nlist: [&v 5, *v]\n",
		"[{\"base\":{\"w\":2,\"x\":1},\"list\":[5,5],\"use\":{\"w\":2,\"x\":1}}]");
	/* Merge keys: explicit keys win, earlier sources over later. */
	load_ok("a: &a {x: 1, w: 2}\nb: &b {w: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 9\n",
		"[{\"a\":{\"w\":2,\"x\":1},\"b\":{\"w\":3,\"z\":4},\"c\":{\"w\":2,\"x\":9,"
		"\"z\":4}}]");
	/* An anchor on a key (fuzz_kube found its copy leaked). */
	load_ok("&k a: 1\nb: *k\n", "[{\"a\":1,\"b\":\"a\"}]");
	load_bad("&k a: 1\n*k : 2\n", "duplicate key \"a\"");
	load_bad("a: *nope\n", "unknown alias");
	load_bad("a: &a [1, *a]\n", "unknown alias");
	load_bad("a:\n  <<: 5\n", "merge key takes mappings");
}

/* The "billion laughs": aliases of aliases are counted as copies. */
static void
test_limits(void)
{
	const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
	cleanup_free char *deep = xmalloc(2 * 100 + 1);
	struct pd_err err = {0};

	load_bad(bomb, "nodes");
	for (int i = 0; i < 100; i++) {
		deep[i] = '[';
		deep[100 + i] = ']';
	}
	deep[200] = '\0';
	load_bad(deep, "nested deeper");
	CHECK(kube_yaml_load_all("a", KUBE_YAML_MAX_BYTES + 1, &err) == NULL);
	CHECK_INT(err.kind, ==, PD_E_TOO_LARGE);
}

/* Dump @json and read it back: the same value, and the text @want. */
static void
round_trip(const char *json, const char *want)
{
	struct pd_err err = {0};
	cleanup_json json_t *v = pd_json_load(json, strlen(json), 1 << 20, &err);
	cleanup_free char *text = NULL;
	cleanup_json json_t *back = NULL;

	REQUIRE(v != NULL);
	text = kube_yaml_dump_all(v, &err);
	REQUIRE(text != NULL);
	if (want != NULL)
		CHECK_STR(text, ==, want);
	back = kube_yaml_load_all(text, strlen(text), &err);
	REQUIRE(back != NULL);
	CHECK(json_equal(v, back));
}

static void
test_dump(void)
{
	round_trip("[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"name\":"
		   "\"a\",\"args\":[\"1\",\"yes\",\"on\",\"x: y\",\"- z\",\"\"],\"m\":5}],"
		   "\"e\":{},\"l\":[],\"t\":true,\"nul\":null}}]",
		   "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    args:\n"
		   "    - '1'\n    - 'yes'\n    - 'on'\n    - 'x: y'\n    - '- z'\n    - ''\n"
		   "    m: 5\n  e: {}\n  l: []\n  t: true\n  nul: null\n");
	round_trip("[{\"a\":1},{\"b\":\"multi\\nline\\n\"}]", "a: 1\n---\nb: |\n  multi\n  line\n");
	round_trip("[{\"n\":1,\"y\":2}]", "'n': 1\n'y': 2\n");
	round_trip("[{\"k\":\"0644\",\"f\":1.5,\"u\":\"\\u00e9t\\u00e9\",\"q\":\"it's \\\"q\\\"\","
		   "\"s\":\" lead\",\"c\":\"#x\",\"n\":\"null\",\"t\":\"~\",\"x\":\"0x10\"}]",
		   NULL);
}

static const struct unit_case cases[] = {
    {"scalars", test_scalars}, {"documents", test_documents}, {"anchors", test_anchors},
    {"limits", test_limits},   {"dump", test_dump},
};

UNIT_MAIN(cases)
