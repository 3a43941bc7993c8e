/* -m policy: the IPsec policy a packet was decapsulated by (--dir in) or
 * is to be encapsulated by (--dir out).
 *
 *   --dir in|out  --pol none|ipsec  [--strict]
 *   then for each element of the policy (--next starts another, with
 *   --strict): [!] --reqid --spi --proto --mode --tunnel-src --tunnel-dst
 *
 * The match reads the packet's secpath or its route's xfrm bundle, which
 * no nf_tables expression reaches, so the rule holds the reference's xt
 * match in both write modes: revision 0, struct xt_policy_info, 308
 * bytes (312 with the kernel's padding): four elements of 76 bytes, then
 *
 *   304     306   308
 *   +-------+-----+
 *   | flags | len |
 *   +-------+-----+
 *   flags: XT_POLICY_MATCH_IN, _OUT, _NONE, _STRICT; len: the elements
 *   used (0 with --pol none, whatever was given)
 *
 * and an element:
 *
 *   0       16      32      48      64    68      72      73     74      75
 *   +-------+-------+-------+-------+-----+-------+-------+------+-------+
 *   | saddr | smask | daddr | dmask | spi | reqid | proto | mode | match |
 *   +-------+-------+-------+-------+-----+-------+-------+------+-------+
 *   75       76
 *   +--------+
 *   | invert |
 *   +--------+
 *   match, invert: bits saddr, daddr, proto, mode, spi, reqid (from 0)
 *   spi in the host's order, as the reference writes it (the kernel
 *   compares it with the state's, in network order); an address as given, not masked; an IPv4 mask
 *   given as a prefix fills 4 bytes, a whole one all 16.
 *
 * The kernel refuses --dir in where packets are only sent (OUTPUT,
 * POSTROUTING) and --dir out where they are only received, as it refuses
 * the reference's.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_policy.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "parse.h"
#include "util.h"
#include "xtopt.h"

/* The blob, and while parsing, the element the options fill (0 again
 * once the options are read, so that equal rules have equal data). */
struct policy_data {
	struct xt_policy_info info;
	uint8_t cur;
};

enum {
	O_DIR, O_POL, O_STRICT, O_REQID, O_SPI, O_PROTO, O_MODE, O_TUNNEL_SRC, O_TUNNEL_DST,
	O_NEXT,
};

#define ELEM_OPT(name_, id_, arg_, what)                                                    \
	{ .name = name_, .id = id_, .type = OT_CUSTOM, .has_arg = true,                      \
	  .flags = OF_INV | OF_MULTI, .help_arg = arg_, .help = what }

static const struct ext_opt policy_opts[] = {
	{ .name = "dir", .id = O_DIR, .type = OT_CUSTOM, .has_arg = true, .flags = OF_NOINV_XT,
	  .help_arg = "in|out", .help = "decapsulated by, or to be encapsulated by" },
	{ .name = "pol", .id = O_POL, .type = OT_CUSTOM, .has_arg = true, .flags = OF_NOINV_XT,
	  .help_arg = "none|ipsec", .help = "no IPsec policy, or one" },
	{ .name = "strict", .id = O_STRICT, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  .help = "the whole policy, element by element" },
	ELEM_OPT("reqid", O_REQID, "reqid", "the element's request id"),
	ELEM_OPT("spi", O_SPI, "spi", "the element's SPI"),
	ELEM_OPT("proto", O_PROTO, "proto", "its protocol: ah, esp or ipcomp"),
	ELEM_OPT("mode", O_MODE, "mode", "its mode: transport or tunnel"),
	ELEM_OPT("tunnel-src", O_TUNNEL_SRC, "addr/mask", "its tunnel's source"),
	ELEM_OPT("tunnel-dst", O_TUNNEL_DST, "addr/mask", "its tunnel's destination"),
	{ .name = "next", .id = O_NEXT, .type = OT_CUSTOM, .flags = OF_MULTI | OF_NOINV_XT,
	  .also = 1u << O_STRICT, .help = "start the next element (with --strict)" },
	{ .name = NULL },
};

static void policy_help(struct strbuf *out)
{
	sb_add(out, "Element options come again after each --next.\n");
}

