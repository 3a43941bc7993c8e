/* -j REDIRECT: destination NAT to the receiving host itself.
 *
 *   [immediate reg 1 = port] [immediate reg 2 = last port]
 *   redir [proto_min reg 1 proto_max reg 1|2] [flags F]
 *
 * as nft writes `redirect [to :p-q] [random]`.
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

struct redir_data {
	struct nat_range range;
};

enum { O_TO_PORTS, O_RANDOM };

static const struct ext_opt redir_opts[] = {
	{ .name = "to-ports", .has_arg = true, .id = O_TO_PORTS, .invertible = true,
	  .help_arg = "port[-port]", .help = "deliver to this local port or port range" },
	{ .name = "random", .id = O_RANDOM, .invertible = true,
	  .help = "randomize the port mapping" },
	{ .name = NULL },
};

static const struct nat_attrs redir_regs = {
	0, 0, NFTNL_EXPR_REDIR_REG_PROTO_MIN, NFTNL_EXPR_REDIR_REG_PROTO_MAX,
};

static int redir_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct redir_data *d = data;

	if (inv)
		return tg_err_noinv(ctx->err, "REDIRECT", redir_opts[id].name);
	switch (id) {
	case O_TO_PORTS:
		if (nat_parse_ports(ctx, arg, &d->range) < 0)
			return -1;
		if (d->range.flags & NATF_OFFSET)
			return err_param(ctx->err,
					 "Shifted portmap ranges not supported with this kernel");
		return 0;
	case O_RANDOM:
		d->range.flags |= NATF_RANDOM;
		return 0;
	}
	return 0;
}

static void redir_linearize(struct lin_ctx *c, const void *data)
{
	const struct redir_data *d = data;
	struct nftnl_expr *e;

	if (tg_misplaced(c, "nat", TG_PRE | TG_OUT)) {
		tg_lin_refuse(c);
		return;
	}
	e = nftnl_expr_alloc("redir");
	if (!e)
		out_of_memory();
	nat_lin_load(c, &d->range, e, &redir_regs);
	if (d->range.flags)
		nftnl_expr_set_u32(e, NFTNL_EXPR_REDIR_FLAGS, d->range.flags);
	lin_add(c, e);
}

/* Revision 0 in both families, IPv4's the compat layout. */
static enum compat_res redir_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct redir_data *d = data;

	return nat_compat_blob(out, 0, c->family, &d->range);
}

static bool redir_delinearize(struct delin_ctx *c, void *data)
{
	struct redir_data *d = data;
	struct item *it = delin_peek(c);
	const void *b;

	if (tg_stmt(it, "redir")) {
		uint32_t flags = 0;

		if (nftnl_expr_is_set(it->expr, NFTNL_EXPR_REDIR_FLAGS))
			flags = nftnl_expr_get_u32(it->expr, NFTNL_EXPR_REDIR_FLAGS);
		if (!nat_read(it, &redir_regs, flags, c->family, &d->range))
			return false;
	} else if (!(b = tg_xt_blob(it, "REDIRECT", 0, c->family == NFPROTO_IPV4 ?
						    NAT_COMPAT_LEN : NAT_RANGE_LEN)) ||
		   !nat_from_blob(b, 0, c->family, &d->range)) {
		return false;
	}
	c->pos++;
	return true;
}

static void redir_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct redir_data *d = data;

	(void)r;
	(void)fmt;
	if (d->range.flags & NATF_PROTO) {
		sb_add(out, " redir ports ");
		nat_ports_text(out, &d->range);
	}
	if (d->range.flags & NATF_RANDOM)
		sb_add(out, " random");
}

static void redir_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct redir_data *d = data;

	(void)r;
	if (d->range.flags & NATF_PROTO) {
		sb_add(out, " --to-ports ");
		nat_ports_text(out, &d->range);
	}
	if (d->range.flags & NATF_RANDOM)
		sb_add(out, " --random");
}

const struct extension ext_REDIRECT = {
	.name = "REDIRECT",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct redir_data),
	.opts = redir_opts,
	.parse = redir_parse,
	.linearize = redir_linearize,
	.compat = redir_compat,
	.delinearize = redir_delinearize,
	.print = redir_print,
	.save = redir_save,
};
