/* -m limit: a token bucket of packets.
 *
 *   --limit N/unit --limit-burst B     limit rate R/U burst B packets
 *
 * The reference keeps a rate as the kernel's xt_rateinfo does, a period
 * in 1/10000 s per packet, and turns that back into the coarsest unit
 * that still states it nearly exactly: 1000000/day is 694/min, 5000/min
 * is 83/sec. It writes and lists that rate, so iptnft does the same.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_limit.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "expr.h"
#include "util.h"
#include "xtopt.h"

#define DEFAULT_PERIOD (XT_LIMIT_SCALE * 3600 / 3)	/* 3/hour */
#define DEFAULT_BURST 5

struct limit_data {
	uint32_t period;	/* XT_LIMIT_SCALE units of a second per packet */
	uint32_t burst;
};

enum { O_LIMIT, O_BURST };

static const struct ext_opt limit_opts[] = {
	{ .name = "limit", .id = O_LIMIT, .type = OT_CUSTOM, .has_arg = true, .flags = OF_NOINV_XT,
	  .help_arg = "rate[/second|/minute|/hour|/day]",
	  .help = "matches up to this average rate (default 3/hour)" },
	{ .name = "limit-burst", .id = O_BURST, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct limit_data, burst), .max = 10000,
	  .help_arg = "number", .help = "how many packets may pass back to back (default 5)" },
	{ .name = NULL },
};

/* Units from the coarsest; the period of one packet per unit. */
static const struct {
	const char *name;	/* as printed */
	const char *word;	/* what a prefix of is accepted */
	uint32_t seconds;
} units[] = {
	{ "day", "day", 86400 },
	{ "hour", "hour", 3600 },
	{ "min", "minute", 60 },
	{ "sec", "second", 1 },
};

static int parse_rate(struct parse_ctx *ctx, const char *arg, uint32_t *period)
{
	const char *slash = strchr(arg, '/');
	uint64_t mult = XT_LIMIT_SCALE;
	uint32_t rate = (uint32_t)strtoull(arg, NULL, 10);
	size_t i;

	if (slash) {
		size_t len = strlen(slash + 1);

		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (len && len <= strlen(units[i].word) &&
			    strncasecmp(slash + 1, units[i].word, len) == 0)
				break;
		if (i == ARRAY_SIZE(units))
			rate = 0;
		else
			mult *= units[i].seconds;
	}
	if (!rate)
		return err_param(ctx->err, "bad rate \"%s\"'", arg);
	if (rate > mult)
		return err_param(ctx->err, "Rate too fast \"%s\"", arg);
	*period = (uint32_t)(mult / rate);
	return 0;
}

/* Only --limit is OT_CUSTOM: the rate and its unit. */
static int limit_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct limit_data *d = data;

	(void)id;
	(void)inv;
	return parse_rate(ctx, arg, &d->period);
}

static int limit_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct limit_data *d = data;

	(void)ctx;
	(void)seen;
	if (!d->period)
		d->period = DEFAULT_PERIOD;
	if (!d->burst)
		d->burst = DEFAULT_BURST;
	return 0;
}

/* The unit the reference states a period in: move to a finer unit while
 * the count per that unit is still larger than what it leaves over. */
static size_t period_unit(uint32_t period)
{
	size_t i;

	for (i = 1; i < ARRAY_SIZE(units); i++) {
		uint32_t mult = units[i].seconds * XT_LIMIT_SCALE;

		if (period > mult || mult / period < mult % period)
			break;
	}
	return i - 1;
}

static uint32_t unit_rate(size_t u, uint32_t period)
{
	return units[u].seconds * XT_LIMIT_SCALE / period;
}

static void limit_linearize(struct lin_ctx *c, const void *data)
{
	const struct limit_data *d = data;
	size_t u = period_unit(d->period);
	struct nftnl_expr *e = nftnl_expr_alloc("limit");

	if (!e)
		out_of_memory();
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, unit_rate(u, d->period));
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, units[u].seconds);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, d->burst);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, 0);
	lin_add(c, e);
}

