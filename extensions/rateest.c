/* -m rateest: compare the rates of the kernel's estimators (which the
 * RATEEST target feeds) with a given rate or with each other:
 *
 *   --rateest1 NAME (--rateest NAME)   the estimator
 *   --rateest2 NAME                    compared with this one (relative)
 *   --rateest-delta                    compare differences: rate1 - bps1
 *                                      with rate2 - bps2 (or bps2 alone)
 *   --rateest-bps1 [RATE] --rateest-bps2 [RATE] (--rateest-bps)   bytes
 *   --rateest-pps1 [N] --rateest-pps2 [N] (--rateest-pps)   packets
 *   [!] --rateest-lt | --rateest-gt | --rateest-eq   the comparison
 *
 * The values are optional: an option takes the next word when there is
 * one that is no option. The estimators live in the kernel's xt module
 * only, so the rule holds the reference's xt match in both write modes:
 * revision 0, struct xt_rateest_match_info, 72 bytes:
 *
 *   0       16      32      34     36     40     44     48     52   56
 *   +-------+-------+-------+------+------+------+------+------+----+----
 *   | name1 | name2 | flags | mode | bps1 | pps1 | bps2 | pps2 | pad| est1,
 *   +-------+-------+-------+------+------+------+------+------+----+ est2
 *   flags: XT_RATEEST_MATCH_INVERT, _ABS (no name2), _REL, _DELTA,
 *   _BPS, _PPS; mode: XT_RATEEST_MATCH_EQ, _LT, _GT; rates in bytes per
 *   second; est1 and est2 are the kernel's.
 *
 * The reference's -L and -S texts are kept as they are, odd as some are
 * (a rate before the comparison but a packet count after it, and
 * --rateest-bps1's value left out where there is no --rateest-delta).
 */
#include <net/if.h>
#include <linux/netfilter/xt_rateest.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rateunit.h"
#include "util.h"
#include "xtopt.h"

#define RATEEST_INFO_LEN offsetof(struct xt_rateest_match_info, est1)

struct rateest_data {
	char name1[IFNAMSIZ], name2[IFNAMSIZ];
	uint16_t flags, mode;
	uint32_t bps1, pps1, bps2, pps2;
};

enum {
	O_NAME1, O_NAME2, O_DELTA, O_BPS1, O_PPS1, O_BPS2, O_PPS2, O_LT, O_GT, O_EQ,
};

/* '!' is refused by parse in the reference's words, except before a
 * comparison; the reference's help does not mention it */
#define RE_INV (OF_INV | OF_INV_HIDDEN | OF_MULTI)
#define RE_OPT(n, i, f, a, h) \
	{ .name = n, .id = i, .type = OT_CUSTOM, .flags = RE_INV | (f), .help_arg = a, .help = h }

static const struct ext_opt rateest_opts[] = {
	{ .name = "rateest1", .id = O_NAME1, .type = OT_CUSTOM, .has_arg = true,
	  .flags = RE_INV, .help_arg = "name",
	  .help = "the estimator to compare" },
	{ .name = "rateest", .id = O_NAME1, .type = OT_CUSTOM, .has_arg = true,
	  .flags = RE_INV, .help_arg = "name",
	  .help = "the same as --rateest1" },
	{ .name = "rateest2", .id = O_NAME2, .type = OT_CUSTOM, .has_arg = true,
	  .flags = RE_INV, .help_arg = "name",
	  .help = "compare with this estimator" },
	RE_OPT("rateest-delta", O_DELTA, 0, NULL, "compare rates less the given ones"),
	RE_OPT("rateest-bps1", O_BPS1, OF_NEXT_WORD, "[rate]", "compare bytes/s; rate for delta"),
	RE_OPT("rateest-pps1", O_PPS1, OF_NEXT_WORD, "[n]", "compare packets/s; n for delta"),
	RE_OPT("rateest-bps2", O_BPS2, OF_NEXT_WORD, "[rate]", "bytes/s: the rate compared with"),
	RE_OPT("rateest-pps2", O_PPS2, OF_NEXT_WORD, "[n]", "packets/s: the number compared with"),
	RE_OPT("rateest-bps", O_BPS2, OF_NEXT_WORD, "[rate]", "the same as --rateest-bps2"),
	RE_OPT("rateest-pps", O_PPS2, OF_NEXT_WORD, "[n]", "the same as --rateest-pps2"),
	{ .name = "rateest-lt", .id = O_LT, .type = OT_CUSTOM, .flags = OF_INV | OF_MULTI,
	  .help = "match if the rate is less" },
	{ .name = "rateest-gt", .id = O_GT, .type = OT_CUSTOM, .flags = OF_INV | OF_MULTI,
	  .help = "match if the rate is greater" },
	{ .name = "rateest-eq", .id = O_EQ, .type = OT_CUSTOM, .flags = OF_INV | OF_MULTI,
	  .help = "match if the rates are equal" },
	{ .name = NULL },
};

