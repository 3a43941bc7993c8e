/* -j SNAT, DNAT, MASQUERADE and REDIRECT: one implementation, four
 * descriptions, as nft has one nat statement for the four.
 *
 *   [immediate reg 1 = addr] [immediate reg 2 = last addr]    SNAT, DNAT
 *   [immediate reg N = port] [immediate reg N+1 = last port]
 *   nat snat|dnat ip addr_min .. proto_max .. flags F
 *   masq|redir [proto_min reg N proto_max reg N|N+1] [flags F]
 *
 * as nft writes `snat to a-b:p-q`, `masquerade to :p-q random` and
 * `redirect to :p-q`; F carries random, random-fully and persistent (nat
 * always has it, masq and redir when it is not 0). A register holding the
 * same value as the one before it is not loaded twice.
 *
 * A "/base" port shift has no native form, the expressions have no
 * register for the base. SNAT and MASQUERADE keep its flag and lose the
 * base, as the reference does (their blobs have no room for it); DNAT
 * refuses it except with --compat, whose blob holds it; REDIRECT refuses
 * it with the reference's words.
 *
 * Read back as well: the reference's blobs, which --compat writes
 * (natrange.c draws them): SNAT and DNAT revisions 0 to 2, MASQUERADE and
 * REDIRECT revision 0.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "ext.h"
#include "rule.h"
#include "expr.h"
#include "natrange.h"
#include "tgutil.h"
#include "util.h"

/* What tells the four apart. */
struct nat_desc {
	const char *expr;		/* "nat", "masq" or "redir" */
	uint32_t nat_type;		/* nat's NFT_NAT_SNAT or NFT_NAT_DNAT */
	struct nat_attrs regs;		/* addresses for nat only */
	uint16_t flags_attr;
	unsigned hooks;			/* built-in chains of table nat it serves */
	enum {
		SHIFT_LOSES_BASE,	/* SNAT, MASQUERADE */
		SHIFT_NOT_NATIVE,	/* DNAT: the reference's blob */
		SHIFT_REFUSED,		/* REDIRECT */
	} shift;
	uint8_t compat_rev[2];		/* --compat's blob in IPv4, IPv6 */
	uint8_t last_rev;		/* blob revisions read: 0 to this */
	uint32_t shown_flags;		/* what -L and -S show of F */
	const char *list_ports;		/* -L's words before masq's and redir's ports */
};

static bool has_addrs(const struct nat_desc *nd)
{
	return nd->regs.addr_min != 0;
}

/* The extension's data is the range itself. */
enum { O_TO, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT };

/* --to-source, --to-destination, --to-ports: their own grammar */
#define TO_OPT(name_, mand, arg, text) \
	{ .name = name_, .id = O_TO, .type = OT_CUSTOM, .has_arg = true, \
	  .flags = OF_NOINV_XT | (mand), .help_arg = arg, .help = text }
#define FLAG_OPT(name_, id_, bit, text) \
	{ .name = name_, .id = id_, .type = OT_FLAG, .flags = OF_NOINV_XT, \
	  OPT_DST(struct nat_range, flags), .max = bit, .help = text }
#define RANDOM_OPT FLAG_OPT("random", O_RANDOM, NATF_RANDOM, "randomize the port mapping")
#define RANDOM_FULLY_OPT \
	FLAG_OPT("random-fully", O_RANDOM_FULLY, NATF_RANDOM_FULLY, "fully random port mapping")
#define PERSISTENT_OPT FLAG_OPT("persistent", O_PERSISTENT, NATF_PERSISTENT, \
			    "give a client the same address each time")
#define ADDR_RANGE "address[-address][:port[-port]]"

/* "--to" is the abbreviation the reference's getopt takes, which people
 * use although it is ambiguous among all options */
static const struct ext_opt snat_opts[] = {
	TO_OPT("to-source", OF_MAND, ADDR_RANGE, "new source address (range) and port (range)"),
	TO_OPT("to", 0, ADDR_RANGE, "new source address (range) and port (range)"),
	RANDOM_OPT, RANDOM_FULLY_OPT, PERSISTENT_OPT,
	{ .name = NULL },
};

static const struct ext_opt dnat_opts[] = {
	TO_OPT("to-destination", OF_MAND, ADDR_RANGE,
	       "new destination address (range) and port (range)"),
	TO_OPT("to", 0, ADDR_RANGE, "new destination address (range) and port (range)"),
	RANDOM_OPT, PERSISTENT_OPT,
	{ .name = NULL },
};

