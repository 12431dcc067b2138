/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podctl login and logout. login has podd check the credentials with the
 * registry (podd keeps nothing), and only then writes them to the auth file
 * (auth.h): a refused password leaves the file as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "cleanup.h"
#include "client.h"
#include "cmd.h"
#include "imgref.h"
#include "json.h"

/* "https://host:port/" or "host:port/path" -> "host:port"; docker.io's
 * aliases -> docker.io. */
static int
registry_of(const char *s, char *out, size_t len, struct pd_err *err)
{
	size_t n;

	if (strncmp(s, "https://", 8) == 0)
		s += 8;
	else if (strncmp(s, "http://", 7) == 0)
		s += 7;
	n = strcspn(s, "/");
	if (n == 0 || n >= len || strpbrk(s, " @\r\n") != NULL)
		return pd_fail(err, PD_E_INVALID, "\"%.64s\" is not a registry (HOST[:PORT])", s);
	memcpy(out, s, n);
	out[n] = '\0';
	if (strcmp(out, "index.docker.io") == 0 || strcmp(out, "registry-1.docker.io") == 0)
		(void)snprintf(out, len, "%s", PD_IMGREF_DOCKER_IO);
	return 0;
}

/* One line from stdin without its newline; echo off on a terminal when
 * @secret. */
static int
read_line(const char *prompt, bool secret, char *buf, size_t len, struct pd_err *err)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) == 1;
	bool echo_off = false;
	char *r;

	if (tty) {
		fputs(prompt, stderr);
		(void)fflush(stderr);
	}
	if (tty && secret && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	r = fgets(buf, (int)len, stdin);
	if (echo_off) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (r == NULL)
		return pd_fail(err, PD_E_INVALID, "no %s given on stdin",
			       secret ? "password" : "username");
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

enum { L_USER, L_PASS, L_PASS_STDIN, L_TLS_VERIFY, L_AUTHFILE };

static const struct flag_spec login_flags[] = {
    [L_USER] = {"username", NULL, 'u', FLAG_VALUE, "USER", "the user name"},
    [L_PASS] = {"password", NULL, 'p', FLAG_VALUE, "PASS",
		"the password (--password-stdin keeps it out of ps)"},
    [L_PASS_STDIN] = {"password-stdin", NULL, 0, FLAG_BOOL, NULL, "read the password from stdin"},
    [L_TLS_VERIFY] = {"tls-verify", NULL, 0, FLAG_BOOL, NULL,
		      "verify the registry's certificate (--tls-verify=false also allows "
		      "plain HTTP)"},
    [L_AUTHFILE] = {"authfile", NULL, 0, FLAG_VALUE, "PATH",
		    "the auth file (default: $REGISTRY_AUTH_FILE, else ~/.config/podd/auth.json)"},
    {.name = NULL},
};

static const struct cmd_usage login_usage = {
    .name = "login",
    .operands = "[REGISTRY]",
    .summary = "Check a user name and password with REGISTRY (default docker.io) through podd,\n"
	       "then keep them in the auth file for pull and push.",
    .flags = login_flags,
    .min_operands = 0,
    .max_operands = 1,
};

int
cmd_login(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	cleanup_json json_t *body = NULL;
	cleanup_json json_t *reply = NULL;
	char registry[PD_IMGREF_HOST_MAX + 1];
	struct auth_creds c = {0};
	struct pd_err err = {0};
	int rc;

	if (!cmd_parse(&login_usage, argc, argv, &f, &rc))
		return rc;
	if (registry_of(f.nargs > 0 ? f.args[0] : PD_IMGREF_DOCKER_IO, registry, sizeof(registry),
			&err) < 0)
		return cmd_error(&err);
	if (f.v[L_PASS].set && f.v[L_PASS_STDIN].on)
		return cmd_usage_error(&login_usage,
				       "--password and --password-stdin exclude each other");
	if (f.v[L_USER].set)
		(void)snprintf(c.username, sizeof(c.username), "%s", f.v[L_USER].value);
	else if (read_line("Username: ", false, c.username, sizeof(c.username), &err) < 0)
		return cmd_error(&err);
	if (f.v[L_PASS].set)
		(void)snprintf(c.password, sizeof(c.password), "%s", f.v[L_PASS].value);
	else if (read_line("Password: ", true, c.password, sizeof(c.password), &err) < 0)
		return cmd_error(&err);
	if (c.username[0] == '\0') {
		auth_creds_clear(&c);
		return cmd_usage_error(&login_usage, "a user name is required");
	}
	body = json_pack("{s:s, s:s, s:s, s:b}", PD_F_REGISTRY, registry, PD_F_USERNAME, c.username,
			 PD_F_PASSWORD, c.password, PD_F_TLS_VERIFY,
			 !f.v[L_TLS_VERIFY].set || f.v[L_TLS_VERIFY].on);
	reply = client_call(ctl->socket_path, "POST", PD_PATH_REGISTRY_LOGIN, body, &err);
	json_object_clear(body);
	if (reply == NULL || auth_store(f.v[L_AUTHFILE].value, registry, &c, &err) < 0) {
		auth_creds_clear(&c);
		return cmd_error(&err);
	}
	auth_creds_clear(&c);
	printf("Login Succeeded\n");
	return 0;
}

enum { O_AUTHFILE };

static const struct flag_spec logout_flags[] = {
    [O_AUTHFILE] = {"authfile", NULL, 0, FLAG_VALUE, "PATH",
		    "the auth file (default: $REGISTRY_AUTH_FILE, else ~/.config/podd/auth.json)"},
    {.name = NULL},
};

static const struct cmd_usage logout_usage = {
    .name = "logout",
    .operands = "[REGISTRY]",
    .summary = "Forget the credentials kept for REGISTRY (default docker.io).",
    .flags = logout_flags,
    .min_operands = 0,
    .max_operands = 1,
};

int
cmd_logout(struct podctl *ctl, int argc, char **argv)
{
	cleanup_flags struct flags f = {0};
	char registry[PD_IMGREF_HOST_MAX + 1];
	struct pd_err err = {0};
	int rc;

	(void)ctl;
	if (!cmd_parse(&logout_usage, argc, argv, &f, &rc))
		return rc;
	if (registry_of(f.nargs > 0 ? f.args[0] : PD_IMGREF_DOCKER_IO, registry, sizeof(registry),
			&err) < 0 ||
	    auth_remove(f.v[O_AUTHFILE].value, registry, &err) < 0)
		return cmd_error(&err);
	printf("Removed login credentials for %s\n", registry);
	return 0;
}
