// SPDX-License-Identifier: Apache-2.0
#include "nft.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <string.h>

#include "cleanup.h"

static void
ctx_free(struct nft_ctx **ctx)
{
	if (*ctx)
		nft_ctx_free(*ctx);
}
#define cleanup_nft __attribute__((cleanup(ctx_free)))

/* nft's error buffer holds the error and the offending command with a caret
 * line below it: keep the first line. */
static int
fail_with(struct nft_ctx *ctx, enum pd_kind kind, struct pd_err *err)
{
	const char *msg = nft_ctx_get_error_buffer(ctx);
	if (!msg || !*msg)
		msg = "nft: the command failed";
	size_t n = strcspn(msg, "\n");
	return pd_fail(err, kind, "%.*s", (int)n, msg);
}

static struct nft_ctx *
ctx_new(bool json, struct pd_err *err)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		pd_fail_errno(err, ENOMEM, "libnftables");
		return NULL;
	}
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		nft_ctx_free(ctx);
		pd_fail_errno(err, ENOMEM, "libnftables");
		return NULL;
	}
	if (json)
		nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	return ctx;
}

int
pd_nft_run(const char *cmds, struct pd_err *err)
{
	cleanup_nft struct nft_ctx *ctx = ctx_new(false, err);
	if (!ctx)
		return -1;
	if (nft_run_cmd_from_buffer(ctx, cmds) != 0)
		return fail_with(ctx, PD_E_SYSTEM, err);
	return 0;
}

int
pd_nft_list(const char *cmd, json_t **out, struct pd_err *err)
{
	*out = NULL;
	cleanup_nft struct nft_ctx *ctx = ctx_new(true, err);
	if (!ctx)
		return -1;
	if (nft_run_cmd_from_buffer(ctx, cmd) != 0) {
		const char *msg = nft_ctx_get_error_buffer(ctx);
		bool missing = msg && strstr(msg, "No such file or directory");
		return fail_with(ctx, missing ? PD_E_NOT_FOUND : PD_E_SYSTEM, err);
	}
	json_error_t jerr;
	*out = json_loads(nft_ctx_get_output_buffer(ctx), 0, &jerr);
	if (!*out)
		return pd_fail(err, PD_E_SYSTEM, "nft printed JSON jansson cannot read: %s",
			       jerr.text);
	return 0;
}
