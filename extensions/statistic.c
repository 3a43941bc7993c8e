/* -m statistic: match a share of packets, at random or every nth.
 *
 *   --mode random --probability p
 *       numgen random mod 2^31; byteorder hton; cmp lt P (! : gte)
 *       where P = p * 2^31 rounded, the kernel's xt_statistic threshold,
 *       so the probability prints back as the reference prints it
 *       (read also as "lte P-1" / "gt P-1", how nft says P = 2^31)
 *   --mode nth --every n --packet p
 *       numgen inc mod n; cmp eq p (! : neq)
 *
 * Reading also takes nft's "meta random & 0x7fffffff < P" and the
 * reference's xt compat blob.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_statistic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "u32rel.h"
#include "util.h"
#include "xtopt.h"

#define RANDOM_RANGE 2147483648.0	/* 2^31: the kernel compares 31 random bits */

struct statistic_data {
	uint16_t mode;		/* XT_STATISTIC_MODE_* */
	bool inv;
	/* As in the kernel's struct, the probability and every-1 share one
	 * word; the reference's checks see whichever option came last. */
	uint32_t word;
	uint32_t packet;
};

enum { O_MODE, O_PROBABILITY, O_EVERY, O_PACKET };

static const struct ext_opt statistic_opts[] = {
	{ .name = "mode", .id = O_MODE, .type = OT_CUSTOM, .has_arg = true, .flags = OF_NOINV_XT,
	  .help_arg = "random|nth", .help = "how packets are picked: by chance or by count" },
	{ .name = "probability", .id = O_PROBABILITY, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .help_arg = "p", .help = "random mode: match with chance p (0 to 1)" },
	{ .name = "every", .id = O_EVERY, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .help_arg = "n", .help = "nth mode: match one packet out of every n" },
	{ .name = "packet", .id = O_PACKET, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct statistic_data, packet),
	  .help_arg = "p", .help = "nth mode: where the counter starts, 0 to n-1" },
	{ .name = NULL },
};

static int parse_probability(struct parse_ctx *ctx, const char *arg, uint32_t *out)
{
	char *end;
	double p = strtod(arg, &end);

	if (end == arg || *end || p < 0 || p > 1)
		return err_param(ctx->err, "statistic: bad value for option \"--probability\", or out of range (0-1).\n");
	/* to the nearest, halves away from zero; a NaN (which passes the
	 * range test, as with the reference) is 0 */
	*out = p == p ? (uint32_t)(p * RANDOM_RANGE + 0.5) : 0;
	return 0;
}

/* --packet is OT_UINT; the others are read here. The reference checks
 * its modes before its generic rules (mandatory --mode, exclusions,
 * requirements), so check below does both rather than the table. */
static int statistic_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct statistic_data *d = data;
	uint64_t n;

	switch (id) {
	case O_MODE:
		if (strcmp(arg, "random") == 0)
			d->mode = XT_STATISTIC_MODE_RANDOM;
		else if (strcmp(arg, "nth") == 0)
			d->mode = XT_STATISTIC_MODE_NTH;
		else
			return err_param(ctx->err, "Bad mode \"%s\"", arg);
		return 0;
	case O_PROBABILITY:
		d->inv |= inv;
		return parse_probability(ctx, arg, &d->word);
	case O_EVERY:
		if (xt_parse_uint(ctx->err, "statistic", "every", arg, 1, UINT32_MAX, &n) < 0)
			return -1;
		d->inv |= inv;
		d->word = (uint32_t)n - 1;
		return 0;
	}
	return 0;
}

static int also_requires(struct parse_ctx *ctx, const char *a, const char *b)
{
	return err_param(ctx->err, "statistic: option \"--%s\" also requires \"--%s\".\n", a, b);
}

/* The reference's own checks first, then its generic ones in option
 * order: --mode is mandatory, --probability excludes the nth options,
 * --every and --packet need each other. */
