/* -m tcpmss [!] --mss value[:value]: the MSS option of a TCP header
 * (SYN and SYN/ACK carry it), one value or a range.
 *
 *   exthdr load tcpopt 2b @ 2 + 2; cmp eq MSS, or range eq LO HI
 *
 * as nft writes `tcp option maxseg size 100-200`. A segment without the
 * option matches neither way in nf_tables, while the xt match takes it
 * for "!"; so "!" is written as the reference's blob (revision 0, struct
 * xt_tcpmss_match_info), and so is a rule without -p tcp, for the kernel
 * to refuse it as it refuses the reference's. --compat writes the blob
 * always.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <netinet/in.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define TCPOPT_MAXSEG 2

struct tcpmss_data {
	uint16_t lo, hi;
	bool inv;
};

static const struct ext_opt tcpmss_opts[] = {
	{ .name = "mss", .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV | OF_MAND,
	  OPT_INVDST(struct tcpmss_data, inv), .help_arg = "value[:value]",
	  .help = "MSS option of a SYN or SYN/ACK, or a range" },
	{ .name = NULL },
};

static int tcpmss_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct tcpmss_data *d = data;
	uint64_t lo, hi;

	(void)id;
	(void)inv;
	if (xt_parse_uint_range(ctx->err, "tcpmss", "mss", arg, UINT16_MAX, &lo, &hi, NULL) < 0)
		return -1;
	if (lo > hi)
		return err_param(ctx->err, "tcpmss: invalid range given");
	d->lo = (uint16_t)lo;
	d->hi = (uint16_t)hi;
	return 0;
}

static enum compat_res tcpmss_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct tcpmss_data *d = data;
	struct xt_tcpmss_match_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.mss_min = d->lo;
	info.mss_max = d->hi;
	info.invert = d->inv;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static void tcpmss_linearize(struct lin_ctx *c, const void *data)
{
	const struct tcpmss_data *d = data;
	const struct rule *r = c->rule;
	uint16_t lo = htons(d->lo), hi = htons(d->hi);
	struct xt_out out = { .rev = 0 };

	if (d->inv || !r || !r->has_proto || r->proto != IPPROTO_TCP || (r->inv & INV_PROTO)) {
		tcpmss_compat(c, data, &out);
		lin_xt(c, false, "tcpmss", out.rev, out.info, out.len);
		return;
	}
	lin_add(c, expr_exthdr(NFT_EXTHDR_OP_TCPOPT, NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1,
			       TCPOPT_MAXSEG, 2, 2));
	if (lo == hi)
		lin_cmp(c, REL_EQ, &lo, 2);
	else
		lin_range(c, false, &lo, &hi, 2);
}

static bool tcpmss_delinearize(struct delin_ctx *c, void *data)
{
	struct tcpmss_data *d = data;
	struct item *it = delin_peek(c);
	struct xt_tcpmss_match_info info;
	uint16_t lo, hi;
	const void *p;

	if (it && it->kind == ITEM_REL && it->sel.kind == SEL_EXTHDR &&
	    it->sel.base == NFT_EXTHDR_OP_TCPOPT && it->sel.key == TCPOPT_MAXSEG &&
	    it->sel.offset == 2 && it->sel.len == 2 && it->len == 2 && !it->masked &&
	    !it->concat && !(it->sel.flags & NFT_EXTHDR_F_PRESENT) &&
	    (it->op == REL_EQ || it->op == REL_RANGE)) {
		memcpy(&lo, it->val, 2);
		hi = lo;
		if (it->op == REL_RANGE)
			memcpy(&hi, it->hi, 2);
		d->lo = ntohs(lo);
		d->hi = ntohs(hi);
	} else if ((p = xt_blob(it, false, "tcpmss", 0, sizeof(info)))) {
		memcpy(&info, p, sizeof(info));
		d->lo = info.mss_min;
		d->hi = info.mss_max;
		d->inv = info.invert != 0;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static void mss_text(struct strbuf *out, const struct tcpmss_data *d)
{
	if (d->lo == d->hi)
		sb_printf(out, "%u", d->lo);
	else
		sb_printf(out, "%u:%u", d->lo, d->hi);
}

static void tcpmss_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct tcpmss_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " tcpmss match !" : " tcpmss match ");
	mss_text(out, d);
}

static void tcpmss_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct tcpmss_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --mss " : " --mss ");
	mss_text(out, d);
}

const struct extension ext_tcpmss = {
	.name = "tcpmss",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct tcpmss_data),
	.opts = tcpmss_opts,
	.parse = tcpmss_parse,
	.linearize = tcpmss_linearize,
	.compat = tcpmss_compat,
	.delinearize = tcpmss_delinearize,
	.print = tcpmss_print,
	.save = tcpmss_save,
};
