/* -m ttl, -m hl, -j TTL and -j HL: the IPv4 time to live and the IPv6 hop
 * limit, one implementation with a description for each family.
 *
 *   -m ttl --ttl-eq|lt|gt N   payload nh+8 (1 byte); cmp eq|neq|lt|gt N
 *   -m hl --hl-eq|lt|gt N     payload nh+7 (1 byte); cmp eq|neq|lt|gt N
 *   -j TTL --ttl-set N        payload load nh+8 (2 bytes, with protocol);
 *                             bitwise keeps protocol, ttl = N;
 *                             payload write nh+8 (2 bytes), IP checksum
 *                             fixed at nh+10
 *   -j HL --hl-set N          immediate N; payload write nh+7 (1 byte, no
 *                             checksum: the IPv6 header has none)
 *
 * The TTL write covers two bytes because the checksum update works on
 * whole 16-bit words; nft writes `ip ttl set N` and `ip6 hoplimit set N`
 * the same way. --ttl-dec/--hl-dec and --ttl-inc/--hl-inc would need
 * arithmetic, which nf_tables does not have (nor a stop at 0 and 255):
 * they are the reference's xt blob, and read back from it. The
 * reference writes both the matches and the targets as blobs, and so does
 * --compat.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "iphdr.h"
#include "util.h"
#include "xtopt.h"

/* What tells the IPv4 and the IPv6 twin apart. */
struct hops_desc {
	uint8_t offset;		/* of the field in the network header */
	bool ip_csum;		/* the header has a checksum to fix */
	const char *label;	/* -L's name: "TTL", "HL" */
	const char *no_match_opt;	/* the match's message with no option */
	const char *const *match_save;	/* -S's options, by mode */
	const char *const *target_save;
};

static const struct hops_desc *desc_of(const struct extension *ext)
{
	return ext->desc;
}

static const struct hops_desc ttl_desc, hl_desc;

/* print and save know the rule, not the extension: ttl and TTL are the
 * IPv4 twins, hl and HL the IPv6 ones. */
static const struct hops_desc *family_desc(const struct rule *r)
{
	return r->family == NFPROTO_IPV6 ? &hl_desc : &ttl_desc;
}

/* ---- -m ttl, -m hl ---- */

/* The reference's modes (IPT_TTL_EQ, IP6T_HL_EQ ...), also our data. */
enum hops_mode { HOPS_EQ, HOPS_NE, HOPS_LT, HOPS_GT };

struct hops_match {
	uint8_t mode;
	uint8_t value;
	bool inv;	/* mode is HOPS_NE */
};

enum { O_EQ, O_LT, O_GT };

#define HOPS_MATCH_OPT(opt, id_, flags_, excl_, what)                                         \
	{ .name = opt, .id = id_, .type = OT_UINT, .flags = flags_, .excl = excl_, .max = 255, \
	  OPT_DST(struct hops_match, value), OPT_INVDST(struct hops_match, inv),               \
	  .help_arg = "value", .help = what }

static const struct ext_opt ttl_opts[] = {
	HOPS_MATCH_OPT("ttl-eq", O_EQ, OF_INV, 0, "TTL equal to value"),
	HOPS_MATCH_OPT("ttl-lt", O_LT, OF_NOINV_XT, 1 << O_EQ | 1 << O_GT, "TTL below value"),
	HOPS_MATCH_OPT("ttl-gt", O_GT, OF_NOINV_XT, 1 << O_EQ | 1 << O_LT, "TTL above value"),
	{ .name = NULL },
};

static const struct ext_opt hl_opts[] = {
	HOPS_MATCH_OPT("hl-eq", O_EQ, OF_INV, 0, "hop limit equal to value"),
	HOPS_MATCH_OPT("hl-lt", O_LT, OF_NOINV_XT, 1 << O_EQ | 1 << O_GT, "hop limit below value"),
	HOPS_MATCH_OPT("hl-gt", O_GT, OF_NOINV_XT, 1 << O_EQ | 1 << O_LT, "hop limit above value"),
	{ .name = NULL },
};

static int hops_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct hops_match *d = data;

	if (!seen)
		return err_param(ctx->err, "%s", desc_of(ctx->ext)->no_match_opt);
	d->mode = seen & (1 << O_LT) ? HOPS_LT : seen & (1 << O_GT) ? HOPS_GT :
		  d->inv ? HOPS_NE : HOPS_EQ;
	return 0;
}

static const enum cmp_op_kind hops_ops[] = { REL_EQ, REL_NEQ, REL_LT, REL_GT };

static void hops_linearize(struct lin_ctx *c, const void *data)
{
	const struct hops_match *d = data;

	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, desc_of(c->ext)->offset, 1);
	lin_cmp(c, hops_ops[d->mode], &d->value, 1);
}

/*
 * The reference's blobs, revision 0, for the matches (struct ipt_ttl_info,
 * struct ip6t_hl_info) and the targets (struct ipt_TTL_info, struct
 * ip6t_HL_info):
 *
 *   0      1             2
 *   +------+-------------+
 *   | mode | ttl / limit |   match: EQ NE LT GT; target: SET INC DEC
 *   +------+-------------+
 */