static int statistic_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct statistic_data *d = data;
	bool every = seen & (1u << O_EVERY), packet = seen & (1u << O_PACKET);

	if (d->mode == XT_STATISTIC_MODE_RANDOM && !(seen & (1u << O_PROBABILITY)))
		return err_param(ctx->err, "--probability must be specified when using random mode");
	if (d->mode == XT_STATISTIC_MODE_NTH && !every && !packet)
		return err_param(ctx->err, "--every and --packet must be specified when using nth mode");
	if (d->packet > d->word)
		return err_param(ctx->err, "the --packet p must be 0 <= p <= n-1");
	if (!(seen & (1u << O_MODE)))
		return xt_err_mandatory(ctx->err, "statistic", "mode");
	if ((seen & (1u << O_PROBABILITY)) && (every || packet))
		return xt_err_conflict(ctx->err, "statistic", "probability",
				       every ? "every" : "packet");
	if (every && !packet)
		return also_requires(ctx, "every", "packet");
	if (packet && !every)
		return also_requires(ctx, "packet", "every");
	return 0;
}

static void lin_numgen(struct lin_ctx *c, uint32_t type, uint32_t modulus)
{
	struct nftnl_expr *e = nftnl_expr_alloc("numgen");

	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NG_MODULUS, modulus);
	lin_add(c, e);
}

static void statistic_linearize(struct lin_ctx *c, const void *data)
{
	const struct statistic_data *d = data;

	if (d->mode == XT_STATISTIC_MODE_RANDOM) {
		lin_numgen(c, NFT_NG_RANDOM, (uint32_t)RANDOM_RANGE);
		u32_lin_order(c, d->inv ? REL_GTE : REL_LT, d->word);
	} else {
		lin_numgen(c, NFT_NG_INCREMENTAL, d->word + 1);
		u32_lin_eq(c, d->packet, d->inv);
	}
}

static bool numgen_sel(const struct selector *s, const void *arg)
{
	const uint32_t *type = arg;
	const struct nftnl_expr *e = s->expr;

	if (s->kind != SEL_OTHER || !s->name || strcmp(s->name, "numgen") != 0 || !e)
		return false;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_NG_OFFSET) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_NG_OFFSET) != 0)
		return false;
	return nftnl_expr_get_u32(e, NFTNL_EXPR_NG_TYPE) == *type;
}

static uint32_t numgen_modulus(const struct selector *s)
{
	return nftnl_expr_get_u32(s->expr, NFTNL_EXPR_NG_MODULUS);
}

/* nft's "meta random & 2147483647 < P": its mask and value read as
 * big-endian words, which for random bits is the same share. */
static bool meta_random(struct delin_ctx *c, struct statistic_data *d)
{
	struct item *it = delin_peek(c);
	uint32_t mask, v;

	if (!item_is_meta(it, NFT_META_PRANDOM) || !it->masked || it->len != 4 ||
	    (it->op != REL_LT && it->op != REL_GTE))
		return false;
	memcpy(&mask, it->mask, 4);
	memcpy(&v, it->val, 4);
	if (ntohl(mask) != 0x7fffffff)
		return false;
	d->mode = XT_STATISTIC_MODE_RANDOM;
	d->word = ntohl(v);
	d->inv = it->op == REL_GTE;
	c->pos++;
	return true;
}

/*
 * The reference's blob, struct xt_statistic_info (revision 0):
 *
 *   0       2       4               8              12              16
 *   +-------+-------+---------------+---------------+---------------+
 *   | mode  | flags | probability   |               |               |
 *   |       |       |  or every-1   | packet        | count         |
 *   +-------+-------+---------------+---------------+---------------+
 *   | master (kernel pointer, 8 bytes)                              |
 *   +---------------------------------------------------------------+
 *   flags: XT_STATISTIC_INVERT
 */
static bool statistic_blob(struct delin_ctx *c, struct statistic_data *d)
{
	const struct xt_statistic_info *info =
		xt_blob(delin_peek(c), false, "statistic", 0, offsetof(struct xt_statistic_info, master));

	if (!info || info->mode > XT_STATISTIC_MODE_MAX)
		return false;
	d->mode = info->mode;
	d->inv = info->flags & XT_STATISTIC_INVERT;
	if (d->mode == XT_STATISTIC_MODE_RANDOM) {
		d->word = info->u.random.probability;
	} else {
		d->word = info->u.nth.every;
		d->packet = info->u.nth.packet;
	}
	c->pos++;
	return true;
}

/* --compat: the reference always writes the blob; its count starts at
 * the shared word less the packet, whichever the mode. */
