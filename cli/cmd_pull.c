/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl pull and push: the reference is checked here (exit 125 naming the
 * fault), the credentials for its registry are looked up in the auth files
 * and sent along in X-Registry-Auth, and podd's stream of progress lines is
 * shown as pullview.h says. `podctl run --pull` pulls through cmd_pull_image.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "imgref.h"
#include "json.h"
#include "pullview.h"
#include "xalloc.h"

static int
on_progress(const char *data, size_t len, void *arg, struct pd_err *err)
{
	return pullview_feed(arg, data, len, err);
}

/* POST @path with @body and the credentials for @ref's registry; show the
 * stream on @out. Returns the final message (a new reference) or NULL. */
static json_t *
stream_call(struct podctl *ctl, const char *path, json_t *body, const struct pd_imgref *ref,
	    const char *authfile, FILE *out, bool quiet, struct pd_err *err)
{
	cleanup_reply struct client_reply reply = {0};
	cleanup_pullview struct pullview v;
	cleanup_free char *s = pd_json_dump(body);
	cleanup_free char *hdr = NULL;
	struct auth_creds c = {0};
	struct client_request req = {.method = "POST",
				     .path = path,
				     .body = s,
				     .body_len = strlen(s),
				     .on_body = on_progress};
	const json_t *final;
	int r;

	pullview_init(&v, out, isatty(fileno(out)) == 1, quiet);
	req.arg = &v;
	r = auth_lookup(authfile, ref->registry, &c, err);
	if (r < 0)
		return NULL;
	if (r > 0)
		hdr = auth_header(&c, ref->registry);
	auth_creds_clear(&c);
	req.headers = hdr;
	r = client_request(ctl->socket_path, &req, &reply, err);
	if (hdr != NULL)
		explicit_bzero(hdr, strlen(hdr));
	if (r < 0)
		return NULL;
	if (reply.status < 200 || reply.status >= 300) {
		client_reply_error(&reply, err);
		return NULL;
	}
	final = pullview_end(&v, err);
	return final != NULL ? json_incref((json_t *) final) : NULL;
}

int
cmd_pull_image(struct podctl *ctl, const char *reference, const struct pull_cli *o, FILE *out,
	       struct pd_err *err)
{
	struct pd_imgref ref;
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *final = NULL;
	const char *digest, *status;

	if (pd_imgref_parse(reference, &ref, err) < 0)
		return -1;
	body = json_pack("{s:s, s:s, s:b}", PD_F_REFERENCE, reference, PD_F_PLATFORM,
			 o->platform ? o->platform : PD_DEFAULT_PLATFORM, PD_F_TLS_VERIFY,
			 o->tls_verify);
	final = stream_call(ctl, PD_PATH_IMAGES "/" PD_ACTION_PULL, body, &ref, o->authfile, out,
			    o->quiet, err);
	if (final == NULL)
		return -1;
	digest = json_string_value(json_object_get(final, PD_F_DIGEST));
	status = json_string_value(json_object_get(final, PD_F_STATUS));
	if (!o->quiet) {
		fprintf(out, "Digest: %s\n", digest ? digest : "-");
		fprintf(out, "Status: %s\n", status ? status : "-");
	}
	if (o->print_ref)
		printf("%s\n",
		       json_string_value(json_object_get(final, PD_F_REFERENCE)) ?: reference);
	return 0;
}

/* A --tls-verify value: "true"/"false" (also as a bare boolean). */
static bool
tls_verify_of(const struct flag_value *v)
{
	return !v->set || v->on;
}

enum { P_QUIET, P_PLATFORM, P_TLS_VERIFY, P_AUTHFILE };

static const struct flag_spec pull_flags[] = {
    [P_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the image's reference"},
    [P_PLATFORM] = {"platform", NULL, 0, FLAG_VALUE, "OS/ARCH[/VARIANT]",
		    "the image of this platform from an index (default " PD_DEFAULT_PLATFORM ")"},
    [P_TLS_VERIFY] = {"tls-verify", NULL, 0, FLAG_BOOL, NULL,
		      "verify the registry's certificate (--tls-verify=false also allows "
		      "plain HTTP)"},
    [P_AUTHFILE] = {"authfile", NULL, 0, FLAG_VALUE, "PATH",
		    "the auth file (default: $REGISTRY_AUTH_FILE, else ~/.config/podd/auth.json)"},
    {.name = NULL},
};

static const struct cmd_usage pull_usage = {
    .name = "pull",
    .operands = "IMAGE",
    .operand_what = "image reference",
    .summary = "Pull IMAGE ([REGISTRY/]PATH[:TAG][@DIGEST]) from its registry into podd's\n"
	       "store: the manifest, the platform's image from an index, the layers the store\n"
	       "lacks, each verified as it arrives. Progress goes to stdout.",
    .flags = pull_flags,
    .min_operands = 1,
    .max_operands = 1,
};

int
cmd_pull(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	struct pull_cli o = {0};
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&pull_usage, argc, argv, &f, &rc))
		return rc;
	o.platform = f.v[P_PLATFORM].value;
	o.tls_verify = tls_verify_of(&f.v[P_TLS_VERIFY]);
	o.authfile = f.v[P_AUTHFILE].value;
	o.quiet = f.v[P_QUIET].on;
	o.print_ref = true;
	if (cmd_pull_image(ctl, f.args[0], &o, stdout, &err) < 0)
		return cmd_error(&err);
	return 0;
}

enum { U_QUIET, U_TLS_VERIFY, U_AUTHFILE };

static const struct flag_spec push_flags[] = {
    [U_QUIET] = {"quiet", NULL, 'q', FLAG_BOOL, NULL, "print only the pushed digest"},
    [U_TLS_VERIFY] = {"tls-verify", NULL, 0, FLAG_BOOL, NULL,
		      "verify the registry's certificate (--tls-verify=false also allows "
		      "plain HTTP)"},
    [U_AUTHFILE] = {"authfile", NULL, 0, FLAG_VALUE, "PATH",
		    "the auth file (default: $REGISTRY_AUTH_FILE, else ~/.config/podd/auth.json)"},
    {.name = NULL},
};

static const struct cmd_usage push_usage = {
    .name = "push",
    .operands = "IMAGE",
    .operand_what = "image reference",
    .summary = "Push the image named IMAGE to the registry its name says. Blobs the registry\n"
	       "has already are not sent again.",
    .flags = push_flags,
    .min_operands = 1,
    .max_operands = 1,
};

int
cmd_push(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *final = NULL;
	struct pd_imgref ref;
	struct pd_err err = {0};
	const char *digest;
	int rc;

	if (!cmd_parse(&push_usage, argc, argv, &f, &rc))
		return rc;
	if (pd_imgref_parse(f.args[0], &ref, &err) < 0)
		return cmd_error(&err);
	body = json_pack("{s:s, s:b}", PD_F_REFERENCE, f.args[0], PD_F_TLS_VERIFY,
			 tls_verify_of(&f.v[U_TLS_VERIFY]));
	final = stream_call(ctl, PD_PATH_IMAGES "/" PD_ACTION_PUSH, body, &ref,
			    f.v[U_AUTHFILE].value, stdout, f.v[U_QUIET].on, &err);
	if (final == NULL)
		return cmd_error(&err);
	digest = json_string_value(json_object_get(final, PD_F_DIGEST));
	if (f.v[U_QUIET].on)
		printf("%s\n", digest ? digest : "-");
	else
		printf("%s: digest: %s\n",
		       json_string_value(json_object_get(final, PD_F_REFERENCE)) ?: f.args[0],
		       digest ? digest : "-");
	return 0;
}