/* --compat: the reference writes the same native limit. */
static enum compat_res limit_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	(void)data;
	(void)out;
	return COMPAT_NATIVE;
}

/* A packet limit as nft or the reference writes it, with any unit: its
 * period, as the reference computes it to list the rule. */
static bool limit_native(const struct item *it, struct limit_data *d)
{
	uint64_t rate, unit, period;

	if (!it || it->kind != ITEM_STMT || !it->name || strcmp(it->name, "limit") != 0)
		return false;
	if (nftnl_expr_get_u32(it->expr, NFTNL_EXPR_LIMIT_TYPE) != NFT_LIMIT_PKTS ||
	    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_LIMIT_FLAGS) != 0)
		return false;
	rate = nftnl_expr_get_u64(it->expr, NFTNL_EXPR_LIMIT_RATE);
	unit = nftnl_expr_get_u64(it->expr, NFTNL_EXPR_LIMIT_UNIT);
	if (!rate || !unit || unit > UINT32_MAX)
		return false;
	period = XT_LIMIT_SCALE * unit / rate;
	if (!period || period > UINT32_MAX)
		return false;
	d->period = (uint32_t)period;
	d->burst = nftnl_expr_get_u32(it->expr, NFTNL_EXPR_LIMIT_BURST);
	return true;
}

/*
 * An xt compat limit, struct xt_rateinfo (revision 0):
 *
 *   0       4       8               16      20      24      28      32
 *   +-------+-------+---------------+-------+-------+-------+-------+
 *   | avg   | burst | prev (ulong)  |credit |  cap  | cost  | (pad) |
 *   +-------+-------+---------------+-------+-------+-------+-------+
 *   | master (kernel pointer)       |
 *   +-------------------------------+
 *   avg: the period in 1/XT_LIMIT_SCALE s
 */
static bool limit_blob(const struct item *it, struct limit_data *d)
{
	const struct xt_rateinfo *info = xt_blob(it, false, "limit", 0, 8);

	if (!info || !info->avg)
		return false;
	d->period = info->avg;
	d->burst = info->burst;
	return true;
}

static bool limit_delinearize(struct delin_ctx *c, void *data)
{
	struct limit_data *d = data;
	struct item *it = delin_peek(c);

	if (!limit_native(it, d) && !limit_blob(it, d))
		return false;
	c->pos++;
	return true;
}

/* The reference's -C compares the limit it would write: a rate per
 * unit, which periods a little apart (86401/day and 1/sec) share. */
static bool limit_equal(const void *a, const void *b)
{
	const struct limit_data *x = a, *y = b;
	size_t ux = period_unit(x->period), uy = period_unit(y->period);

	return x->burst == y->burst && ux == uy &&
	       unit_rate(ux, x->period) == unit_rate(uy, y->period);
}

static void rate_text(struct strbuf *out, uint32_t period)
{
	size_t u = period_unit(period);

	sb_printf(out, "%u/%s", unit_rate(u, period), units[u].name);
}

static void limit_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct limit_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " limit: avg ");
	rate_text(out, d->period);
	sb_printf(out, " burst %u", d->burst);
}

static void limit_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct limit_data *d = data;

	(void)r;
	sb_add(out, " --limit ");
	rate_text(out, d->period);
	if (d->burst != DEFAULT_BURST)
		sb_printf(out, " --limit-burst %u", d->burst);
}

const struct extension ext_limit = {
	.name = "limit",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct limit_data),
	.opts = limit_opts,
	.parse = limit_parse,
	.check = limit_check,
	.linearize = limit_linearize,
	.compat = limit_compat,
	.delinearize = limit_delinearize,
	.equal = limit_equal,
	.print = limit_print,
	.save = limit_save,
};
