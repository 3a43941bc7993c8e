/* -m rpfilter [--loose] [--validmark] [--accept-local] [--invert]: the
 * reverse path test. The packet matches when a route back to its source
 * exists and leaves through the interface it came in on (--loose: any
 * interface); --validmark looks the route up with the packet's mark;
 * --invert matches the packets that fail.
 *
 *   fib saddr [. mark] [. iif] oif present => reg 1; cmp eq 1 (0: --invert)
 *
 * as nft writes `fib saddr . iif oif exists` (strict) or `fib saddr oif
 * missing` (loose, inverted). The fib expression takes a local source
 * address for a failure, as the xt match does without --accept-local;
 * with it, and in any chain but a built-in PREROUTING one (where the
 * kernel refuses the xt match), the rule holds the reference's blob
 * (revision 0, one byte of flags), which --compat writes always.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_rpfilter.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

struct rpfilter_data {
	uint8_t flags;	/* XT_RPFILTER_* */
};

#define RPF_FLAG(opt, id_, bit, what)                                                        \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_NOINV_XT,                      \
	  OPT_DST(struct rpfilter_data, flags), .max = bit, .help = what }

static const struct ext_opt rpfilter_opts[] = {
	RPF_FLAG("loose", 0, XT_RPFILTER_LOOSE, "the way back may use any interface"),
	RPF_FLAG("validmark", 1, XT_RPFILTER_VALID_MARK, "look the way back up with the mark"),
	RPF_FLAG("accept-local", 2, XT_RPFILTER_ACCEPT_LOCAL, "a local source address passes"),
	RPF_FLAG("invert", 3, XT_RPFILTER_INVERT, "match the packets that fail the test"),
	{ .name = NULL },
};

#define FIB_BASE (NFTA_FIB_F_SADDR | NFTA_FIB_F_PRESENT)

static enum compat_res rpfilter_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_rpfilter_info));
	memcpy(out->info, data, sizeof(struct xt_rpfilter_info));
	return COMPAT_XT;
}

static void rpfilter_linearize(struct lin_ctx *c, const void *data)
{
	const struct rpfilter_data *d = data;
	uint32_t flags = FIB_BASE;
	uint8_t found = !(d->flags & XT_RPFILTER_INVERT);
	struct xt_out out = { .rev = 0 };
	struct nftnl_expr *e;

	if ((d->flags & XT_RPFILTER_ACCEPT_LOCAL) || tg_misplaced(c, NULL, TG_PRE)) {
		rpfilter_compat(c, data, &out);
		lin_xt(c, false, "rpfilter", out.rev, out.info, out.len);
		return;
	}
	if (d->flags & XT_RPFILTER_VALID_MARK)
		flags |= NFTA_FIB_F_MARK;
	if (!(d->flags & XT_RPFILTER_LOOSE))
		flags |= NFTA_FIB_F_IIF;
	e = nftnl_expr_alloc("fib");
	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_OIF);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, flags);
	lin_add(c, e);
	lin_cmp(c, REL_EQ, &found, 1);
}

static bool rpfilter_delinearize(struct delin_ctx *c, void *data)
{
	struct rpfilter_data *d = data;
	struct item *it = delin_peek(c);
	const struct nftnl_expr *e;
	const uint8_t *p;
	uint32_t flags;

	if (it && it->kind == ITEM_REL && it->sel.kind == SEL_OTHER && it->sel.name &&
	    strcmp(it->sel.name, "fib") == 0 && it->op == REL_EQ && it->len == 1 &&
	    !it->masked && it->val[0] <= 1) {
		e = it->sel.expr;
		flags = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_FLAGS);
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_RESULT) != NFT_FIB_RESULT_OIF ||
		    (flags & ~(uint32_t)(NFTA_FIB_F_MARK | NFTA_FIB_F_IIF)) != FIB_BASE)
			return false;
		d->flags = (uint8_t)((flags & NFTA_FIB_F_IIF ? 0 : XT_RPFILTER_LOOSE) |
				     (flags & NFTA_FIB_F_MARK ? XT_RPFILTER_VALID_MARK : 0) |
				     (it->val[0] ? 0 : XT_RPFILTER_INVERT));
	} else if ((p = xt_blob(it, false, "rpfilter", 0, sizeof(struct xt_rpfilter_info)))) {
		d->flags = p[0];
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static const struct {
	uint8_t bit;
	const char *name;
} rpf_words[] = {
	{ XT_RPFILTER_LOOSE, "loose" },
	{ XT_RPFILTER_VALID_MARK, "validmark" },
	{ XT_RPFILTER_ACCEPT_LOCAL, "accept-local" },
	{ XT_RPFILTER_INVERT, "invert" },
};

static void rpf_text(struct strbuf *out, const struct rpfilter_data *d, const char *dash)
{
	size_t i;

	for (i = 0; i < sizeof(rpf_words) / sizeof(rpf_words[0]); i++)
		if (d->flags & rpf_words[i].bit)
			sb_printf(out, " %s%s", dash, rpf_words[i].name);
}

static void rpfilter_print(struct strbuf *out, const void *data, const struct rule *r,
			   unsigned fmt)
{
	(void)r;
	(void)fmt;
	sb_add(out, " rpfilter");
	rpf_text(out, data, "");
}

static void rpfilter_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	rpf_text(out, data, "--");
}

const struct extension ext_rpfilter = {
	.name = "rpfilter",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct rpfilter_data),
	.opts = rpfilter_opts,
	.linearize = rpfilter_linearize,
	.compat = rpfilter_compat,
	.delinearize = rpfilter_delinearize,
	.print = rpfilter_print,
	.save = rpfilter_save,
};
