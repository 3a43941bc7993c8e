/* -j SNAT: rewrite the source address (and port) of a connection.
 *
 *   [immediate reg 1 = addr] [immediate reg 2 = last addr]
 *   [immediate reg N = port] [immediate reg N+1 = last port]
 *   nat snat ip addr_min .. proto_max .. flags F
 *
 * as nft writes `snat to a-b:p-q`; F carries random, random-fully and
 * persistent. A "/base" port shift keeps its flag and loses its base,
 * as with the reference, whose SNAT has no room for the base either.
 * Read back as well: the reference's blob, revisions 0 to 2, which
 * --compat writes.
 */
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "natrange.h"
#include "tgutil.h"

struct snat_data {
	struct nat_range range;
};

enum { O_TO, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT };

static const struct ext_opt snat_opts[] = {
	{ .name = "to-source", .has_arg = true, .id = O_TO, .invertible = true,
	  .help_arg = "address[-address][:port[-port]]",
	  .help = "new source address (range) and port (range)" },
	/* the abbreviation the reference's getopt takes, which people use */
	{ .name = "to", .has_arg = true, .id = O_TO, .invertible = true,
	  .help_arg = "address[-address][:port[-port]]",
	  .help = "new source address (range) and port (range)" },
	{ .name = "random", .id = O_RANDOM, .invertible = true,
	  .help = "randomize the port mapping" },
	{ .name = "random-fully", .id = O_RANDOM_FULLY, .invertible = true,
	  .help = "fully random port mapping" },
	{ .name = "persistent", .id = O_PERSISTENT, .invertible = true,
	  .help = "give a client the same address each time" },
	{ .name = NULL },
};

static const char *const snat_opt_names[] = { "to-source", "random", "random-fully",
					      "persistent" };

static int snat_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct snat_data *d = data;

	if (inv)
		return tg_err_noinv(ctx->err, "SNAT", snat_opt_names[id]);
	switch (id) {
	case O_TO:
		if (nat_parse_to(ctx, arg, &d->range) < 0)
			return -1;
		d->range.base = 0;
		return 0;
	case O_RANDOM:
		d->range.flags |= NATF_RANDOM;
		return 0;
	case O_RANDOM_FULLY:
		d->range.flags |= NATF_RANDOM_FULLY;
		return 0;
	case O_PERSISTENT:
		d->range.flags |= NATF_PERSISTENT;
		return 0;
	}
	return 0;
}

static int snat_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!(seen & (1u << O_TO)))
		return tg_err_mandatory(ctx->err, "SNAT", "to-source");
	return 0;
}

static void snat_linearize(struct lin_ctx *c, const void *data)
{
	const struct snat_data *d = data;

	if (tg_misplaced(c, "nat", TG_POST | TG_IN))
		tg_lin_refuse(c);
	else
		nat_lin_expr(c, NFT_NAT_SNAT, &d->range);
}

/* IPv4's compat layout (revision 0) and IPv6's range (revision 1): the
 * reference's SNAT has no revision 2. */
static enum compat_res snat_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct snat_data *d = data;

	return nat_compat_blob(out, c->family == NFPROTO_IPV4 ? 0 : 1, c->family, &d->range);
}

static bool snat_delinearize(struct delin_ctx *c, void *data)
{
	struct snat_data *d = data;
	struct item *it = delin_peek(c);
	const void *b = NULL;
	uint32_t rev;

	if (nat_read_expr(it, NFT_NAT_SNAT, c->family, &d->range)) {
		c->pos++;
		return true;
	}
	/* revision 0 is IPv4's compat layout, 1 and 2 the range layouts */
	for (rev = 0; rev <= 2 && !b; rev++)
		b = tg_xt_blob(it, "SNAT", rev,
			       rev == 0 && c->family == NFPROTO_IPV4 ? NAT_COMPAT_LEN :
			       rev == 2 ? NAT_RANGE2_LEN : NAT_RANGE_LEN);
	if (!b || !nat_from_blob(b, rev - 1, c->family, &d->range))
		return false;
	c->pos++;
	return true;
}

static void snat_flags_text(struct strbuf *out, uint32_t flags, const char *dash)
{
	if (flags & NATF_RANDOM)
		sb_printf(out, " %srandom", dash);
	if (flags & NATF_RANDOM_FULLY)
		sb_printf(out, " %srandom-fully", dash);
	if (flags & NATF_PERSISTENT)
		sb_printf(out, " %spersistent", dash);
}

static void snat_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct snat_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " to:");
	nat_range_text(out, &d->range, r->family);
	snat_flags_text(out, d->range.flags, "");
}

static void snat_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct snat_data *d = data;

	(void)r;
	sb_add(out, " --to-source ");
	nat_range_text(out, &d->range, r->family);
	snat_flags_text(out, d->range.flags, "--");
}

const struct extension ext_SNAT = {
	.name = "SNAT",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct snat_data),
	.opts = snat_opts,
	.parse = snat_parse,
	.check = snat_check,
	.linearize = snat_linearize,
	.compat = snat_compat,
	.delinearize = snat_delinearize,
	.print = snat_print,
	.save = snat_save,
};
