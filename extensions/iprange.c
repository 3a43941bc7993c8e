/* -m iprange: the source or destination address within a range.
 *
 *   --src-range A-B   ip saddr A-B (payload; range eq, ! : range neq)
 *   --dst-range A-B   ip daddr A-B
 *
 * Always a range expression, even for A-A, so that the test never reads
 * back as -s or -d. nft's own "ip saddr A-B" (cmp gte A; cmp lte B) is
 * read too.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_iprange.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ext.h"
#include "rule.h"
#include "expr.h"
#include "xtopt.h"

struct addr_range {
	bool set, inv;
	uint8_t lo[16], hi[16];
};

struct iprange_data {
	struct addr_range src, dst;
};

enum { O_SRC, O_DST };

static const struct ext_opt iprange_opts[] = {
	{ .name = "src-range", .id = O_SRC, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct iprange_data, src.inv), .help_arg = "address[-address]",
	  .help = "source address lies in this range" },
	{ .name = "dst-range", .id = O_DST, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct iprange_data, dst.inv), .help_arg = "address[-address]",
	  .help = "destination address lies in this range" },
	{ .name = NULL },
};

static unsigned addr_len(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 16 : 4;
}

/* Up to four dot-separated numbers in any base strtoul reads, each at
 * most 255; missing ones are zero ("192.0.2" is 192.0.2.0). No names. */
static bool parse_ipv4(const char *s, uint8_t *out)
{
	unsigned part;

	memset(out, 0, 4);
	for (part = 0; part < 4; part++) {
		unsigned long v;
		char *end;

		v = strtoul(s, &end, 0);
		if (end == s || v > 255 || (*end && *end != '.'))
			return false;
		out[part] = (uint8_t)v;
		if (!*end)
			return true;
		s = end + 1;
	}
	return false;
}

static bool parse_one(const char *s, uint8_t family, uint8_t *out)
{
	if (family == NFPROTO_IPV6)
		return inet_pton(AF_INET6, s, out) == 1;
	return parse_ipv4(s, out);
}

static int parse_range(struct parse_ctx *ctx, const char *opt, const char *arg,
		       struct addr_range *r)
{
	uint8_t family = ctx->rule->family;
	const char *dash = strchr(arg, '-');
	char first[256];

	snprintf(first, sizeof(first), "%.*s", dash ? (int)(dash - arg) : (int)strlen(arg), arg);
	if (!parse_one(first, family, r->lo))
		return err_param(ctx->err, "iprange: Bad value for \"--%s\" option: \"%s\"", opt, first);
	if (!dash) {
		memcpy(r->hi, r->lo, sizeof(r->hi));
	} else if (!parse_one(dash + 1, family, r->hi)) {
		return err_param(ctx->err, "iprange: Bad value for \"--%s\" option: \"%s\"", opt,
				 dash + 1);
	} else if (memcmp(r->lo, r->hi, addr_len(family)) > 0) {
		/* accepted all the same, with the reference's warning */
		fprintf(stderr, "xt_iprange: range %s is reversed and will never match\n", arg);
	}
	r->set = true;
	return 0;
}

static int iprange_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct iprange_data *d = data;
	struct addr_range *r = id == O_SRC ? &d->src : &d->dst;

	(void)inv;
	return parse_range(ctx, id == O_SRC ? "src-range" : "dst-range", arg, r);
}

static int iprange_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "iprange match: You must specify `--src-range' or `--dst-range'");
	return 0;
}

static uint32_t src_offset(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 8 : 12;
}

static uint32_t dst_offset(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 24 : 16;
}

static void lin_one(struct lin_ctx *c, uint32_t off, const struct addr_range *r)
{
	unsigned alen = addr_len(c->family);

	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, off, alen);
	lin_range(c, r->inv, r->lo, r->hi, alen);
}

static void iprange_linearize(struct lin_ctx *c, const void *data)
{
	const struct iprange_data *d = data;

	if (d->src.set)
		lin_one(c, src_offset(c->family), &d->src);
	if (d->dst.set)
		lin_one(c, dst_offset(c->family), &d->dst);
}

/* A range on the address at off: our range expression, or nft's pair of
 * compares. */