/* What the reference calls an option refusing '!', and one given twice. */
static const char *rateest_inv_name(int id)
{
	switch (id) {
	case O_NAME1: case O_NAME2: return "rateest";
	case O_DELTA: return "rateest-delta";
	case O_BPS1: case O_BPS2: return "rateest-bps";
	default: return "rateest-pps";
	}
}

static const char *rateest_twice_name(int id)
{
	static const char *const names[] = {
		[O_NAME1] = "--rateest1", [O_NAME2] = "--rateest2",
		[O_DELTA] = "--rateest-delta", [O_BPS1] = "--rateest-bps1",
		[O_PPS1] = "--rateest-pps1", [O_BPS2] = "--rateest-bps2",
		[O_PPS2] = "--rateest-pps2",
	};

	return id >= O_LT ? "lt/gt/eq" : names[id];
}

/* A packet count: a whole word as strtoul reads it, 32 bits, no sign. */
static bool rateest_parse_pps(const char *arg, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (end == arg || *end || errno || v > UINT32_MAX || xt_negative(arg))
		return false;
	*out = (uint32_t)v;
	return true;
}

static int rateest_value(struct parse_ctx *ctx, struct rateest_data *d, int id, const char *arg)
{
	uint32_t *dst;

	switch (id) {
	case O_BPS1: dst = &d->bps1; break;
	case O_BPS2: dst = &d->bps2; break;
	case O_PPS1: dst = &d->pps1; break;
	default: dst = &d->pps2; break;
	}
	d->flags |= id == O_BPS1 || id == O_BPS2 ? XT_RATEEST_MATCH_BPS : XT_RATEEST_MATCH_PPS;
	if (!arg)
		return 0;
	if (id == O_BPS1 || id == O_BPS2) {
		if (!rateunit_parse_rate(arg, dst))
			return err_param(ctx->err, "rateest: could not parse rate `%s'", arg);
	} else if (!rateest_parse_pps(arg, dst)) {
		return err_param(ctx->err, "rateest: could not parse pps `%s'", arg);
	}
	return 0;
}

static int rateest_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct rateest_data *d = data;
	static const uint16_t modes[] = {
		[O_LT] = XT_RATEEST_MATCH_LT, [O_GT] = XT_RATEEST_MATCH_GT,
		[O_EQ] = XT_RATEEST_MATCH_EQ,
	};

	if (inv && id < O_LT)
		return err_param(ctx->err, "rateest: %s can't be inverted", rateest_inv_name(id));
	if (ctx->seen & (1u << id))
		return err_param(ctx->err, "rateest: can't specify %s twice",
				 rateest_twice_name(id));
	switch (id) {
	case O_NAME1:
	case O_NAME2:
		/* 15 characters at most, the rest cut */
		snprintf(id == O_NAME1 ? d->name1 : d->name2, IFNAMSIZ, "%s", arg);
		if (id == O_NAME2)
			d->flags |= XT_RATEEST_MATCH_REL;
		return 0;
	case O_DELTA:
		d->flags |= XT_RATEEST_MATCH_DELTA;
		return 0;
	case O_LT:
	case O_GT:
	case O_EQ:
		d->mode = modes[id];
		if (inv)
			d->flags |= XT_RATEEST_MATCH_INVERT;
		return 0;
	}
	return rateest_value(ctx, d, id, arg);
}

static int rateest_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct rateest_data *d = data;

	(void)ctx;
	(void)seen;
	if (!(d->flags & XT_RATEEST_MATCH_REL))
		d->flags |= XT_RATEEST_MATCH_ABS;
	return 0;
}

static enum compat_res rateest_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct rateest_data *d = data;
	struct xt_rateest_match_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	memcpy(info.name1, d->name1, sizeof(info.name1));
	memcpy(info.name2, d->name2, sizeof(info.name2));
	info.flags = d->flags;
	info.mode = d->mode;
	info.bps1 = d->bps1;
	info.pps1 = d->pps1;
	info.bps2 = d->bps2;
	info.pps2 = d->pps2;
	out->rev = 0;
	out->len = sizeof(info);
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool rateest_delinearize(struct delin_ctx *c, void *data)
{
	struct rateest_data *d = data;
	struct xt_rateest_match_info info;
	const void *p = xt_blob(delin_peek(c), false, "rateest", 0, RATEEST_INFO_LEN);

	if (!p)
		return false;
	memcpy(&info, p, RATEEST_INFO_LEN);
	memcpy(d->name1, info.name1, sizeof(d->name1));
	memcpy(d->name2, info.name2, sizeof(d->name2));
	d->name1[IFNAMSIZ - 1] = d->name2[IFNAMSIZ - 1] = '\0';
	d->flags = info.flags;
	d->mode = info.mode;
	d->bps1 = info.bps1;
	d->pps1 = info.pps1;
	d->bps2 = info.bps2;
	d->pps2 = info.pps2;
	c->pos++;
	return true;
}

