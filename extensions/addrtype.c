/* -m addrtype: the routing type of the source or destination address.
 *
 *   --src-type T[,T...]   fib saddr type T, or fib saddr type { T, ... }
 *   --dst-type T[,T...]   fib daddr type ...
 *   --limit-iface-in      fib saddr . iif type ...  (the input device)
 *   --limit-iface-out     fib daddr . oif type ...  (the output device)
 *
 * The type names are the kernel's RTN_* route types; the reference keeps
 * them as bits 1 << RTN_*, so its order (and ours) is RTN order.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aset.h"
#include "ext.h"
#include "rule.h"
#include "expr.h"
#include "util.h"
#include "xtopt.h"

#define TYPE_FIB_ADDR 38	/* nft's data type for route types */
#define NTYPES 12

static const char *const type_names[NTYPES] = {
	"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
};

struct addrtype_data {
	uint16_t src, dst;	/* 1 << RTN_* */
	bool inv_src, inv_dst;
	bool limit_in, limit_out;
};

enum { O_SRC, O_DST, O_LIMIT_IN, O_LIMIT_OUT };

static const struct ext_opt addrtype_opts[] = {
	{ .name = "src-type", .id = O_SRC, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct addrtype_data, inv_src), .help_arg = "type[,type...]",
	  .help = "source address is of one of these kinds" },
	{ .name = "dst-type", .id = O_DST, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct addrtype_data, inv_dst), .help_arg = "type[,type...]",
	  .help = "destination address is of one of these kinds" },
	/* their conflict is check's: the reference reports it only after
	 * a missing --src-type or --dst-type */
	{ .name = "limit-iface-in", .id = O_LIMIT_IN, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct addrtype_data, limit_in),
	  .help = "look the type up on the input interface only" },
	{ .name = "limit-iface-out", .id = O_LIMIT_OUT, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct addrtype_data, limit_out),
	  .help = "look the type up on the output interface only" },
	{ .name = NULL },
};

/* "LOCAL,UNICAST": a bad name before a comma is reported with the rest
 * of the list in `', the last one alone in double quotes. */
static int parse_types(struct parse_ctx *ctx, const char *arg, uint16_t *bits)
{
	const char *p = arg;

	*bits = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		unsigned i;

		/* as the reference: any leading part of a name, in any case,
		 * the first in the table's order ("U" is UNSPEC) */
		for (i = 0; i < NTYPES; i++)
			if (len && len <= strlen(type_names[i]) &&
			    strncasecmp(p, type_names[i], len) == 0)
				break;
		if (i == NTYPES)
			return comma ? err_param(ctx->err, "addrtype: bad type `%s'", p)
				     : err_param(ctx->err, "addrtype: bad type \"%s\"", p);
		*bits |= (uint16_t)(1u << i);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int addrtype_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct addrtype_data *d = data;

	(void)inv;
	return parse_types(ctx, arg, id == O_SRC ? &d->src : &d->dst);
}

static bool chain_is(const char *chain, const char *a, const char *b)
{
	return chain && (strcmp(chain, a) == 0 || strcmp(chain, b) == 0);
}

/* The reference's checks, then what its kernel module refuses (the input
 * device does not exist on output and the other way round; IPv6 knows
 * fewer route types), in the words the reference reports it with. */
static int addrtype_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct addrtype_data *d = data;
	uint16_t v6_bad = (uint16_t)(1u << RTN_BLACKHOLE | 1u << RTN_BROADCAST |
				     ~((1u << RTN_PROHIBIT) - 1));

	if (!(seen & (1u << O_SRC | 1u << O_DST)))
		return err_param(ctx->err, "addrtype: you must specify --src-type or --dst-type");
	if (d->limit_in && d->limit_out)
		return xt_err_conflict(ctx->err, "addrtype", "limit-iface-in", "limit-iface-out");
	if ((d->limit_out && chain_is(ctx->chain, "INPUT", "PREROUTING")) ||
	    (d->limit_in && chain_is(ctx->chain, "OUTPUT", "POSTROUTING")) ||
	    (ctx->rule->family == NFPROTO_IPV6 && ((d->src | d->dst) & v6_bad)))
		return xt_err_table(ctx, ctx->chain);
	return 0;
}