struct hops_blob {
	uint8_t mode, value;
};

/* The blob of a match or a target: our data is the reference's. */
static enum compat_res hops_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const uint8_t *mode_value = data;
	struct hops_blob b = { .mode = mode_value[0], .value = mode_value[1] };

	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

/* The mode and value of the reference's blob for ext at it, the mode at
 * most max_mode. */
static bool hops_blob_in(struct delin_ctx *c, const struct item *it, uint8_t max_mode,
			 uint8_t *mode, uint8_t *value)
{
	const struct extension *ext = c->ext;
	const void *p = xt_blob(it, ext->kind == EXT_TARGET, ext->name, 0,
				sizeof(struct hops_blob));
	struct hops_blob b;

	if (!p)
		return false;
	memcpy(&b, p, sizeof(b));
	if (b.mode > max_mode)
		return false;
	*mode = b.mode;
	*value = b.value;
	c->pos++;
	return true;
}

static bool hops_delinearize(struct delin_ctx *c, void *data)
{
	struct hops_match *d = data;
	struct item *it = delin_peek(c);
	uint8_t m;

	if (item_is_payload(it, NFT_PAYLOAD_NETWORK_HEADER, desc_of(c->ext)->offset, 1) &&
	    !it->masked && it->len == 1) {
		for (m = 0; m < ARRAY_SIZE(hops_ops); m++) {
			if (hops_ops[m] == it->op) {
				d->mode = m;
				d->value = it->val[0];
				d->inv = m == HOPS_NE;
				c->pos++;
				return true;
			}
		}
		return false;
	}
	if (!hops_blob_in(c, it, HOPS_GT, &d->mode, &d->value))
		return false;
	d->inv = d->mode == HOPS_NE;
	return true;
}

static void hops_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	static const char *const op[] = { "==", "!=", "<", ">" };
	const struct hops_match *d = data;
	const char *label = family_desc(r)->label;

	(void)fmt;
	sb_printf(out, " %s match %s %s %u", label, label, op[d->mode], d->value);
}

static void hops_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct hops_match *d = data;

	sb_printf(out, "%s %u", family_desc(r)->match_save[d->mode], d->value);
}

/* ---- -j TTL, -j HL ---- */

/* The reference's modes (IPT_TTL_SET, IP6T_HL_SET ...), also our data. */
enum hops_action { HOPS_SET, HOPS_INC, HOPS_DEC };

struct hops_target {
	uint8_t mode;
	uint8_t value;
};

enum { O_SET, O_DEC, O_INC };

#define HOPS_TARGET_OPT(opt, id_, min_, excl_, what)                                          \
	{ .name = opt, .id = id_, .type = OT_UINT, .flags = OF_NOINV_XT, .excl = excl_,        \
	  .min = min_, .max = 255, OPT_DST(struct hops_target, value), .help_arg = "value",    \
	  .help = what }

static const struct ext_opt TTL_opts[] = {
	HOPS_TARGET_OPT("ttl-set", O_SET, 0, 1 << O_DEC | 1 << O_INC, "the TTL becomes value"),
	HOPS_TARGET_OPT("ttl-dec", O_DEC, 1, 1 << O_SET | 1 << O_INC,
			"subtract value from the TTL"),
	HOPS_TARGET_OPT("ttl-inc", O_INC, 1, 1 << O_SET | 1 << O_DEC, "add value to the TTL"),
	{ .name = NULL },
};

static const struct ext_opt HL_opts[] = {
	HOPS_TARGET_OPT("hl-set", O_SET, 0, 1 << O_DEC | 1 << O_INC,
			"the hop limit becomes value"),
	HOPS_TARGET_OPT("hl-dec", O_DEC, 1, 1 << O_SET | 1 << O_INC,
			"subtract value from the hop limit"),
	HOPS_TARGET_OPT("hl-inc", O_INC, 1, 1 << O_SET | 1 << O_DEC,
			"add value to the hop limit"),
	{ .name = NULL },
};

static int hops_target_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct hops_target *d = data;

	if (!seen)
		return err_param(ctx->err, "%s: You must specify an action", ctx->ext->name);
	if (strcmp(ctx->table, "mangle") != 0)
		return xt_err_table(ctx, ctx->chain);
	d->mode = seen & (1 << O_SET) ? HOPS_SET : seen & (1 << O_DEC) ? HOPS_DEC : HOPS_INC;
	return 0;
}

/* nf_tables cannot add to a field, nor keep it from wrapping as the xt
 * target keeps it: --*-inc and --*-dec are the reference's blob. */
static bool hops_target_xt_only(const void *data, const struct rule *r)
{
	const struct hops_target *d = data;

	(void)r;
	return d->mode != HOPS_SET;
}

/* IPv6: immediate N; payload write nh+off (1 byte, no checksum). */
static void lin_byte_set(struct lin_ctx *c, uint32_t off, uint8_t value)
{
	struct nftnl_expr *imm = nftnl_expr_alloc("immediate");
	struct nftnl_expr *wr = nftnl_expr_alloc("payload");

	if (!imm || !wr)
		out_of_memory();
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(imm, NFTNL_EXPR_IMM_DATA, &value, 1);
	lin_add(c, imm);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_LEN, 1);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_NONE);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET, 0);
	nftnl_expr_set_u32(wr, NFTNL_EXPR_PAYLOAD_FLAGS, 0);
	lin_add(c, wr);
}

