/* -j TRACE: trace the packet through the ruleset (nft monitor trace,
 * xtables-monitor --trace show each rule it meets).
 *
 *   immediate reg 9 = 1 (one byte); meta set nftrace with reg 9
 *
 * which is `meta nftrace set 1`, in the very layout the reference writes
 * (nft itself loads register 1): native, so --compat writes it too. The
 * reference takes it in any table and chain, and so does iptnft. It has
 * no options, and like the reference's it is not a verdict: the packet
 * goes on to the next rule.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"

static void trace_linearize(struct lin_ctx *c, const void *data)
{
	const uint8_t on = 1;
	struct nftnl_expr *e;

	(void)data;
	tg_lin_imm(c, NFT_REG32_01, &on, 1);
	e = nftnl_expr_alloc("meta");
	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG32_01);
	lin_add(c, e);
}

static bool trace_delinearize(struct delin_ctx *c, void *data)
{
	struct item *it = delin_peek(c);
	uint8_t on;

	(void)data;
	if (!tg_stmt(it, "meta") ||
	    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_META_KEY) != NFT_META_NFTRACE ||
	    !tg_reg_data(it, NFTNL_EXPR_META_SREG, &on, 1) || on != 1)
		return false;
	c->pos++;
	return true;
}

const struct extension ext_TRACE = {
	.name = "TRACE",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.linearize = trace_linearize,
	.delinearize = trace_delinearize,
};
