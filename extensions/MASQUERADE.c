/* -j MASQUERADE: source NAT to the address of the outgoing interface.
 *
 *   [immediate reg 1 = port] [immediate reg 2 = last port]
 *   masq [proto_min reg 1 proto_max reg 1|2] [flags F]
 *
 * as nft writes `masquerade [to :p-q] [random,fully-random]`.
 * Read back as well: the reference's blob (revision 0), which --compat
 * writes.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "natrange.h"
#include "tgutil.h"
#include "util.h"

struct masq_data {
	struct nat_range range;
};

enum { O_TO_PORTS, O_RANDOM, O_RANDOM_FULLY };

static const struct ext_opt masq_opts[] = {
	{ .name = "to-ports", .has_arg = true, .id = O_TO_PORTS, .invertible = true,
	  .help_arg = "port[-port]", .help = "rewrite the source port into this range" },
	{ .name = "random", .id = O_RANDOM, .invertible = true,
	  .help = "randomize the port mapping" },
	{ .name = "random-fully", .id = O_RANDOM_FULLY, .invertible = true,
	  .help = "fully random port mapping" },
	{ .name = NULL },
};

static const struct nat_attrs masq_regs = {
	0, 0, NFTNL_EXPR_MASQ_REG_PROTO_MIN, NFTNL_EXPR_MASQ_REG_PROTO_MAX,
};

static int masq_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct masq_data *d = data;

	if (inv)
		return tg_err_noinv(ctx->err, "MASQUERADE", masq_opts[id].name);
	switch (id) {
	case O_TO_PORTS:
		if (nat_parse_ports(ctx, arg, &d->range) < 0)
			return -1;
		d->range.base = 0;	/* the reference keeps no base either */
		return 0;
	case O_RANDOM:
		d->range.flags |= NATF_RANDOM;
		return 0;
	case O_RANDOM_FULLY:
		d->range.flags |= NATF_RANDOM_FULLY;
		return 0;
	}
	return 0;
}

static void masq_linearize(struct lin_ctx *c, const void *data)
{
	const struct masq_data *d = data;
	struct nftnl_expr *e;

	if (tg_misplaced(c, "nat", TG_POST)) {
		tg_lin_refuse(c);
		return;
	}
	e = nftnl_expr_alloc("masq");
	if (!e)
		out_of_memory();
	nat_lin_load(c, &d->range, e, &masq_regs);
	if (d->range.flags)
		nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_FLAGS, d->range.flags);
	lin_add(c, e);
}

/* Revision 0 in both families, IPv4's the compat layout. */
static enum compat_res masq_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct masq_data *d = data;

	return nat_compat_blob(out, 0, c->family, &d->range);
}

static bool masq_delinearize(struct delin_ctx *c, void *data)
{
	struct masq_data *d = data;
	struct item *it = delin_peek(c);
	const void *b;

	if (tg_stmt(it, "masq")) {
		uint32_t flags = 0;

		if (nftnl_expr_is_set(it->expr, NFTNL_EXPR_MASQ_FLAGS))
			flags = nftnl_expr_get_u32(it->expr, NFTNL_EXPR_MASQ_FLAGS);
		if (!nat_read(it, &masq_regs, flags, c->family, &d->range))
			return false;
	} else if (!(b = tg_xt_blob(it, "MASQUERADE", 0, c->family == NFPROTO_IPV4 ?
						    NAT_COMPAT_LEN : NAT_RANGE_LEN)) ||
		   !nat_from_blob(b, 0, c->family, &d->range)) {
		return false;
	}
	c->pos++;
	return true;
}

static void masq_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct masq_data *d = data;

	(void)r;
	(void)fmt;
	if (d->range.flags & NATF_PROTO) {
		sb_add(out, " masq ports: ");
		nat_ports_text(out, &d->range);
	}
	if (d->range.flags & NATF_RANDOM)
		sb_add(out, " random");
	if (d->range.flags & NATF_RANDOM_FULLY)
		sb_add(out, " random-fully");
}

static void masq_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct masq_data *d = data;

	(void)r;
	if (d->range.flags & NATF_PROTO) {
		sb_add(out, " --to-ports ");
		nat_ports_text(out, &d->range);
	}
	if (d->range.flags & NATF_RANDOM)
		sb_add(out, " --random");
	if (d->range.flags & NATF_RANDOM_FULLY)
		sb_add(out, " --random-fully");
}

const struct extension ext_MASQUERADE = {
	.name = "MASQUERADE",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct masq_data),
	.opts = masq_opts,
	.parse = masq_parse,
	.linearize = masq_linearize,
	.compat = masq_compat,
	.delinearize = masq_delinearize,
	.print = masq_print,
	.save = masq_save,
};