static bool read_one(struct delin_ctx *c, uint32_t off, struct addr_range *r)
{
	unsigned alen = addr_len(c->family);
	struct item *it = delin_peek(c), *next;

	if (r->set || !item_is_payload(it, NFT_PAYLOAD_NETWORK_HEADER, off, alen) ||
	    it->masked || it->len != alen)
		return false;
	if (it->op == REL_RANGE || it->op == REL_NRANGE) {
		memcpy(r->lo, it->val, alen);
		memcpy(r->hi, it->hi, alen);
		r->inv = it->op == REL_NRANGE;
		r->set = true;
		c->pos++;
		return true;
	}
	if (it->op != REL_GTE || c->pos + 1 >= c->items->n)
		return false;
	next = it + 1;
	if (!item_is_payload(next, NFT_PAYLOAD_NETWORK_HEADER, off, alen) || next->masked ||
	    next->len != alen || next->op != REL_LTE)
		return false;
	memcpy(r->lo, it->val, alen);
	memcpy(r->hi, next->val, alen);
	r->inv = false;
	r->set = true;
	c->pos += 2;
	return true;
}

/*
 * The reference's blob, struct xt_iprange_mtinfo (revision 1):
 *
 *   0          16         32         48         64    65
 *   +----------+----------+----------+----------+-----+---+
 *   | src_min  | src_max  | dst_min  | dst_max  |flags|pad|
 *   +----------+----------+----------+----------+-----+---+
 *   addresses: union nf_inet_addr (IPv4 in the first 4 bytes)
 *   flags: IPRANGE_SRC, _DST, _SRC_INV, _DST_INV
 */
static bool iprange_blob(const struct item *it, uint8_t family, struct iprange_data *d)
{
	const struct xt_iprange_mtinfo *info = xt_blob(it, false, "iprange", 1, 65);
	unsigned alen = addr_len(family);

	if (!info)
		return false;
	d->src.set = info->flags & IPRANGE_SRC;
	d->src.inv = info->flags & IPRANGE_SRC_INV;
	memcpy(d->src.lo, &info->src_min, alen);
	memcpy(d->src.hi, &info->src_max, alen);
	d->dst.set = info->flags & IPRANGE_DST;
	d->dst.inv = info->flags & IPRANGE_DST_INV;
	memcpy(d->dst.lo, &info->dst_min, alen);
	memcpy(d->dst.hi, &info->dst_max, alen);
	return true;
}

/* --compat: the reference always writes the revision 1 blob. */
static enum compat_res iprange_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct iprange_data *d = data;
	unsigned alen = addr_len(c->family);
	struct xt_iprange_mtinfo info;

	memset(&info, 0, sizeof(info));
	if (d->src.set) {
		info.flags |= IPRANGE_SRC | (d->src.inv ? IPRANGE_SRC_INV : 0);
		memcpy(&info.src_min, d->src.lo, alen);
		memcpy(&info.src_max, d->src.hi, alen);
	}
	if (d->dst.set) {
		info.flags |= IPRANGE_DST | (d->dst.inv ? IPRANGE_DST_INV : 0);
		memcpy(&info.dst_min, d->dst.lo, alen);
		memcpy(&info.dst_max, d->dst.hi, alen);
	}
	out->rev = 1;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool iprange_delinearize(struct delin_ctx *c, void *data)
{
	struct iprange_data *d = data;
	bool any = false;

	if (iprange_blob(delin_peek(c), c->family, d)) {
		c->pos++;
		return true;
	}
	if (read_one(c, src_offset(c->family), &d->src))
		any = true;
	if (read_one(c, dst_offset(c->family), &d->dst))
		any = true;
	return any;
}

static void range_text(struct strbuf *out, const struct addr_range *r, uint8_t family)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;

	inet_ntop(af, r->lo, a, sizeof(a));
	inet_ntop(af, r->hi, b, sizeof(b));
	sb_printf(out, "%s-%s", a, b);
}

static void iprange_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	const struct iprange_data *d = data;

	(void)fmt;
	if (d->src.set) {
		sb_add(out, d->src.inv ? " source IP range ! " : " source IP range ");
		range_text(out, &d->src, r->family);
	}
	if (d->dst.set) {
		sb_add(out, d->dst.inv ? " destination IP range ! " : " destination IP range ");
		range_text(out, &d->dst, r->family);
	}
}

static void iprange_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct iprange_data *d = data;

	if (d->src.set) {
		sb_add(out, d->src.inv ? " ! --src-range " : " --src-range ");
		range_text(out, &d->src, r->family);
	}
	if (d->dst.set) {
		sb_add(out, d->dst.inv ? " ! --dst-range " : " --dst-range ");
		range_text(out, &d->dst, r->family);
	}
}

const struct extension ext_iprange = {
	.name = "iprange",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct iprange_data),
	.opts = iprange_opts,
	.parse = iprange_parse,
	.check = iprange_check,
	.linearize = iprange_linearize,
	.compat = iprange_compat,
	.delinearize = iprange_delinearize,
	.print = iprange_print,
	.save = iprange_save,
};
