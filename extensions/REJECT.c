/* -j REJECT: answer a packet with an ICMP error or a TCP reset, and drop
 * it.
 *
 *   --reject-with icmp-*   reject type icmp-unreach, code = the ICMP code
 *   --reject-with tcp-reset reject type tcp-rst
 *
 * and in ip6tables the ICMPv6 types and codes.
 * Read back as well: the icmpx codes nft writes in inet tables, and the
 * reference's xt blobs, which --compat writes.
 */
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "rule.h"
#include "expr.h"
#include "tgutil.h"
#include "util.h"

struct reject_data {
	uint8_t with;		/* enum ipt_reject_with, ip6t_reject_with */
};

/* In the reference's order, which decides what an abbreviation means. */
static const struct reject_type {
	const char *name, *alias;
	uint8_t with;
	int icmp_code;		/* -1: tcp reset */
	int icmpx_code;		/* the inet family's abstract code, -1 none */
} reject_types[] = {
	{ "icmp-net-unreachable", "net-unreach", IPT_ICMP_NET_UNREACHABLE, 0,
	  NFT_REJECT_ICMPX_NO_ROUTE },
	{ "icmp-host-unreachable", "host-unreach", IPT_ICMP_HOST_UNREACHABLE, 1,
	  NFT_REJECT_ICMPX_HOST_UNREACH },
	{ "icmp-proto-unreachable", "proto-unreach", IPT_ICMP_PROT_UNREACHABLE, 2, -1 },
	{ "icmp-port-unreachable", "port-unreach", IPT_ICMP_PORT_UNREACHABLE, 3,
	  NFT_REJECT_ICMPX_PORT_UNREACH },
	{ "icmp-net-prohibited", "net-prohib", IPT_ICMP_NET_PROHIBITED, 9, -1 },
	{ "icmp-host-prohibited", "host-prohib", IPT_ICMP_HOST_PROHIBITED, 10, -1 },
	{ "tcp-reset", "tcp-rst", IPT_TCP_RESET, -1, -1 },
	{ "icmp-admin-prohibited", "admin-prohib", IPT_ICMP_ADMIN_PROHIBITED, 13,
	  NFT_REJECT_ICMPX_ADMIN_PROHIBITED },
};

static const struct reject_type reject_types6[] = {
	{ "icmp6-no-route", "no-route", IP6T_ICMP6_NO_ROUTE, 0, NFT_REJECT_ICMPX_NO_ROUTE },
	{ "icmp6-adm-prohibited", "adm-prohibited", IP6T_ICMP6_ADM_PROHIBITED, 1,
	  NFT_REJECT_ICMPX_ADMIN_PROHIBITED },
	{ "icmp6-addr-unreachable", "addr-unreach", IP6T_ICMP6_ADDR_UNREACH, 3,
	  NFT_REJECT_ICMPX_HOST_UNREACH },
	{ "icmp6-port-unreachable", "port-unreach", IP6T_ICMP6_PORT_UNREACH, 4,
	  NFT_REJECT_ICMPX_PORT_UNREACH },
	{ "tcp-reset", "tcp-reset", IP6T_TCP_RESET, -1, -1 },
	{ "icmp6-policy-fail", "policy-fail", IP6T_ICMP6_POLICY_FAIL, 5, -1 },
	{ "icmp6-reject-route", "reject-route", IP6T_ICMP6_REJECT_ROUTE, 6, -1 },
};

static const struct reject_type *family_types(uint8_t family, size_t *n)
{
	if (family == NFPROTO_IPV6) {
		*n = ARRAY_SIZE(reject_types6);
		return reject_types6;
	}
	*n = ARRAY_SIZE(reject_types);
	return reject_types;
}

static const struct reject_type *type_by_with(uint8_t family, uint8_t with)
{
	const struct reject_type *types;
	size_t i, n;

	types = family_types(family, &n);
	for (i = 0; i < n; i++)
		if (types[i].with == with)
			return &types[i];
	return NULL;
}

enum { O_REJECT_WITH };

static const struct ext_opt reject_opts[] = {
	/* a name of the family's list, abbreviations in any case: parse's
	 * (no enum type in the table yet) */
	{ .name = "reject-with", .id = O_REJECT_WITH, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "type",
	  .help = "what to answer with: an ICMP error or a TCP reset" },
	{ .name = NULL },
};

/* Whole names, aliases and their abbreviations, in any case. */
static bool abbrev_of(const char *arg, const char *name)
{
	return strncasecmp(name, arg, strlen(arg)) == 0;
}