static const struct ext_opt masq_opts[] = {
	TO_OPT("to-ports", 0, "port[-port]", "rewrite the source port into this range"),
	RANDOM_OPT, RANDOM_FULLY_OPT,
	{ .name = NULL },
};

static const struct ext_opt redir_opts[] = {
	TO_OPT("to-ports", 0, "port[-port]", "deliver to this local port or port range"),
	RANDOM_OPT,
	{ .name = NULL },
};

#define NAT_REGS { NFTNL_EXPR_NAT_REG_ADDR_MIN, NFTNL_EXPR_NAT_REG_ADDR_MAX, \
		   NFTNL_EXPR_NAT_REG_PROTO_MIN, NFTNL_EXPR_NAT_REG_PROTO_MAX }
#define ALL_FLAGS (NATF_RANDOM | NATF_RANDOM_FULLY | NATF_PERSISTENT)

static const struct nat_desc snat_desc = {
	.expr = "nat", .nat_type = NFT_NAT_SNAT, .regs = NAT_REGS,
	.flags_attr = NFTNL_EXPR_NAT_FLAGS, .hooks = TG_POST | TG_IN,
	/* the reference's SNAT has no revision 2 */
	.shift = SHIFT_LOSES_BASE, .compat_rev = { 0, 1 }, .last_rev = 2,
	.shown_flags = ALL_FLAGS,
};

static const struct nat_desc dnat_desc = {
	.expr = "nat", .nat_type = NFT_NAT_DNAT, .regs = NAT_REGS,
	.flags_attr = NFTNL_EXPR_NAT_FLAGS, .hooks = TG_PRE | TG_OUT,
	/* revision 2 in both families: the one layout with the shift's base */
	.shift = SHIFT_NOT_NATIVE, .compat_rev = { 2, 2 }, .last_rev = 2,
	.shown_flags = ALL_FLAGS,
};

static const struct nat_desc masq_desc = {
	.expr = "masq",
	.regs = { 0, 0, NFTNL_EXPR_MASQ_REG_PROTO_MIN, NFTNL_EXPR_MASQ_REG_PROTO_MAX },
	.flags_attr = NFTNL_EXPR_MASQ_FLAGS, .hooks = TG_POST,
	.shift = SHIFT_LOSES_BASE, .compat_rev = { 0, 0 }, .last_rev = 0,
	.shown_flags = NATF_RANDOM | NATF_RANDOM_FULLY, .list_ports = " masq ports: ",
};

static const struct nat_desc redir_desc = {
	.expr = "redir",
	.regs = { 0, 0, NFTNL_EXPR_REDIR_REG_PROTO_MIN, NFTNL_EXPR_REDIR_REG_PROTO_MAX },
	.flags_attr = NFTNL_EXPR_REDIR_FLAGS, .hooks = TG_PRE | TG_OUT,
	.shift = SHIFT_REFUSED, .compat_rev = { 0, 0 }, .last_rev = 0,
	.shown_flags = NATF_RANDOM, .list_ports = " redir ports ",
};

/* Only O_TO is OT_CUSTOM, and it takes no '!'. */
static int nat_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	const struct nat_desc *nd = ctx->ext->desc;
	struct nat_range *r = data;

	(void)id;
	(void)inv;
	if ((has_addrs(nd) ? nat_parse_to(ctx, arg, r) : nat_parse_ports(ctx, arg, r)) < 0)
		return -1;
	if (!(r->flags & NATF_OFFSET))
		return 0;
	if (nd->shift == SHIFT_REFUSED)
		return err_param(ctx->err, "Shifted portmap ranges not supported with this kernel");
	if (nd->shift == SHIFT_LOSES_BASE)
		r->base = 0;
	return 0;
}

/* nf_tables' NAT has no port shift ("/base"): DNAT's is the reference's
 * blob, which has room for it. */
static bool nat_xt_only(const void *data, const struct rule *r)
{
	const struct nat_desc *nd = rule_ext_of(r, data)->desc;
	const struct nat_range *range = data;

	return nd->shift == SHIFT_NOT_NATIVE && (range->flags & NATF_OFFSET);
}

