/* -m ttl and -j TTL: the IPv4 time to live.
 *
 *   -m ttl --ttl-eq|lt|gt N   payload nh+8 (1 byte); cmp eq|neq|lt|gt N
 *   -j TTL --ttl-set N        payload load nh+8 (2 bytes, with protocol);
 *                             bitwise keeps protocol, ttl = N;
 *                             payload write nh+8 (2 bytes), IP checksum
 *                             fixed at nh+10
 *
 * The write covers two bytes because the checksum update works on whole
 * 16-bit words; nft writes `ip ttl set N` the same way. --ttl-dec and
 * --ttl-inc would need arithmetic, which nf_tables does not have: they are
 * refused (check) but under --compat, and otherwise only read back from
 * the reference's xt blob. The reference writes both as xt blobs (read
 * below), and so does --compat.
 */
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "iphdr.h"
#include "xtopt.h"

#define TTL_OFFSET 8

/* ---- -m ttl ---- */

/* The reference's modes (IPT_TTL_EQ ...), also our data. */
enum ttl_mode { TTL_EQ, TTL_NE, TTL_LT, TTL_GT };

struct ttl_data {
	uint8_t mode;
	uint8_t ttl;
};

enum { O_EQ, O_LT, O_GT };

static const struct ext_opt ttl_opts[] = {
	{ .name = "ttl-eq", .has_arg = true, .id = O_EQ, .invertible = true,
	  .flags = OF_INV, .help_arg = "value", .help = "TTL equal to value" },
	{ .name = "ttl-lt", .has_arg = true, .id = O_LT, .invertible = true,
	  .help_arg = "value", .help = "TTL below value" },
	{ .name = "ttl-gt", .has_arg = true, .id = O_GT, .invertible = true,
	  .help_arg = "value", .help = "TTL above value" },
	{ .name = NULL },
};

static const struct xt_excl ttl_excl[] = {
	{ O_EQ, "ttl-eq", 0 },
	{ O_LT, "ttl-lt", 1 << O_EQ | 1 << O_GT },
	{ O_GT, "ttl-gt", 1 << O_EQ | 1 << O_LT },
};

static int ttl_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct ttl_data *d = data;
	const char *name = ttl_opts[id].name;
	uint64_t v;

	if (inv && id != O_EQ)
		return xt_err_noinv(ctx->err, "ttl", name);
	if (xt_parse_uint(ctx->err, "ttl", name, arg, 0, 255, &v) < 0)
		return -1;
	d->ttl = (uint8_t)v;
	switch (id) {
	case O_EQ: d->mode = inv ? TTL_NE : TTL_EQ; break;
	case O_LT: d->mode = TTL_LT; break;
	case O_GT: d->mode = TTL_GT; break;
	}
	return 0;
}

static int ttl_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt");
	return xt_check_excl(ctx->err, "ttl", ttl_excl, ARRAY_SIZE(ttl_excl), seen);
}

static const enum cmp_op_kind ttl_ops[] = { REL_EQ, REL_NEQ, REL_LT, REL_GT };

static void ttl_linearize(struct lin_ctx *c, const void *data)
{
	const struct ttl_data *d = data;

	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, TTL_OFFSET, 1);
	lin_cmp(c, ttl_ops[d->mode], &d->ttl, 1);
}

/*
 * The reference's blobs, revision 0, for the match (struct ipt_ttl_info)
 * and the target (struct ipt_TTL_info):
 *
 *   0      1      2
 *   +------+------+
 *   | mode | ttl  |   match: EQ NE LT GT; target: SET INC DEC
 *   +------+------+
 */
struct ttl_blob {
	uint8_t mode, ttl;
};

/* The blob of the match or the target, revision 0. */
static enum compat_res ttl_blob_out(struct xt_out *out, uint8_t mode, uint8_t ttl)
{
	struct ttl_blob b = { .mode = mode, .ttl = ttl };

	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static enum compat_res ttl_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct ttl_data *d = data;

	(void)c;
	return ttl_blob_out(out, d->mode, d->ttl);
}

static bool ttl_delinearize(struct delin_ctx *c, void *data)
{
	struct ttl_data *d = data;
	struct item *it = delin_peek(c);
	const void *p;
	uint8_t m;

	if (item_is_payload(it, NFT_PAYLOAD_NETWORK_HEADER, TTL_OFFSET, 1) && !it->masked &&
	    it->len == 1) {
		for (m = 0; m < ARRAY_SIZE(ttl_ops); m++) {
			if (ttl_ops[m] == it->op) {
				d->mode = m;
				d->ttl = it->val[0];
				c->pos++;
				return true;
			}
		}
		return false;
	}
	p = xt_blob(it, false, "ttl", 0, sizeof(struct ttl_blob));
	if (p) {
		struct ttl_blob b;

		memcpy(&b, p, sizeof(b));
		if (b.mode > TTL_GT)
			return false;
		d->mode = b.mode;
		d->ttl = b.ttl;
		c->pos++;
		return true;
	}
	return false;
}

static const char *const ttl_print_ops[] = { "==", "!=", "<", ">" };

static void ttl_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct ttl_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " TTL match TTL %s %u", ttl_print_ops[d->mode], d->ttl);
}

static void ttl_save(struct strbuf *out, const void *data, const struct rule *r)
{
	static const char *const opt[] = { " --ttl-eq", " ! --ttl-eq", " --ttl-lt", " --ttl-gt" };
	const struct ttl_data *d = data;

	(void)r;
	sb_printf(out, "%s %u", opt[d->mode], d->ttl);
}