static int reject_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct reject_data *d = data;
	const struct reject_type *types;
	size_t i, n;

	(void)id;
	(void)inv;
	types = family_types(ctx->rule->family, &n);
	for (i = 0; i < n; i++) {
		if (abbrev_of(arg, types[i].name) || abbrev_of(arg, types[i].alias)) {
			d->with = types[i].with;
			return 0;
		}
	}
	if (ctx->rule->family != NFPROTO_IPV6 &&
	    (abbrev_of(arg, "echo-reply") || abbrev_of(arg, "echoreply")))
		fprintf(stderr, "--reject-with echo-reply no longer supported\n");
	return err_param(ctx->err, "unknown reject type \"%s\"", arg);
}

static int reject_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct reject_data *d = data;

	if (!(seen & (1u << O_REJECT_WITH)))
		d->with = ctx->rule->family == NFPROTO_IPV6 ? IP6T_ICMP6_PORT_UNREACH :
							      IPT_ICMP_PORT_UNREACHABLE;
	return 0;
}

static void reject_linearize(struct lin_ctx *c, const void *data)
{
	const struct reject_data *d = data;
	const struct reject_type *t = type_by_with(c->family, d->with);
	const struct rule *r = c->rule;
	struct nftnl_expr *e;

	/* the reference's kernel takes REJECT in the filter table only, and
	 * a TCP reset only for rules that match TCP */
	if (!t || tg_misplaced(c, "filter", TG_IN | TG_FWD | TG_OUT) ||
	    (t->icmp_code < 0 &&
	     (!r->has_proto || r->proto != 6 || (r->inv & INV_PROTO)))) {
		tg_lin_refuse(c);
		return;
	}
	e = nftnl_expr_alloc("reject");
	if (!e)
		out_of_memory();
	if (t->icmp_code < 0) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_TCP_RST);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, 0);
	} else {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMP_UNREACH);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, (uint8_t)t->icmp_code);
	}
	lin_add(c, e);
}

static bool with_from_native(const struct nftnl_expr *e, uint8_t family, uint8_t *with)
{
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_REJECT_TYPE);
	int code = nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE);
	const struct reject_type *types;
	size_t i, n;

	types = family_types(family, &n);
	for (i = 0; i < n; i++) {
		const struct reject_type *t = &types[i];

		if ((type == NFT_REJECT_TCP_RST && t->icmp_code < 0) ||
		    (type == NFT_REJECT_ICMP_UNREACH && t->icmp_code == code) ||
		    (type == NFT_REJECT_ICMPX_UNREACH && t->icmpx_code == code)) {
			*with = t->with;
			return true;
		}
	}
	return false;
}

/* The reference's blob, target REJECT revision 0 (ipt_REJECT.h, and
 * ip6t_REJECT.h for ip6tables):
 *
 *   0               4
 *   +---------------+
 *   | with (u32, host order, enum ipt_reject_with / ip6t_reject_with)
 *   +---------------+
 */
static bool with_from_blob(const struct item *it, uint8_t family, uint8_t *with)
{
	const void *blob = tg_xt_blob(it, "REJECT", 0, 4);
	uint32_t v;

	if (!blob)
		return false;
	memcpy(&v, blob, 4);
	if (v > 0xff || !type_by_with(family, (uint8_t)v))
		return false;
	*with = (uint8_t)v;
	return true;
}

/* The reference writes the blob in every table and chain: the kernel
 * itself refuses it where REJECT does not belong. */
static enum compat_res reject_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct reject_data *d = data;
	uint32_t with = d->with;

	(void)c;
	return tg_compat_blob(out, 0, &with, sizeof(with));
}

static bool reject_delinearize(struct delin_ctx *c, void *data)
{
	struct reject_data *d = data;
	struct item *it = delin_peek(c);

	if (tg_stmt(it, "reject")) {
		if (!with_from_native(it->expr, c->family, &d->with))
			return false;
	} else if (!with_from_blob(it, c->family, &d->with)) {
		return false;
	}
	c->pos++;
	return true;
}

static void reject_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct reject_data *d = data;
	const struct reject_type *t = type_by_with(r->family, d->with);

	(void)fmt;
	sb_printf(out, " reject-with %s", t ? t->name : "?");
}

static void reject_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct reject_data *d = data;
	const struct reject_type *t = type_by_with(r->family, d->with);

	sb_printf(out, " --reject-with %s", t ? t->name : "?");
}

const struct extension ext_REJECT = {
	.name = "REJECT",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct reject_data),
	.opts = reject_opts,
	.parse = reject_parse,
	.check = reject_check,
	.linearize = reject_linearize,
	.compat = reject_compat,
	.delinearize = reject_delinearize,
	.print = reject_print,
	.save = reject_save,
};
