/* -m hl and -j HL: the IPv6 hop limit.
 *
 *   -m hl --hl-eq|lt|gt N   payload nh+7 (1 byte); cmp eq|neq|lt|gt N
 *   -j HL --hl-set N        immediate N; payload write nh+7 (1 byte, no
 *                           checksum: the IPv6 header has none)
 *
 * nft writes `ip6 hoplimit 5` and `ip6 hoplimit set 5` the same way.
 * --hl-dec and --hl-inc would need arithmetic, which nf_tables does not
 * have: they are refused (check) unless --compat, and read back from the
 * reference's xt blob. The reference writes both the match and the target
 * as blobs, and so does --compat.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

#define HOPLIMIT_OFFSET 7

/* ---- -m hl ---- */

/* The reference's modes (IP6T_HL_EQ ...), also our data. */
enum hl_mode { HL_EQ, HL_NE, HL_LT, HL_GT };

struct hl_data {
	uint8_t mode;
	uint8_t hl;
};

enum { O_EQ, O_LT, O_GT };

static const struct ext_opt hl_opts[] = {
	{ .name = "hl-eq", .has_arg = true, .id = O_EQ, .invertible = true,
	  .flags = OF_INV, .help_arg = "value", .help = "hop limit equal to value" },
	{ .name = "hl-lt", .has_arg = true, .id = O_LT, .invertible = true,
	  .help_arg = "value", .help = "hop limit below value" },
	{ .name = "hl-gt", .has_arg = true, .id = O_GT, .invertible = true,
	  .help_arg = "value", .help = "hop limit above value" },
	{ .name = NULL },
};

static const struct xt_excl hl_excl[] = {
	{ O_EQ, "hl-eq", 0 },
	{ O_LT, "hl-lt", 1 << O_EQ | 1 << O_GT },
	{ O_GT, "hl-gt", 1 << O_EQ | 1 << O_LT },
};

static int hl_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct hl_data *d = data;
	const char *name = hl_opts[id].name;
	uint64_t v;

	if (inv && id != O_EQ)
		return xt_err_noinv(ctx->err, "hl", name);
	if (xt_parse_uint(ctx->err, "hl", name, arg, 0, 255, &v) < 0)
		return -1;
	d->hl = (uint8_t)v;
	switch (id) {
	case O_EQ: d->mode = inv ? HL_NE : HL_EQ; break;
	case O_LT: d->mode = HL_LT; break;
	case O_GT: d->mode = HL_GT; break;
	}
	return 0;
}

static int hl_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "HL match: You must specify one of `--hl-eq', `--hl-lt', `--hl-gt'");
	return xt_check_excl(ctx->err, "hl", hl_excl, ARRAY_SIZE(hl_excl), seen);
}

static const enum cmp_op_kind hl_ops[] = { REL_EQ, REL_NEQ, REL_LT, REL_GT };

static void hl_linearize(struct lin_ctx *c, const void *data)
{
	const struct hl_data *d = data;

	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, HOPLIMIT_OFFSET, 1);
	lin_cmp(c, hl_ops[d->mode], &d->hl, 1);
}

/*
 * The reference's blobs, revision 0, for the match (struct ip6t_hl_info)
 * and the target (struct ip6t_HL_info):
 *
 *   0      1           2
 *   +------+-----------+
 *   | mode | hop_limit |   match: EQ NE LT GT; target: SET INC DEC
 *   +------+-----------+
 */
struct hl_blob {
	uint8_t mode, hop_limit;
};

/* Our data is the blob: the modes are the reference's own numbers. */
static enum compat_res hl_blob_out(uint8_t mode, uint8_t hl, struct xt_out *out)
{
	struct hl_blob b = { .mode = mode, .hop_limit = hl };

	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static enum compat_res hl_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct hl_data *d = data;

	(void)c;
	return hl_blob_out(d->mode, d->hl, out);
}

static bool hl_delinearize(struct delin_ctx *c, void *data)
{
	struct hl_data *d = data;
	struct item *it = delin_peek(c);
	const void *p;
	uint8_t m;

	if (item_is_payload(it, NFT_PAYLOAD_NETWORK_HEADER, HOPLIMIT_OFFSET, 1) &&
	    !it->masked && it->len == 1) {
		for (m = 0; m < ARRAY_SIZE(hl_ops); m++) {
			if (hl_ops[m] == it->op) {
				d->mode = m;
				d->hl = it->val[0];
				c->pos++;
				return true;
			}
		}
		return false;
	}
	p = xt_blob(it, false, "hl", 0, sizeof(struct hl_blob));
	if (p) {
		struct hl_blob b;

		memcpy(&b, p, sizeof(b));
		if (b.mode > HL_GT)
			return false;
		d->mode = b.mode;
		d->hl = b.hop_limit;
		c->pos++;
		return true;
	}
	return false;
}

static void hl_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	static const char *const op[] = { "==", "!=", "<", ">" };
	const struct hl_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " HL match HL %s %u", op[d->mode], d->hl);
}

static void hl_save(struct strbuf *out, const void *data, const struct rule *r)
{
	static const char *const opt[] = { " --hl-eq", " ! --hl-eq", " --hl-lt", " --hl-gt" };
	const struct hl_data *d = data;

	(void)r;
	sb_printf(out, "%s %u", opt[d->mode], d->hl);
}

const struct extension ext_hl = {
	.name = "hl",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct hl_data),
	.opts = hl_opts,
	.parse = hl_parse,
	.check = hl_check,
	.linearize = hl_linearize,
	.compat = hl_compat,
	.delinearize = hl_delinearize,
	.print = hl_print,
	.save = hl_save,
};

