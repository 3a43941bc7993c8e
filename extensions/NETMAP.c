/* -j NETMAP --to address[/mask]: map a whole network onto another one,
 * host part kept: the destination in PREROUTING and OUTPUT, the source
 * in POSTROUTING and INPUT of table nat.
 *
 * The range is min = address & mask, max = address | ~mask (a mask that
 * is no prefix stands for the whole address). nf_tables does the same
 * mapping with a NAT statement whose flags hold NF_NAT_RANGE_NETMAP, as
 * nft writes `dnat prefix to 10.0.0.0/24`:
 *
 *   immediate reg 1 = min; immediate reg 2 = max;
 *   nat dnat|snat FAMILY addr_min reg 1 addr_max reg 2 flags 0x41
 *
 * The statement names its direction where the xt target learns it from
 * the hook at run time, so a rule in a user-defined chain, which any
 * hook may reach, is written as the reference's xt target: revision 0,
 * the 'compat' range in IPv4 and the 'range' one in IPv6 (natrange.c),
 * which --compat writes everywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "natrange.h"
#include "print.h"
#include "table.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define NETMAP_HOOKS (TG_PRE | TG_IN | TG_OUT | TG_POST)

static const struct ext_opt netmap_opts[] = {
	{ .name = "to", .type = OT_CUSTOM, .has_arg = true, .flags = OF_MAND | OF_NOINV_XT,
	  .help_arg = "address[/mask]", .help = "the network to map onto, host part kept" },
	{ .name = NULL },
};

static const struct nat_attrs netmap_regs = {
	.addr_min = NFTNL_EXPR_NAT_REG_ADDR_MIN,
	.addr_max = NFTNL_EXPR_NAT_REG_ADDR_MAX,
	.proto_min = NFTNL_EXPR_NAT_REG_PROTO_MIN,
	.proto_max = NFTNL_EXPR_NAT_REG_PROTO_MAX,
};

static int netmap_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct nat_range *r = data;
	unsigned alen = family_addr_len(ctx->rule->family), i;
	uint8_t addr[16], mask[16];

	(void)id;
	(void)inv;
	if (xt_parse_hostmask(ctx->err, "NETMAP", "to", arg, ctx->rule->family, addr, mask) < 0)
		return -1;
	memset(r, 0, sizeof(*r));
	r->flags = NATF_MAP_IPS;
	for (i = 0; i < alen; i++) {
		r->min_addr[i] = addr[i] & mask[i];
		r->max_addr[i] = addr[i] | (uint8_t)~mask[i];
	}
	return 0;
}

/* The NAT type of a built-in chain's hook; -1 for a user chain (or no
 * chain known), whose hook only the xt target learns. */
static int netmap_type(const struct lin_ctx *c)
{
	const struct builtin_chain *bc;

	if (!c->table || !c->chain)
		return -1;
	bc = table_find_chain(table_find(c->table), c->chain);
	if (!bc)
		return -1;
	return bc->hook == NF_INET_PRE_ROUTING || bc->hook == NF_INET_LOCAL_OUT ? NFT_NAT_DNAT
										 : NFT_NAT_SNAT;
}

static enum compat_res netmap_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	return nat_compat_blob(out, 0, c->family, data);
}

static void netmap_linearize(struct lin_ctx *c, const void *data)
{
	const struct nat_range *r = data;
	struct nftnl_expr *e;
	struct xt_out *out;
	int type;

	if (tg_misplaced(c, "nat", NETMAP_HOOKS)) {
		tg_lin_refuse(c);
		return;
	}
	type = netmap_type(c);
	if (type < 0) {
		out = xmalloc(sizeof(*out));
		memset(out, 0, sizeof(*out));
		netmap_compat(c, data, out);
		lin_xt(c, true, "NETMAP", out->rev, out->info, out->len);
		free(out);
		return;
	}
	e = nftnl_expr_alloc("nat");
	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, (uint32_t)type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, c->family);
	nat_lin_load(c, r, e, &netmap_regs);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_NETMAP);
	lin_add(c, e);
}

static bool netmap_delinearize(struct delin_ctx *c, void *data)
{
	struct item *it = delin_peek(c);
	struct nat_range *r = data;
	const struct nftnl_expr *e = it->expr;
	const void *b;

	if (tg_stmt(it, "nat")) {
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FAMILY) != c->family ||
		    !nftnl_expr_is_set(e, NFTNL_EXPR_NAT_FLAGS) ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FLAGS) !=
			    (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_NETMAP) ||
		    !nat_read(it, &netmap_regs, 0, c->family, r) || r->flags != NATF_MAP_IPS)
			return false;
	} else {
		b = tg_xt_blob(it, "NETMAP", 0, nat_blob_len(0, c->family));
		if (!b || !nat_from_blob(b, 0, c->family, r) || r->flags != NATF_MAP_IPS)
			return false;
	}
	c->pos++;
	return true;
}

/* "address/bits": the lowest address and the prefix the two ends share,
 * as -S writes an address */
static void netmap_text(struct strbuf *out, const struct nat_range *r, uint8_t family)
{
	unsigned alen = family_addr_len(family), i;
	struct addr_mask am;

	memset(&am, 0, sizeof(am));
	memcpy(am.addr, r->min_addr, alen);
	for (i = 0; i < alen; i++)
		am.mask[i] = (uint8_t)~(r->min_addr[i] ^ r->max_addr[i]);
	print_addr_save(out, &am, family);
}

static void netmap_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	(void)fmt;
	sb_add(out, " to:");
	netmap_text(out, data, r->family);
}

static void netmap_save(struct strbuf *out, const void *data, const struct rule *r)
{
	sb_add(out, " --to ");
	netmap_text(out, data, r->family);
}

const struct extension ext_NETMAP = {
	.name = "NETMAP",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct nat_range),
	.opts = netmap_opts,
	.parse = netmap_parse,
	.linearize = netmap_linearize,
	.compat = netmap_compat,
	.delinearize = netmap_delinearize,
	.print = netmap_print,
	.save = netmap_save,
};