static enum compat_res statistic_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct statistic_data *d = data;
	struct xt_statistic_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.mode = d->mode;
	info.flags = d->inv ? XT_STATISTIC_INVERT : 0;
	info.u.nth.every = d->word;
	info.u.nth.packet = d->packet;
	info.u.nth.count = d->word - d->packet;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

/* numgen's modulus for the relation just read (the last item taken). */
static uint32_t read_modulus(const struct delin_ctx *c)
{
	return numgen_modulus(&c->items->v[c->pos - 1].sel);
}

static bool statistic_delinearize(struct delin_ctx *c, void *data)
{
	struct statistic_data *d = data;
	uint32_t type = NFT_NG_RANDOM, mod;
	unsigned start = c->pos;
	struct u32_rel rel;

	if (statistic_blob(c, d) || meta_random(c, d))
		return true;
	if (u32_delin(c, numgen_sel, &type, &rel)) {
		/* "<= P - 1" and "> P - 1" too: nft's words for P = 2^31 */
		bool below = rel.op == REL_LTE || rel.op == REL_GT;

		if (read_modulus(c) == (uint32_t)RANDOM_RANGE &&
		    (rel.op == REL_LT || rel.op == REL_GTE || below) &&
		    (uint64_t)rel.lo + below <= (uint64_t)RANDOM_RANGE) {
			d->mode = XT_STATISTIC_MODE_RANDOM;
			d->word = rel.lo + below;
			d->inv = rel.op == REL_GTE || rel.op == REL_GT;
			return true;
		}
		c->pos = start;
		return false;
	}
	type = NFT_NG_INCREMENTAL;
	if (u32_delin(c, numgen_sel, &type, &rel)) {
		mod = read_modulus(c);
		if ((rel.op == REL_EQ || rel.op == REL_NEQ) && mod > 0 && rel.lo < mod) {
			d->mode = XT_STATISTIC_MODE_NTH;
			d->word = mod - 1;
			d->packet = rel.lo;
			d->inv = rel.op == REL_NEQ;
			return true;
		}
		c->pos = start;
	}
	return false;
}

/* word / 2^31 as printf's "%.11f" writes it, rounded the same way (to
 * nearest, ties to even: the quotient is exact in binary), without
 * printf's floating-point path, which costs more than the rest of the
 * rule's printing. */
static void probability_text(struct strbuf *out, uint32_t word)
{
	unsigned __int128 x = (unsigned __int128)word * 100000000000ULL;
	uint64_t q = (uint64_t)(x >> 31), rem = (uint64_t)(x & 0x7fffffff);
	char frac[12];
	int i;

	if (rem > 0x40000000 || (rem == 0x40000000 && (q & 1)))
		q++;
	sb_addu(out, q / 100000000000ULL);
	q %= 100000000000ULL;
	for (i = 10; i >= 0; i--, q /= 10)
		frac[i] = (char)('0' + q % 10);
	frac[11] = '\0';
	sb_add2(out, ".", frac);
}

static void statistic_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct statistic_data *d = data;

	(void)r;
	(void)fmt;
	if (d->mode == XT_STATISTIC_MODE_RANDOM) {
		sb_add2(out, " statistic mode random", d->inv ? " !" : "");
		sb_add(out, " probability ");
		probability_text(out, d->word);
		return;
	}
	sb_printf(out, " statistic mode nth%s every %llu", d->inv ? " !" : "",
		  (unsigned long long)d->word + 1);
	if (d->packet)
		sb_printf(out, " packet %u", d->packet);
}

static void statistic_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct statistic_data *d = data;

	(void)r;
	if (d->mode == XT_STATISTIC_MODE_RANDOM) {
		sb_add2(out, " --mode random", d->inv ? " !" : "");
		sb_add(out, " --probability ");
		probability_text(out, d->word);
		return;
	}
	sb_printf(out, " --mode nth%s --every %llu --packet %u", d->inv ? " !" : "",
		  (unsigned long long)d->word + 1, d->packet);
}

const struct extension ext_statistic = {
	.name = "statistic",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct statistic_data),
	.opts = statistic_opts,
	.parse = statistic_parse,
	.check = statistic_check,
	.linearize = statistic_linearize,
	.compat = statistic_compat,
	.delinearize = statistic_delinearize,
	.print = statistic_print,
	.save = statistic_save,
};