const struct extension ext_ttl = {
	.name = "ttl",
	.kind = EXT_MATCH,
	.families = EXT_IPV4,
	.size = sizeof(struct ttl_data),
	.opts = ttl_opts,
	.parse = ttl_parse,
	.check = ttl_check,
	.linearize = ttl_linearize,
	.compat = ttl_compat,
	.delinearize = ttl_delinearize,
	.print = ttl_print,
	.save = ttl_save,
};

/* ---- -j TTL ---- */

/* The reference's modes (IPT_TTL_SET ...), also our data. */
enum ttl_action { TTL_SET, TTL_INC, TTL_DEC };

struct ttl_target {
	uint8_t mode;
	uint8_t ttl;
};

enum { O_SET, O_DEC, O_INC };

static const struct ext_opt ttl_target_opts[] = {
	{ .name = "ttl-set", .has_arg = true, .id = O_SET, .invertible = true,
	  .help_arg = "value", .help = "the TTL becomes value" },
	{ .name = "ttl-dec", .has_arg = true, .id = O_DEC, .invertible = true,
	  .help_arg = "value", .help = "subtract value from the TTL" },
	{ .name = "ttl-inc", .has_arg = true, .id = O_INC, .invertible = true,
	  .help_arg = "value", .help = "add value to the TTL" },
	{ .name = NULL },
};

static const struct xt_excl ttl_target_excl[] = {
	{ O_SET, "ttl-set", 1 << O_DEC | 1 << O_INC },
	{ O_DEC, "ttl-dec", 1 << O_SET | 1 << O_INC },
	{ O_INC, "ttl-inc", 1 << O_SET | 1 << O_DEC },
};

static int ttl_target_parse(struct parse_ctx *ctx, void *data, int id, const char *arg,
			    bool inv)
{
	struct ttl_target *d = data;
	const char *name = ttl_target_opts[id].name;
	uint64_t v;

	if (inv)
		return xt_err_noinv(ctx->err, "TTL", name);
	if (xt_parse_uint(ctx->err, "TTL", name, arg, id == O_SET ? 0 : 1, 255, &v) < 0)
		return -1;
	d->ttl = (uint8_t)v;
	d->mode = id == O_SET ? TTL_SET : id == O_DEC ? TTL_DEC : TTL_INC;
	return 0;
}

static int ttl_target_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const struct ttl_target *d = data;

	if (!seen)
		return err_param(ctx->err, "TTL: You must specify an action");
	if (xt_check_excl(ctx->err, "TTL", ttl_target_excl, ARRAY_SIZE(ttl_target_excl), seen) < 0)
		return -1;
	if (strcmp(ctx->table, "mangle") != 0)
		return xt_err_table(ctx, ctx->chain);
	if (d->mode != TTL_SET && !ctx->compat)
		return err_param(ctx->err, "TTL: --ttl-dec and --ttl-inc have no native nf_tables form; use --ttl-set");
	return 0;
}

static void ttl_target_linearize(struct lin_ctx *c, const void *data)
{
	const struct ttl_target *d = data;
	const uint8_t keep[2] = { 0x00, 0xff }, set[2] = { d->ttl, 0x00 };

	lin_nh_word_write(c, TTL_OFFSET, keep, set, true);
}

static enum compat_res ttl_target_compat(struct lin_ctx *c, const void *data,
					 struct xt_out *out)
{
	const struct ttl_target *d = data;

	(void)c;
	return ttl_blob_out(out, d->mode, d->ttl);
}

static bool ttl_target_delinearize(struct delin_ctx *c, void *data)
{
	struct ttl_target *d = data;
	struct item *it = delin_peek(c);
	uint8_t keep[2], set[2];
	const void *p;

	if (delin_nh_word_write(it, TTL_OFFSET, keep, set, true)) {
		if (keep[0] != 0x00 || keep[1] != 0xff || set[1] != 0)
			return false;
		d->mode = TTL_SET;
		d->ttl = set[0];
		c->pos++;
		return true;
	}
	p = xt_blob(it, true, "TTL", 0, sizeof(struct ttl_blob));
	if (p) {
		struct ttl_blob b;

		memcpy(&b, p, sizeof(b));
		if (b.mode > TTL_DEC)
			return false;
		d->mode = b.mode;
		d->ttl = b.ttl;
		c->pos++;
		return true;
	}
	return false;
}

static void ttl_target_print(struct strbuf *out, const void *data, const struct rule *r,
			     unsigned fmt)
{
	static const char *const what[] = { "set to", "increment by", "decrement by" };
	const struct ttl_target *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " TTL %s %u", what[d->mode], d->ttl);
}

static void ttl_target_save(struct strbuf *out, const void *data, const struct rule *r)
{
	static const char *const opt[] = { "--ttl-set", "--ttl-inc", "--ttl-dec" };
	const struct ttl_target *d = data;

	(void)r;
	sb_printf(out, " %s %u", opt[d->mode], d->ttl);
}

const struct extension ext_TTL = {
	.name = "TTL",
	.kind = EXT_TARGET,
	.families = EXT_IPV4,
	.size = sizeof(struct ttl_target),
	.opts = ttl_target_opts,
	.parse = ttl_target_parse,
	.check = ttl_target_check,
	.linearize = ttl_target_linearize,
	.compat = ttl_target_compat,
	.delinearize = ttl_target_delinearize,
	.print = ttl_target_print,
	.save = ttl_target_save,
};
