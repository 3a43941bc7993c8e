/* -j TCPMSS: rewrite the MSS option of TCP SYN packets.
 *
 *   --set-mss N           immediate reg 1 = N (2 bytes, network order)
 *                         exthdr write tcpopt maxseg size (type 2, @2, 2b) = reg 1
 *   --clamp-mss-to-pmtu   rt load tcpmss => reg 1
 *                         byteorder reg 1 = hton(reg 1, 2, 2)
 *                         exthdr write tcpopt maxseg size = reg 1
 *
 * as nft writes `tcp option maxseg size set N` and `... set rt mtu`.
 * Read back as well: the reference's blob, which --compat writes.
 */
#include <stdio.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "rule.h"
#include "expr.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define TCPOPT_MAXSEG 2
#define MSS_CLAMP 0xffff	/* XT_TCPMSS_CLAMP_PMTU */

struct tcpmss_data {
	uint16_t mss;		/* or MSS_CLAMP */
};

enum { O_SET_MSS, O_CLAMP };

static const struct ext_opt tcpmss_opts[] = {
	/* the largest MSS depends on the family: parse's */
	{ .name = "set-mss", .id = O_SET_MSS, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "value", .help = "rewrite the MSS option to value" },
	/* all bits set: MSS_CLAMP; the later of the two wins */
	{ .name = "clamp-mss-to-pmtu", .id = O_CLAMP, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct tcpmss_data, mss), .max = MSS_CLAMP,
	  .help = "lower the MSS to fit the path MTU" },
	{ .name = NULL },
};

static int tcpmss_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct tcpmss_data *d = data;
	uint64_t n;

	(void)id;
	(void)inv;
	/* an MSS fits a packet of 65535 bytes with the IP header's and 20
	 * bytes of TCP header, and IPv4's 20 bytes or IPv6's 40 */
	if (xt_parse_uint(ctx->err, "TCPMSS", "set-mss", arg, 0,
			  ctx->rule->family == NFPROTO_IPV6 ? 65495 : 65515, &n) < 0)
		return -1;
	d->mss = (uint16_t)n;
	return 0;
}

static int tcpmss_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "TCPMSS target: At least one parameter is required");
	return 0;
}

static void tcpmss_linearize(struct lin_ctx *c, const void *data)
{
	const struct tcpmss_data *d = data;
	const struct rule *r = c->rule;
	struct nftnl_expr *e;

	/* the reference's kernel wants TCP, and a route to clamp to */
	if (!r->has_proto || r->proto != 6 || (r->inv & INV_PROTO) ||
	    (d->mss == MSS_CLAMP && tg_misplaced(c, NULL, TG_FWD | TG_OUT | TG_POST))) {
		tg_lin_refuse(c);
		return;
	}
	if (d->mss == MSS_CLAMP) {
		e = nftnl_expr_alloc("rt");
		if (!e)
			out_of_memory();
		nftnl_expr_set_u32(e, NFTNL_EXPR_RT_KEY, NFT_RT_TCPMSS);
		nftnl_expr_set_u32(e, NFTNL_EXPR_RT_DREG, NFT_REG_1);
		lin_add(c, e);
		lin_hton(c, 2);
	} else {
		uint16_t mss = htons(d->mss);

		tg_lin_imm(c, NFT_REG_1, &mss, 2);
	}
	lin_add(c, expr_exthdr(NFT_EXTHDR_OP_TCPOPT, NFTNL_EXPR_EXTHDR_SREG, NFT_REG_1,
			       TCPOPT_MAXSEG, 2, 2));
}

static bool is_mss_write(const struct item *it)
{
	const struct nftnl_expr *e;

	if (!tg_stmt(it, "exthdr"))
		return false;
	e = it->expr;
	return nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP) == NFT_EXTHDR_OP_TCPOPT &&
	       nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE) == TCPOPT_MAXSEG &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET) == 2 &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN) == 2;
}

static bool is_rt_tcpmss(const struct regval *v)
{
	return v && !v->is_data && !v->masked && v->sel.kind == SEL_OTHER && v->sel.name &&
	       strcmp(v->sel.name, "rt") == 0 && v->sel.expr &&
	       nftnl_expr_get_u32(v->sel.expr, NFTNL_EXPR_RT_KEY) == NFT_RT_TCPMSS;
}

/* The reference's blob, target TCPMSS revision 0 (xt_TCPMSS.h):
 *
 *   0       2
 *   +-------+
 *   | mss   |   (u16, host order; 0xffff: clamp to PMTU)
 *   +-------+
 */
/* The kernel checks the blob's protocol and hooks on its own. */
static enum compat_res tcpmss_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct tcpmss_data *d = data;

	(void)c;
	return tg_compat_blob(out, 0, &d->mss, sizeof(d->mss));
}

static bool tcpmss_delinearize(struct delin_ctx *c, void *data)
{
	struct tcpmss_data *d = data;
	struct item *it = delin_peek(c);
	const struct regval *v;
	const uint8_t *b;
	bool swapped = false;

	if ((b = tg_xt_blob(it, "TCPMSS", 0, 2))) {
		memcpy(&d->mss, b, 2);
		c->pos++;
		return true;
	}
	if (item_is_hton(it, 2)) {
		swapped = true;
		c->pos++;
		it = delin_peek(c);
	}
	if (!is_mss_write(it))
		return false;
	v = item_reg_attr(it, NFTNL_EXPR_EXTHDR_SREG);
	if (swapped && is_rt_tcpmss(v)) {
		d->mss = MSS_CLAMP;
	} else if (!swapped && v && v->is_data && v->len == 2) {
		uint16_t mss;

		memcpy(&mss, v->data, 2);
		d->mss = ntohs(mss);
		if (d->mss == MSS_CLAMP)
			return false;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static void tcpmss_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct tcpmss_data *d = data;

	(void)r;
	(void)fmt;
	if (d->mss == MSS_CLAMP)
		sb_add(out, " TCPMSS clamp to PMTU");
	else
		sb_printf(out, " TCPMSS set %u", d->mss);
}

static void tcpmss_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct tcpmss_data *d = data;

	(void)r;
	if (d->mss == MSS_CLAMP)
		sb_add(out, " --clamp-mss-to-pmtu");
	else
		sb_printf(out, " --set-mss %u", d->mss);
}

const struct extension ext_TCPMSS = {
	.name = "TCPMSS",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct tcpmss_data),
	.opts = tcpmss_opts,
	.parse = tcpmss_parse,
	.check = tcpmss_check,
	.linearize = tcpmss_linearize,
	.compat = tcpmss_compat,
	.delinearize = tcpmss_delinearize,
	.print = tcpmss_print,
	.save = tcpmss_save,
};