static void lin_types(struct lin_ctx *c, const struct addrtype_data *d, bool src)
{
	uint16_t bits = src ? d->src : d->dst;
	bool inv = src ? d->inv_src : d->inv_dst;
	uint32_t flags = src ? NFTA_FIB_F_SADDR : NFTA_FIB_F_DADDR;
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	struct aset *s;
	uint32_t t;

	if (!e)
		out_of_memory();
	if (d->limit_in)
		flags |= NFTA_FIB_F_IIF;
	if (d->limit_out)
		flags |= NFTA_FIB_F_OIF;
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, flags);
	lin_add(c, e);
	if (!(bits & (bits - 1))) {
		t = (uint32_t)__builtin_ctz(bits);
		lin_cmp(c, inv ? REL_NEQ : REL_EQ, &t, 4);
		return;
	}
	s = lin_lookup_anon(c, TYPE_FIB_ADDR, 4, false, inv);
	for (t = 0; t < NTYPES; t++)
		if (bits & (1u << t))
			aset_add_elem(s, &t, &t);
}

static void addrtype_linearize(struct lin_ctx *c, const void *data)
{
	const struct addrtype_data *d = data;

	if (d->src)
		lin_types(c, d, true);
	if (d->dst)
		lin_types(c, d, false);
}

/* A fib type test at the cursor: which address, which device, which
 * types. */
static bool fib_types(struct delin_ctx *c, const struct item *it, uint32_t *flags,
		      uint16_t *bits, bool *inv)
{
	const struct aset *s;
	uint32_t t;
	unsigned i;

	if (!it || it->kind != ITEM_REL || it->sel.kind != SEL_OTHER || !it->sel.name ||
	    strcmp(it->sel.name, "fib") != 0 || it->masked)
		return false;
	if (nftnl_expr_get_u32(it->sel.expr, NFTNL_EXPR_FIB_RESULT) != NFT_FIB_RESULT_ADDRTYPE)
		return false;
	*flags = nftnl_expr_get_u32(it->sel.expr, NFTNL_EXPR_FIB_FLAGS);
	switch (*flags & ~(uint32_t)(NFTA_FIB_F_IIF | NFTA_FIB_F_OIF)) {
	case NFTA_FIB_F_SADDR:
	case NFTA_FIB_F_DADDR:
		break;
	default:
		return false;
	}
	if ((*flags & NFTA_FIB_F_IIF) && (*flags & NFTA_FIB_F_OIF))
		return false;
	*bits = 0;
	if ((it->op == REL_EQ || it->op == REL_NEQ) && it->len == 4) {
		memcpy(&t, it->val, 4);
		if (t >= NTYPES)
			return false;
		*bits = (uint16_t)(1u << t);
		*inv = it->op == REL_NEQ;
		return true;
	}
	if (it->op != REL_LOOKUP && it->op != REL_NLOOKUP)
		return false;
	s = delin_set(c, it);
	if (!s || s->key_len != 4 || s->n == 0)
		return false;
	for (i = 0; i < s->n; i++) {
		memcpy(&t, s->v[i].lo, 4);
		if (t >= NTYPES || memcmp(s->v[i].lo, s->v[i].hi, 4) != 0)
			return false;
		*bits |= (uint16_t)(1u << t);
	}
	*inv = it->op == REL_NLOOKUP;
	return true;
}

/*
 * The reference's blob, struct xt_addrtype_info_v1 (revision 1):
 *
 *   0        2        4                 8
 *   +--------+--------+-----------------+
 *   | source | dest   | flags           |
 *   +--------+--------+-----------------+
 *   source, dest: 1 << RTN_*; flags: XT_ADDRTYPE_INVERT_SOURCE,
 *   _INVERT_DEST, _LIMIT_IFACE_IN, _LIMIT_IFACE_OUT
 */