/* ---- -j HL ---- */

/* The reference's modes (IP6T_HL_SET ...), also our data. */
enum hl_action { HL_SET, HL_INC, HL_DEC };

struct hl_target {
	uint8_t mode;
	uint8_t hl;
};

enum { O_SET, O_DEC, O_INC };

static const struct ext_opt hl_target_opts[] = {
	{ .name = "hl-set", .has_arg = true, .id = O_SET, .invertible = true,
	  .help_arg = "value", .help = "the hop limit becomes value" },
	{ .name = "hl-dec", .has_arg = true, .id = O_DEC, .invertible = true,
	  .help_arg = "value", .help = "subtract value from the hop limit" },
	{ .name = "hl-inc", .has_arg = true, .id = O_INC, .invertible = true,
	  .help_arg = "value", .help = "add value to the hop limit" },
	{ .name = NULL },
};

static const struct xt_excl hl_target_excl[] = {
	{ O_SET, "hl-set", 1 << O_DEC | 1 << O_INC },
	{ O_DEC, "hl-dec", 1 << O_SET | 1 << O_INC },
	{ O_INC, "hl-inc", 1 << O_SET | 1 << O_DEC },
};

static int hl_target_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct hl_target *d = data;
	const char *name = hl_target_opts[id].name;
	uint64_t v;

	if (inv)
		return xt_err_noinv(ctx->err, "HL", name);
	if (xt_parse_uint(ctx->err, "HL", name, arg, id == O_SET ? 0 : 1, 255, &v) < 0)
		return -1;
	d->hl = (uint8_t)v;
	d->mode = id == O_SET ? HL_SET : id == O_DEC ? HL_DEC : HL_INC;
	return 0;
}

static int hl_target_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const struct hl_target *d = data;

	if (!seen)
		return err_param(ctx->err, "HL: You must specify an action");
	if (xt_check_excl(ctx->err, "HL", hl_target_excl, ARRAY_SIZE(hl_target_excl), seen) < 0)
		return -1;
	if (strcmp(ctx->table, "mangle") != 0)
		return xt_err_table(ctx, ctx->chain);
	if (d->mode != HL_SET && !ctx->compat)
		return err_param(ctx->err, "HL: --hl-dec and --hl-inc have no native nf_tables form; use --hl-set");
	return 0;
}

static void hl_target_linearize(struct lin_ctx *c, const void *data)
{
	const struct hl_target *d = data;
	struct nftnl_expr *imm = nftnl_expr_alloc("immediate");
	struct nftnl_expr *wr = nftnl_expr_alloc("payload");

	if (!imm || !wr)
		out_of_memory();
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(imm, NFTNL_EXPR_IMM_DATA, &d->hl, 1);
	lin_add(c, imm);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_OFFSET, HOPLIMIT_OFFSET);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_LEN, 1);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_NONE);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET, 0);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_FLAGS, 0);
	lin_add(c, wr);
}

/* The value an `ip6 hoplimit set N` statement at it writes. */
static bool delin_hoplimit_set(const struct item *it, uint8_t *value)
{
	const struct regval *rv;
	const struct nftnl_expr *e;

	if (!it || it->kind != ITEM_STMT || strcmp(it->name, "payload") != 0)
		return false;
	e = it->expr;
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) != NFT_PAYLOAD_NETWORK_HEADER ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET) != HOPLIMIT_OFFSET ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN) != 1 ||
	    (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE) &&
	     nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE) != NFT_PAYLOAD_CSUM_NONE))
		return false;
	rv = item_reg_attr(it, NFTNL_EXPR_PAYLOAD_SREG);
	if (!rv || !rv->is_data || rv->len < 1)
		return false;
	*value = rv->data[0];
	return true;
}

static enum compat_res hl_target_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct hl_target *d = data;

	(void)c;
	return hl_blob_out(d->mode, d->hl, out);
}

static bool hl_target_delinearize(struct delin_ctx *c, void *data)
{
	struct hl_target *d = data;
	struct item *it = delin_peek(c);
	const void *p;

	if (delin_hoplimit_set(it, &d->hl)) {
		d->mode = HL_SET;
		c->pos++;
		return true;
	}
	p = xt_blob(it, true, "HL", 0, sizeof(struct hl_blob));
	if (p) {
		struct hl_blob b;

		memcpy(&b, p, sizeof(b));
		if (b.mode > HL_DEC)
			return false;
		d->mode = b.mode;
		d->hl = b.hop_limit;
		c->pos++;
		return true;
	}
	return false;
}

static void hl_target_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	static const char *const what[] = { "set to", "increment by", "decrement by" };
	const struct hl_target *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " HL %s %u", what[d->mode], d->hl);
}

static void hl_target_save(struct strbuf *out, const void *data, const struct rule *r)
{
	static const char *const opt[] = { "--hl-set", "--hl-inc", "--hl-dec" };
	const struct hl_target *d = data;

	(void)r;
	sb_printf(out, " %s %u", opt[d->mode], d->hl);
}

const struct extension ext_HL = {
	.name = "HL",
	.kind = EXT_TARGET,
	.families = EXT_IPV6,
	.size = sizeof(struct hl_target),
	.opts = hl_target_opts,
	.parse = hl_target_parse,
	.check = hl_target_check,
	.linearize = hl_target_linearize,
	.compat = hl_target_compat,
	.delinearize = hl_target_delinearize,
	.print = hl_target_print,
	.save = hl_target_save,
};
