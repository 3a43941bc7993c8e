/* -j SYNPROXY [--mss N] [--wscale N] [--sack-perm] [--timestamp] [--ecn]:
 * answer a TCP SYN with a SYN cookie and open the connection to the
 * server only once the client has completed the handshake.
 *
 *   synproxy mss N wscale N flags NF_SYNPROXY_OPT_*
 *
 * as nft writes `synproxy mss 1460 wscale 7 timestamp sack-perm`: the
 * statement and the xt target share the kernel's synproxy core. Both are
 * valid in INPUT and FORWARD only and need -p tcp; a rule elsewhere, or
 * without -p tcp, is written as the reference's blob (revision 0, struct
 * xt_synproxy_info) for the kernel to refuse it alike, and --compat
 * writes the blob always. The statement takes no --ecn (the kernel
 * refuses the flag), so a rule with it holds the blob too. The reference reads --mss and --wscale as 32-bit
 * numbers and keeps their low 16 and 8 bits; so does iptnft.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_SYNPROXY.h>
#include <netinet/in.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

struct synproxy_data {
	struct xt_synproxy_info info;
};

enum { O_SACK, O_TS, O_WSCALE, O_MSS, O_ECN };

#define SP_FLAG(opt, id_, bit, what)                                                         \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_NOINV_XT,                      \
	  OPT_DST(struct synproxy_data, info.options), .max = bit, .help = what }

static const struct ext_opt synproxy_opts[] = {
	SP_FLAG("sack-perm", O_SACK, XT_SYNPROXY_OPT_SACK_PERM, "offer selective acknowledgement"),
	SP_FLAG("timestamp", O_TS, XT_SYNPROXY_OPT_TIMESTAMP, "offer timestamps"),
	{ .name = "wscale", .id = O_WSCALE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "value", .help = "window scaling factor to offer" },
	{ .name = "mss", .id = O_MSS, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "value", .help = "maximum segment size to offer" },
	SP_FLAG("ecn", O_ECN, XT_SYNPROXY_OPT_ECN, "offer explicit congestion notification"),
	{ .name = NULL },
};

static int synproxy_parse(struct parse_ctx *ctx, void *data, int id, const char *arg,
			  bool inv)
{
	struct xt_synproxy_info *i = &((struct synproxy_data *)data)->info;
	uint64_t v;

	(void)inv;
	if (xt_parse_uint(ctx->err, "SYNPROXY", id == O_MSS ? "mss" : "wscale", arg, 0,
			  UINT32_MAX, &v) < 0)
		return -1;
	if (id == O_MSS) {
		i->mss = (uint16_t)v;
		i->options |= XT_SYNPROXY_OPT_MSS;
	} else {
		i->wscale = (uint8_t)v;
		i->options |= XT_SYNPROXY_OPT_WSCALE;
	}
	return 0;
}

static enum compat_res synproxy_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_synproxy_info));
	memcpy(out->info, data, sizeof(struct xt_synproxy_info));
	return COMPAT_XT;
}

static void synproxy_linearize(struct lin_ctx *c, const void *data)
{
	const struct xt_synproxy_info *i = &((const struct synproxy_data *)data)->info;
	const struct rule *r = c->rule;
	struct xt_out out = { .rev = 0 };
	struct nftnl_expr *e;

	if (!r || !r->has_proto || r->proto != IPPROTO_TCP || (r->inv & INV_PROTO) ||
	    tg_misplaced(c, NULL, TG_IN | TG_FWD) || (i->options & XT_SYNPROXY_OPT_ECN)) {
		synproxy_compat(c, data, &out);
		lin_xt(c, true, "SYNPROXY", out.rev, out.info, out.len);
		return;
	}
	e = nftnl_expr_alloc("synproxy");
	if (!e)
		out_of_memory();
	nftnl_expr_set_u16(e, NFTNL_EXPR_SYNPROXY_MSS, i->mss);
	nftnl_expr_set_u8(e, NFTNL_EXPR_SYNPROXY_WSCALE, i->wscale);
	nftnl_expr_set_u32(e, NFTNL_EXPR_SYNPROXY_FLAGS, i->options);
	lin_add(c, e);
}

static bool synproxy_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_synproxy_info *i = &((struct synproxy_data *)data)->info;
	struct item *it = delin_peek(c);
	const void *p;
	uint32_t flags = 0;

	if (tg_stmt(it, "synproxy")) {
		if (nftnl_expr_is_set(it->expr, NFTNL_EXPR_SYNPROXY_FLAGS))
			flags = nftnl_expr_get_u32(it->expr, NFTNL_EXPR_SYNPROXY_FLAGS);
		if (flags & ~(uint32_t)NF_SYNPROXY_OPT_MASK)
			return false;
		i->options = (uint8_t)flags;
		if (nftnl_expr_is_set(it->expr, NFTNL_EXPR_SYNPROXY_MSS))
			i->mss = nftnl_expr_get_u16(it->expr, NFTNL_EXPR_SYNPROXY_MSS);
		if (nftnl_expr_is_set(it->expr, NFTNL_EXPR_SYNPROXY_WSCALE))
			i->wscale = nftnl_expr_get_u8(it->expr, NFTNL_EXPR_SYNPROXY_WSCALE);
	} else if ((p = tg_xt_blob(it, "SYNPROXY", 0, sizeof(*i)))) {
		memcpy(i, p, sizeof(*i));
	} else {
		return false;
	}
	c->pos++;
	return true;
}

/* The reference's order; -L leaves a blank after each word. */
static void synproxy_text(struct strbuf *out, const struct xt_synproxy_info *i, bool save)
{
	const char *dash = save ? "--" : "", *end = save ? "" : " ";

	if (!save)
		sb_add(out, " SYNPROXY ");
	if (i->options & XT_SYNPROXY_OPT_SACK_PERM)
		sb_printf(out, "%s%ssack-perm%s", save ? " " : "", dash, end);
	if (i->options & XT_SYNPROXY_OPT_TIMESTAMP)
		sb_printf(out, "%s%stimestamp%s", save ? " " : "", dash, end);
	if (i->options & XT_SYNPROXY_OPT_WSCALE)
		sb_printf(out, "%s%swscale %u%s", save ? " " : "", dash, i->wscale, end);
	if (i->options & XT_SYNPROXY_OPT_MSS)
		sb_printf(out, "%s%smss %u%s", save ? " " : "", dash, i->mss, end);
	if (i->options & XT_SYNPROXY_OPT_ECN)
		sb_printf(out, "%s%secn%s", save ? " " : "", dash, end);
}

static void synproxy_print(struct strbuf *out, const void *data, const struct rule *r,
			   unsigned fmt)
{
	(void)r;
	(void)fmt;
	synproxy_text(out, &((const struct synproxy_data *)data)->info, false);
}

static void synproxy_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	synproxy_text(out, &((const struct synproxy_data *)data)->info, true);
}

const struct extension ext_SYNPROXY = {
	.name = "SYNPROXY",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct synproxy_data),
	.opts = synproxy_opts,
	.parse = synproxy_parse,
	.linearize = synproxy_linearize,
	.compat = synproxy_compat,
	.delinearize = synproxy_delinearize,
	.print = synproxy_print,
	.save = synproxy_save,
};
