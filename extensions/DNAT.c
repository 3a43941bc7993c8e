/* -j DNAT: rewrite the destination address (and port) of a connection.
 *
 *   [immediate reg 1 = addr] [immediate reg 2 = last addr]
 *   [immediate reg N = port] [immediate reg N+1 = last port]
 *   nat dnat ip addr_min .. proto_max .. flags F
 *
 * as nft writes `dnat to a-b:p-q`; F carries random and persistent.
 * A "/base" port shift (DNAT --to-destination a:p-q/base) has no native
 * form, the nat expression has no register for the base: such a rule is
 * refused rather than written as something else, except with --compat.
 * Read back as well: the reference's blob, revisions 0 to 2; --compat
 * writes revision 2, as the reference does in both families.
 */
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "natrange.h"
#include "tgutil.h"

struct dnat_data {
	struct nat_range range;
};

enum { O_TO, O_RANDOM, O_PERSISTENT };

static const struct ext_opt dnat_opts[] = {
	{ .name = "to-destination", .has_arg = true, .id = O_TO, .invertible = true,
	  .help_arg = "address[-address][:port[-port]]",
	  .help = "new destination address (range) and port (range)" },
	/* the abbreviation the reference's getopt takes, which people use */
	{ .name = "to", .has_arg = true, .id = O_TO, .invertible = true,
	  .help_arg = "address[-address][:port[-port]]",
	  .help = "new destination address (range) and port (range)" },
	{ .name = "random", .id = O_RANDOM, .invertible = true,
	  .help = "randomize the port mapping" },
	{ .name = "persistent", .id = O_PERSISTENT, .invertible = true,
	  .help = "give a client the same address each time" },
	{ .name = NULL },
};

static const char *const dnat_opt_names[] = { "to-destination", "random", "persistent" };

static int dnat_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct dnat_data *d = data;

	if (inv)
		return tg_err_noinv(ctx->err, "DNAT", dnat_opt_names[id]);
	switch (id) {
	case O_TO:
		return nat_parse_to(ctx, arg, &d->range);
	case O_RANDOM:
		d->range.flags |= NATF_RANDOM;
		return 0;
	case O_PERSISTENT:
		d->range.flags |= NATF_PERSISTENT;
		return 0;
	}
	return 0;
}

static int dnat_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const struct dnat_data *d = data;

	if (!(seen & (1u << O_TO)))
		return tg_err_mandatory(ctx->err, "DNAT", "to-destination");
	/* --compat writes the reference's blob, which has room for it */
	if ((d->range.flags & NATF_OFFSET) && !ctx->compat)
		return err_param(ctx->err,
				 "DNAT: the port shift \"/%u\" has no native nf_tables form",
				 d->range.base);
	return 0;
}

static void dnat_linearize(struct lin_ctx *c, const void *data)
{
	const struct dnat_data *d = data;

	if (tg_misplaced(c, "nat", TG_PRE | TG_OUT))
		tg_lin_refuse(c);
	else
		nat_lin_expr(c, NFT_NAT_DNAT, &d->range);
}

/* Revision 2 in both families: the one layout with the shift's base.
 * The kernel checks where the blob stands on its own. */
static enum compat_res dnat_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct dnat_data *d = data;

	return nat_compat_blob(out, 2, c->family, &d->range);
}

static bool dnat_delinearize(struct delin_ctx *c, void *data)
{
	struct dnat_data *d = data;
	struct item *it = delin_peek(c);
	const void *b = NULL;
	uint32_t rev;

	if (nat_read_expr(it, NFT_NAT_DNAT, c->family, &d->range)) {
		c->pos++;
		return true;
	}
	/* revision 0 is IPv4's compat layout, 1 and 2 the range layouts */
	for (rev = 0; rev <= 2 && !b; rev++)
		b = tg_xt_blob(it, "DNAT", rev,
			       rev == 0 && c->family == NFPROTO_IPV4 ? NAT_COMPAT_LEN :
			       rev == 2 ? NAT_RANGE2_LEN : NAT_RANGE_LEN);
	if (!b || !nat_from_blob(b, rev - 1, c->family, &d->range))
		return false;
	c->pos++;
	return true;
}

static void dnat_flags_text(struct strbuf *out, uint32_t flags, const char *dash)
{
	if (flags & NATF_RANDOM)
		sb_printf(out, " %srandom", dash);
	if (flags & NATF_RANDOM_FULLY)
		sb_printf(out, " %srandom-fully", dash);
	if (flags & NATF_PERSISTENT)
		sb_printf(out, " %spersistent", dash);
}

static void dnat_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct dnat_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " to:");
	nat_range_text(out, &d->range, r->family);
	dnat_flags_text(out, d->range.flags, "");
}

static void dnat_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct dnat_data *d = data;

	(void)r;
	sb_add(out, " --to-destination ");
	nat_range_text(out, &d->range, r->family);
	dnat_flags_text(out, d->range.flags, "--");
}

const struct extension ext_DNAT = {
	.name = "DNAT",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct dnat_data),
	.opts = dnat_opts,
	.parse = dnat_parse,
	.check = dnat_check,
	.linearize = dnat_linearize,
	.compat = dnat_compat,
	.delinearize = dnat_delinearize,
	.print = dnat_print,
	.save = dnat_save,
};