/* The value such a write of nh+off at it stores. */
static bool delin_byte_set(const struct item *it, uint32_t off, uint8_t *value)
{
	const struct regval *rv;
	const struct nftnl_expr *e;

	if (!it || it->kind != ITEM_STMT || strcmp(it->name, "payload") != 0)
		return false;
	e = it->expr;
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) != NFT_PAYLOAD_NETWORK_HEADER ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET) != off ||
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

static void hops_target_linearize(struct lin_ctx *c, const void *data)
{
	const struct hops_target *d = data;
	const struct hops_desc *desc = desc_of(c->ext);
	const uint8_t keep[2] = { 0x00, 0xff }, set[2] = { d->value, 0x00 };

	if (desc->ip_csum)
		lin_nh_word_write(c, desc->offset, keep, set, true);
	else
		lin_byte_set(c, desc->offset, d->value);
}

/* The value written by our native form at it. */
static bool hops_set_in(const struct hops_desc *desc, const struct item *it, uint8_t *value)
{
	uint8_t keep[2], set[2];

	if (!desc->ip_csum)
		return delin_byte_set(it, desc->offset, value);
	if (!delin_nh_word_write(it, desc->offset, keep, set, true) || keep[0] != 0x00 ||
	    keep[1] != 0xff || set[1] != 0)
		return false;
	*value = set[0];
	return true;
}

static bool hops_target_delinearize(struct delin_ctx *c, void *data)
{
	struct hops_target *d = data;
	struct item *it = delin_peek(c);

	if (hops_set_in(desc_of(c->ext), it, &d->value)) {
		d->mode = HOPS_SET;
		c->pos++;
		return true;
	}
	return hops_blob_in(c, it, HOPS_DEC, &d->mode, &d->value);
}

static void hops_target_print(struct strbuf *out, const void *data, const struct rule *r,
			      unsigned fmt)
{
	static const char *const what[] = { "set to", "increment by", "decrement by" };
	const struct hops_target *d = data;

	(void)fmt;
	sb_printf(out, " %s %s %u", family_desc(r)->label, what[d->mode], d->value);
}

static void hops_target_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct hops_target *d = data;

	sb_printf(out, " %s %u", family_desc(r)->target_save[d->mode], d->value);
}

/* ---- the two descriptions ---- */

static const char *const ttl_match_save[] = { " --ttl-eq", " ! --ttl-eq", " --ttl-lt",
					      " --ttl-gt" };
static const char *const ttl_target_save[] = { "--ttl-set", "--ttl-inc", "--ttl-dec" };

static const struct hops_desc ttl_desc = {
	.offset = 8,
	.ip_csum = true,
	.label = "TTL",
	/* sic: the reference leaves the last quote out */
	.no_match_opt = "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt",
	.match_save = ttl_match_save,
	.target_save = ttl_target_save,
};

static const char *const hl_match_save[] = { " --hl-eq", " ! --hl-eq", " --hl-lt",
					     " --hl-gt" };
static const char *const hl_target_save[] = { "--hl-set", "--hl-inc", "--hl-dec" };

static const struct hops_desc hl_desc = {
	.offset = 7,
	.ip_csum = false,
	.label = "HL",
	.no_match_opt = "HL match: You must specify one of `--hl-eq', `--hl-lt', `--hl-gt'",
	.match_save = hl_match_save,
	.target_save = hl_target_save,
};

#define HOPS_MATCH(name_, family, opts_, desc_)                                               \
	{ .name = name_, .kind = EXT_MATCH, .families = family,                               \
	  .size = sizeof(struct hops_match), .opts = opts_, .desc = desc_,                    \
	  .check = hops_check, .linearize = hops_linearize, .compat = hops_compat,            \
	  .delinearize = hops_delinearize, .print = hops_print, .save = hops_save }

#define HOPS_TARGET(name_, family, opts_, desc_)                                              \
	{ .name = name_, .kind = EXT_TARGET, .families = family,                              \
	  .size = sizeof(struct hops_target), .opts = opts_, .desc = desc_,                   \
	  .check = hops_target_check, .linearize = hops_target_linearize,                     \
	  .compat = hops_compat, .xt_only = hops_target_xt_only,                              \
	  .delinearize = hops_target_delinearize,                                             \
	  .print = hops_target_print, .save = hops_target_save }

const struct extension ext_ttl = HOPS_MATCH("ttl", EXT_IPV4, ttl_opts, &ttl_desc);
const struct extension ext_hl = HOPS_MATCH("hl", EXT_IPV6, hl_opts, &hl_desc);
const struct extension ext_TTL = HOPS_TARGET("TTL", EXT_IPV4, TTL_opts, &ttl_desc);
const struct extension ext_HL = HOPS_TARGET("HL", EXT_IPV6, HL_opts, &hl_desc);