/* One of the element's tests, once per element. */
static int elem_option(struct parse_ctx *ctx, struct xt_policy_elem *e, int id, const char *arg,
		       uint8_t family)
{
	uint16_t proto;
	uint64_t v;

	switch (id) {
	case O_REQID:
		if (xt_parse_uint(ctx->err, "policy", "reqid", arg, 0, UINT32_MAX, &v) < 0)
			return -1;
		e->reqid = (uint32_t)v;
		return 0;
	case O_SPI:
		if (xt_parse_uint(ctx->err, "policy", "spi", arg, 0, UINT32_MAX, &v) < 0)
			return -1;
		e->spi = (uint32_t)v;
		return 0;
	case O_PROTO:
		if (parse_protocol_word(arg, &proto, ctx->err) < 0)
			return -1;
		e->proto = (uint8_t)proto;
		if (e->proto != IPPROTO_AH && e->proto != IPPROTO_ESP && e->proto != IPPROTO_COMP)
			return err_param(ctx->err, "policy match: protocol must be ah/esp/ipcomp");
		return 0;
	case O_MODE:
		if (!strcmp(arg, "transport"))
			e->mode = XT_POLICY_MODE_TRANSPORT;
		else if (!strcmp(arg, "tunnel"))
			e->mode = XT_POLICY_MODE_TUNNEL;
		else
			return err_param(ctx->err, "policy match: invalid mode \"%s\"", arg);
		return 0;
	case O_TUNNEL_SRC:
		return xt_parse_hostmask(ctx->err, "policy", "tunnel-src", arg, family,
					 e->saddr.a6.s6_addr, e->smask.a6.s6_addr);
	default:
		return xt_parse_hostmask(ctx->err, "policy", "tunnel-dst", arg, family,
					 e->daddr.a6.s6_addr, e->dmask.a6.s6_addr);
	}
}

/* Whether the element's test of option id was given, and (set) mark it
 * given, after a '!' if inv. */
static bool elem_has(struct xt_policy_elem *e, int id, bool set, bool inv)
{
	struct xt_policy_spec *m = &e->match, *i = &e->invert;
	bool was = false;

#define ELEM_BIT(field)                                                                     \
	do {                                                                                \
		was = m->field;                                                             \
		if (set) {                                                                  \
			m->field = 1;                                                       \
			i->field = inv;                                                     \
		}                                                                           \
	} while (0)
	switch (id) {
	case O_REQID: ELEM_BIT(reqid); break;
	case O_SPI: ELEM_BIT(spi); break;
	case O_PROTO: ELEM_BIT(proto); break;
	case O_MODE: ELEM_BIT(mode); break;
	case O_TUNNEL_SRC: ELEM_BIT(saddr); break;
	default: ELEM_BIT(daddr); break;
	}
#undef ELEM_BIT
	return was;
}

static int policy_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct policy_data *d = data;
	struct xt_policy_info *p = &d->info;
	struct xt_policy_elem *e = &p->pol[d->cur];

	switch (id) {
	case O_DIR:
		if (!strcmp(arg, "in"))
			p->flags |= XT_POLICY_MATCH_IN;
		else if (!strcmp(arg, "out"))
			p->flags |= XT_POLICY_MATCH_OUT;
		else
			return err_param(ctx->err, "policy_match: invalid dir \"%s\"", arg);
		return 0;
	case O_POL:
		if (!strcmp(arg, "none"))
			p->flags |= XT_POLICY_MATCH_NONE;
		else if (strcmp(arg, "ipsec"))
			return err_param(ctx->err, "policy match: invalid policy \"%s\"", arg);
		return 0;
	case O_NEXT:
		if (d->cur + 1 >= XT_POLICY_MAX_ELEM)
			return err_param(ctx->err, "policy match: maximum policy depth reached");
		d->cur++;
		return 0;
	}
	if (elem_has(e, id, false, false))
		return err_param(ctx->err, "policy match: double --%s option", policy_opts[id].name);
	if (elem_option(ctx, e, id, arg, ctx->rule->family) < 0)
		return -1;
	elem_has(e, id, true, inv);
	return 0;
}

static bool elem_empty(const struct xt_policy_elem *e)
{
	const struct xt_policy_spec *m = &e->match;

	return !(m->saddr || m->daddr || m->proto || m->mode || m->spi || m->reqid);
}

static int policy_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct policy_data *d = data;
	struct xt_policy_info *p = &d->info;
	unsigned i;

	if (seen & (1u << O_STRICT))
		p->flags |= XT_POLICY_MATCH_STRICT;
	if (!(p->flags & (XT_POLICY_MATCH_IN | XT_POLICY_MATCH_OUT)))
		return err_param(ctx->err,
				 "policy match: neither --dir in nor --dir out specified");
	if (p->flags & XT_POLICY_MATCH_NONE) {
		if (p->flags & XT_POLICY_MATCH_STRICT)
			return err_param(ctx->err, "policy match: policy none but --strict given");
		p->len = 0;
	} else {
		p->len = d->cur + 1;
	}
	for (i = 0; i < p->len; i++) {
		const struct xt_policy_elem *e = &p->pol[i];

		if ((p->flags & XT_POLICY_MATCH_STRICT) && elem_empty(e))
			return err_param(ctx->err,
					 "policy match: empty policy element %u. --strict is in "
					 "effect, but at least one of reqid, spi, tunnel-src, "
					 "tunnel-dst, proto or mode is required.",
					 i);
		if ((e->match.saddr || e->match.daddr) &&
		    !(e->match.mode && !e->invert.mode && e->mode == XT_POLICY_MODE_TUNNEL))
			return err_param(ctx->err, "policy match: --tunnel-src/--tunnel-dst is "
						   "only valid in tunnel mode");
	}
	d->cur = 0;
	return 0;
}