static bool addrtype_blob(const struct item *it, struct addrtype_data *d)
{
	const struct xt_addrtype_info_v1 *info =
		xt_blob(it, false, "addrtype", 1, sizeof(*info));

	if (!info)
		return false;
	d->src = info->source;
	d->dst = info->dest;
	d->inv_src = info->flags & XT_ADDRTYPE_INVERT_SOURCE;
	d->inv_dst = info->flags & XT_ADDRTYPE_INVERT_DEST;
	d->limit_in = info->flags & XT_ADDRTYPE_LIMIT_IFACE_IN;
	d->limit_out = info->flags & XT_ADDRTYPE_LIMIT_IFACE_OUT;
	return true;
}

/* --compat: the reference always writes the revision 1 blob. */
static enum compat_res addrtype_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct addrtype_data *d = data;
	struct xt_addrtype_info_v1 info = { .source = d->src, .dest = d->dst };

	(void)c;
	if (d->inv_src)
		info.flags |= XT_ADDRTYPE_INVERT_SOURCE;
	if (d->inv_dst)
		info.flags |= XT_ADDRTYPE_INVERT_DEST;
	if (d->limit_in)
		info.flags |= XT_ADDRTYPE_LIMIT_IFACE_IN;
	if (d->limit_out)
		info.flags |= XT_ADDRTYPE_LIMIT_IFACE_OUT;
	out->rev = 1;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool addrtype_delinearize(struct delin_ctx *c, void *data)
{
	struct addrtype_data *d = data;
	uint32_t flags, dev = 0;
	uint16_t bits;
	bool inv, any = false;

	if (addrtype_blob(delin_peek(c), d)) {
		c->pos++;
		return true;
	}
	while (fib_types(c, delin_peek(c), &flags, &bits, &inv)) {
		bool src = flags & NFTA_FIB_F_SADDR;

		/* one device limit for both; source before destination */
		if (any && ((flags & (NFTA_FIB_F_IIF | NFTA_FIB_F_OIF)) != dev || src || d->dst))
			break;
		dev = flags & (NFTA_FIB_F_IIF | NFTA_FIB_F_OIF);
		if (src) {
			d->src = bits;
			d->inv_src = inv;
		} else {
			d->dst = bits;
			d->inv_dst = inv;
		}
		d->limit_in = dev & NFTA_FIB_F_IIF;
		d->limit_out = dev & NFTA_FIB_F_OIF;
		any = true;
		c->pos++;
	}
	return any;
}

static void types_text(struct strbuf *out, uint16_t bits)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < NTYPES; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (!first)
			sb_addc(out, ',');
		sb_add(out, type_names[i]);
		first = false;
	}
}

static void addrtype_print(struct strbuf *out, const void *data, const struct rule *r,
			   unsigned fmt)
{
	const struct addrtype_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " ADDRTYPE match");
	if (d->src) {
		sb_add(out, d->inv_src ? " src-type !" : " src-type ");
		types_text(out, d->src);
	}
	if (d->dst) {
		sb_add(out, d->inv_dst ? " dst-type !" : " dst-type ");
		types_text(out, d->dst);
	}
	if (d->limit_in)
		sb_add(out, " limit-in");
	if (d->limit_out)
		sb_add(out, " limit-out");
}

static void addrtype_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct addrtype_data *d = data;

	(void)r;
	if (d->src) {
		sb_add(out, d->inv_src ? " ! --src-type " : " --src-type ");
		types_text(out, d->src);
	}
	if (d->dst) {
		sb_add(out, d->inv_dst ? " ! --dst-type " : " --dst-type ");
		types_text(out, d->dst);
	}
	if (d->limit_in)
		sb_add(out, " --limit-iface-in");
	if (d->limit_out)
		sb_add(out, " --limit-iface-out");
}

const struct extension ext_addrtype = {
	.name = "addrtype",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct addrtype_data),
	.opts = addrtype_opts,
	.parse = addrtype_parse,
	.check = addrtype_check,
	.linearize = addrtype_linearize,
	.compat = addrtype_compat,
	.delinearize = addrtype_delinearize,
	.print = addrtype_print,
	.save = addrtype_save,
};