static void nat_linearize(struct lin_ctx *c, const void *data)
{
	const struct nat_desc *nd = c->ext->desc;
	const struct nat_range *r = data;
	struct nftnl_expr *e;

	if (tg_misplaced(c, "nat", nd->hooks)) {
		tg_lin_refuse(c);
		return;
	}
	e = nftnl_expr_alloc(nd->expr);
	if (!e)
		out_of_memory();
	if (has_addrs(nd)) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, nd->nat_type);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, c->family);
	}
	nat_lin_load(c, r, e, &nd->regs);
	if (has_addrs(nd) || r->flags)
		nftnl_expr_set_u32(e, nd->flags_attr, r->flags);
	lin_add(c, e);
}

static enum compat_res nat_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct nat_desc *nd = c->ext->desc;

	return nat_compat_blob(out, nd->compat_rev[c->family == NFPROTO_IPV6], c->family, data);
}

/* Our statement or nft's, of this type and family. */
static bool read_native(const struct nat_desc *nd, const struct item *it, uint8_t family,
			struct nat_range *r)
{
	const struct nftnl_expr *e = it->expr;
	uint32_t flags = 0;

	if (has_addrs(nd) && (nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) != nd->nat_type ||
			      nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FAMILY) != family))
		return false;
	if (nftnl_expr_is_set(e, nd->flags_attr))
		flags = nftnl_expr_get_u32(e, nd->flags_attr);
	return nat_read(it, &nd->regs, flags, family, r);
}

static bool nat_delinearize(struct delin_ctx *c, void *data)
{
	const struct nat_desc *nd = c->ext->desc;
	struct item *it = delin_peek(c);
	const void *b = NULL;
	uint32_t rev;

	if (tg_stmt(it, nd->expr)) {
		if (!read_native(nd, it, c->family, data))
			return false;
		c->pos++;
		return true;
	}
	for (rev = 0; rev <= nd->last_rev && !b; rev++)
		b = tg_xt_blob(it, c->ext->name, rev, nat_blob_len(rev, c->family));
	if (!b || !nat_from_blob(b, rev - 1, c->family, data))
		return false;
	c->pos++;
	return true;
}

/* A target is its rule's only one: the rule tells which of the four. */
static const struct nat_desc *desc_of(const struct rule *r)
{
	return r->target->ext->desc;
}

static void flags_text(struct strbuf *out, uint32_t flags, const char *dash)
{
	if (flags & NATF_RANDOM)
		sb_printf(out, " %srandom", dash);
	if (flags & NATF_RANDOM_FULLY)
		sb_printf(out, " %srandom-fully", dash);
	if (flags & NATF_PERSISTENT)
		sb_printf(out, " %spersistent", dash);
}

static void nat_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct nat_desc *nd = desc_of(r);
	const struct nat_range *range = data;

	(void)fmt;
	if (has_addrs(nd)) {
		sb_add(out, " to:");
		nat_range_text(out, range, r->family);
	} else if (range->flags & NATF_PROTO) {
		sb_add(out, nd->list_ports);
		nat_ports_text(out, range);
	}
	flags_text(out, range->flags & nd->shown_flags, "");
}

static void nat_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct nat_desc *nd = desc_of(r);
	const struct nat_range *range = data;

	if (has_addrs(nd) || (range->flags & NATF_PROTO)) {
		sb_add2(out, " --", r->target->ext->opts[0].name);
		sb_addc(out, ' ');
		if (has_addrs(nd))
			nat_range_text(out, range, r->family);
		else
			nat_ports_text(out, range);
	}
	flags_text(out, range->flags & nd->shown_flags, "--");
}

#define NAT_TARGET(name_, opts_, desc_) { \
	.name = name_, .kind = EXT_TARGET, .families = EXT_BOTH, \
	.size = sizeof(struct nat_range), .opts = opts_, .desc = &desc_, \
	.parse = nat_parse, .xt_only = nat_xt_only, .linearize = nat_linearize, \
	.compat = nat_compat, .delinearize = nat_delinearize, \
	.print = nat_print, .save = nat_save }

const struct extension ext_SNAT = NAT_TARGET("SNAT", snat_opts, snat_desc);
const struct extension ext_DNAT = NAT_TARGET("DNAT", dnat_opts, dnat_desc);
const struct extension ext_MASQUERADE = NAT_TARGET("MASQUERADE", masq_opts, masq_desc);
const struct extension ext_REDIRECT = NAT_TARGET("REDIRECT", redir_opts, redir_desc);