static void policy_linearize(struct lin_ctx *c, const void *data)
{
	lin_xt_match(c, "policy", 0, &((const struct policy_data *)data)->info,
		     sizeof(struct xt_policy_info));
}

static bool policy_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_policy_info *p = &((struct policy_data *)data)->info;

	if (!delin_xt_match(c, "policy", 0, p, sizeof(*p)) || p->len > XT_POLICY_MAX_ELEM)
		return false;
	c->pos++;
	return true;
}

/* The prefix length of a mask of the family, or -1 for the whole. */
static int mask_plen(const union xt_policy_addr *m, uint8_t family)
{
	unsigned bytes = family == NFPROTO_IPV6 ? 16 : 4, n = 0, i;

	for (i = 0; i < bytes * 8 && (m->a6.s6_addr[i / 8] & (0x80 >> (i % 8))); i++)
		n++;
	return n == bytes * 8 ? -1 : (int)n;
}

static void addr_text(struct strbuf *out, const union xt_policy_addr *a,
		      const union xt_policy_addr *m, uint8_t family)
{
	int plen = mask_plen(m, family);

	xt_addr_text(out, (const union nf_inet_addr *)a, family);
	if (plen >= 0)
		sb_printf(out, "/%d", plen);
}

static void proto_text(struct strbuf *out, uint8_t proto, bool numeric)
{
	const struct protoent *pe = numeric ? NULL : getprotobynumber(proto);

	if (pe)
		sb_add(out, pe->p_name);
	else
		sb_printf(out, "%u", proto);
}

/* One element: -L's words (save false) or -S's options (save true). */
static void elem_text(struct strbuf *out, const struct xt_policy_elem *e, uint8_t family,
		      bool save, bool numeric)
{
	const struct xt_policy_spec *m = &e->match, *inv = &e->invert;
	const char *dash = save ? "--" : "";

	if (m->reqid)
		sb_printf(out, "%s %sreqid %u", inv->reqid ? " !" : "", dash, e->reqid);
	if (m->spi)
		sb_printf(out, "%s %sspi 0x%x", inv->spi ? " !" : "", dash, e->spi);
	if (m->proto) {
		sb_printf(out, "%s %sproto ", inv->proto ? " !" : "", dash);
		proto_text(out, e->proto, numeric);
	}
	if (m->mode)
		sb_printf(out, "%s %smode %s", inv->mode ? " !" : "", dash,
			  e->mode == XT_POLICY_MODE_TUNNEL ? "tunnel" : "transport");
	if (m->daddr) {
		sb_printf(out, "%s %stunnel-dst ", inv->daddr ? " !" : "", dash);
		addr_text(out, &e->daddr, &e->dmask, family);
	}
	if (m->saddr) {
		sb_printf(out, "%s %stunnel-src ", inv->saddr ? " !" : "", dash);
		addr_text(out, &e->saddr, &e->smask, family);
	}
}

static const char *dir_text(const struct xt_policy_info *p)
{
	return p->flags & XT_POLICY_MATCH_IN ? "in" : "out";
}

static const char *pol_text(const struct xt_policy_info *p)
{
	return p->flags & XT_POLICY_MATCH_NONE ? "none" : "ipsec";
}

static void policy_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct xt_policy_info *p = &((const struct policy_data *)data)->info;
	bool strict = p->flags & XT_POLICY_MATCH_STRICT;
	unsigned i;

	sb_printf(out, " policy match dir %s pol %s", dir_text(p), pol_text(p));
	if (strict)
		sb_add(out, " strict");
	for (i = 0; i < p->len && i < XT_POLICY_MAX_ELEM; i++) {
		if (strict && p->len > 1)
			sb_printf(out, " [%u]", i);
		elem_text(out, &p->pol[i], r->family, false, fmt & FMT_NUMERIC);
	}
}

static void policy_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_policy_info *p = &((const struct policy_data *)data)->info;
	unsigned i;

	sb_printf(out, " --dir %s --pol %s", dir_text(p), pol_text(p));
	if (p->flags & XT_POLICY_MATCH_STRICT)
		sb_add(out, " --strict");
	for (i = 0; i < p->len && i < XT_POLICY_MAX_ELEM; i++) {
		if (i)
			sb_add(out, " --next");
		elem_text(out, &p->pol[i], r->family, true, false);
	}
}

const struct extension ext_policy = {
	.name = "policy",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct policy_data),
	.opts = policy_opts,
	.help = policy_help,
	.parse = policy_parse,
	.check = policy_check,
	.linearize = policy_linearize,
	.delinearize = policy_delinearize,
	.print = policy_print,
	.save = policy_save,
};