/* " lt", " ! gt", ... (nothing for no comparison) */
static void rateest_mode_text(struct strbuf *out, const struct rateest_data *d, bool save)
{
	static const char *const names[] = {
		[XT_RATEEST_MATCH_EQ] = "eq", [XT_RATEEST_MATCH_LT] = "lt",
		[XT_RATEEST_MATCH_GT] = "gt",
	};

	if (d->flags & XT_RATEEST_MATCH_INVERT)
		sb_add(out, " !");
	if (d->mode >= XT_RATEEST_MATCH_EQ && d->mode <= XT_RATEEST_MATCH_GT)
		sb_printf(out, save ? " --rateest-%s" : " %s", names[d->mode]);
}

static void rateest_rate(struct strbuf *out, uint32_t bytes, unsigned fmt)
{
	if (fmt & FMT_NUMERIC)
		sb_printf(out, " %u", bytes);
	else
		rateunit_rate_text(out, bytes);
}

static void rateest_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	const struct rateest_data *d = data;
	bool delta = d->flags & XT_RATEEST_MATCH_DELTA, abs = d->flags & XT_RATEEST_MATCH_ABS;

	(void)r;
	sb_printf(out, " rateest match %s", d->name1);
	if (delta)
		sb_add(out, " delta");
	/* an absolute test shows the comparison in each part, a relative
	 * one once, before the second estimator */
	if (d->flags & XT_RATEEST_MATCH_BPS) {
		sb_add(out, " bps");
		if (delta)
			rateest_rate(out, d->bps1, fmt);
		if (abs) {
			rateest_rate(out, d->bps2, fmt);
			rateest_mode_text(out, d, false);
		}
	}
	if (d->flags & XT_RATEEST_MATCH_PPS) {
		sb_add(out, " pps");
		if (delta)
			sb_printf(out, " %u", d->pps1);
		if (abs) {
			rateest_mode_text(out, d, false);
			sb_printf(out, " %u", d->pps2);
		}
	}
	if (d->flags & XT_RATEEST_MATCH_REL) {
		rateest_mode_text(out, d, false);
		sb_printf(out, " %s", d->name2);
		if (d->flags & XT_RATEEST_MATCH_BPS) {
			sb_add(out, " bps");
			if (delta)
				rateest_rate(out, d->bps2, fmt);
		}
		if (d->flags & XT_RATEEST_MATCH_PPS) {
			sb_add(out, " pps");
			if (delta)
				sb_printf(out, " %u", d->pps2);
		}
	}
}

static void rateest_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct rateest_data *d = data;
	bool delta = d->flags & XT_RATEEST_MATCH_DELTA, abs = d->flags & XT_RATEEST_MATCH_ABS;

	(void)r;
	if (delta)
		sb_add(out, " --rateest-delta");
	sb_printf(out, " %s %s", d->flags & XT_RATEEST_MATCH_REL ? "--rateest1" : "--rateest",
		  d->name1);
	if (d->flags & XT_RATEEST_MATCH_BPS) {
		if (delta) {
			sb_add(out, " --rateest-bps1");
			rateunit_rate_text(out, d->bps1);
		}
		rateest_mode_text(out, d, true);
		sb_add(out, delta ? " --rateest-bps2" : " --rateest-bps");
		if (delta || abs)
			rateunit_rate_text(out, d->bps2);
	}
	if (d->flags & XT_RATEEST_MATCH_PPS) {
		if (delta)
			sb_printf(out, " --rateest-pps1 %u", d->pps1);
		rateest_mode_text(out, d, true);
		sb_add(out, delta ? " --rateest-pps2" : " --rateest-pps");
		if (delta || abs)
			sb_printf(out, " %u", d->pps2);
	}
	if (d->flags & XT_RATEEST_MATCH_REL)
		sb_printf(out, " --rateest2 %s", d->name2);
}

const struct extension ext_rateest = {
	.name = "rateest",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct rateest_data),
	.opts = rateest_opts,
	.parse = rateest_parse,
	.check = rateest_check,
	.compat = rateest_compat,
	.xt_only = xt_always,
	.delinearize = rateest_delinearize,
	.print = rateest_print,
	.save = rateest_save,
};
