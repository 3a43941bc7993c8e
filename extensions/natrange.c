#include "natrange.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "parse.h"
#include "tgutil.h"
#include "util.h"

/* ---- parsing ---- */

static bool proto_has_ports(const struct rule *r)
{
	if (!r->has_proto)
		return false;
	switch (r->proto) {
	case 6: case 17: case 132: case 33:
		return true;
	case 1:
		return r->family == NFPROTO_IPV4;
	case 58:
		return r->family == NFPROTO_IPV6;
	}
	return false;
}

/* A port number (as the reference's integer options read it), or else,
 * if names may stand here, a service name that takes the rest of the
 * word; *end is where the port ended. */
static int read_port(struct parse_ctx *ctx, const char *s, bool names, uint16_t *port,
		     const char **end)
{
	const char *pname = ctx->rule->has_proto ? proto_name(ctx->rule->proto, ctx->rule->family) :
						   NULL;
	struct servent *se;
	uint64_t n;

	if (num_uint_prefix(s, 0, UINT16_MAX, &n, end)) {
		*port = (uint16_t)n;
		return 0;
	}
	se = *s && names ? getservbyname(s, pname) : NULL;
	if (!se && *s && names)
		se = getservbyname(s, NULL);
	if (!se)
		return err_param(ctx->err, "Port `%s' not valid", s);
	*port = ntohs((uint16_t)se->s_port);
	*end = s + strlen(s);
	return 0;
}

static int parse_port_part(struct parse_ctx *ctx, const char *s, struct nat_range *r)
{
	const char *end, *second;
	uint16_t base;

	if (!proto_has_ports(ctx->rule))
		return err_param(ctx->err, "Need TCP, UDP, SCTP or DCCP with port specification");
	if (read_port(ctx, s, true, &r->min_port, &end) < 0)
		return -1;
	r->max_port = r->min_port;
	r->flags |= NATF_PROTO;
	if (*end == ':')
		return err_param(ctx->err, "Invalid port:port syntax - use dash");
	if (*end && *end != '-')
		return err_param(ctx->err, "Garbage after port value: `%s'", end);
	if (!*end)
		return 0;
	/* the end of a range is a number, never a name */
	second = end + 1;
	if (read_port(ctx, second, false, &r->max_port, &end) < 0)
		return -1;
	if (r->max_port < r->min_port)
		return err_param(ctx->err, "Port range `%s' funky", second);
	if (*end == '/') {
		const char *shift = end + 1;

		/* what follows the shift is not looked at */
		if (read_port(ctx, shift, true, &base, &end) < 0)
			return -1;
		if (base == 0)
			return err_param(ctx->err, "Port `%s' not valid", shift);
		r->base = base;
		r->flags |= NATF_OFFSET;
		return 0;
	}
	if (*end)
		return err_param(ctx->err, "Garbage after port range: `%s'", end);
	return 0;
}

int nat_parse_ports(struct parse_ctx *ctx, const char *arg, struct nat_range *r)
{
	return parse_port_part(ctx, arg, r);
}

static unsigned addr_len(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 16 : 4;
}

static int parse_addr(struct parse_ctx *ctx, const char *s, size_t len, uint8_t *out)
{
	int af = ctx->rule->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	char buf[128];

	snprintf(buf, sizeof(buf), "%.*s", (int)len, s);
	if (len >= sizeof(buf) || inet_pton(af, buf, out) != 1)
		return err_param(ctx->err, "Bad IP address \"%s\"", buf);
	return 0;
}

/* "a" or "a-b", len bytes of s */
static int parse_addr_range(struct parse_ctx *ctx, const char *s, size_t len, struct nat_range *r)
{
	const char *dash = memchr(s, '-', len);

	if (dash) {
		if (parse_addr(ctx, s, (size_t)(dash - s), r->min_addr) < 0 ||
		    parse_addr(ctx, dash + 1, len - (size_t)(dash - s) - 1, r->max_addr) < 0)
			return -1;
	} else {
		if (parse_addr(ctx, s, len, r->min_addr) < 0)
			return -1;
		memcpy(r->max_addr, r->min_addr, sizeof(r->max_addr));
	}
	r->flags |= NATF_MAP_IPS;
	return 0;
}

/* ip6tables: "a[-b]" (all address), "[a[-b]]" where the first ':' after
 * the bracket starts the ports and anything else is ignored, or ":ports"
 * alone */
static int parse_to6(struct parse_ctx *ctx, const char *arg, struct nat_range *r)
{
	const char *close, *colon;

	if (arg[0] == ':' && !strchr(arg + 1, ':'))
		return parse_port_part(ctx, arg + 1, r);
	if (arg[0] != '[')
		return parse_addr_range(ctx, arg, strlen(arg), r);
	close = strchr(arg, ']');
	if (!close)
		return err_param(ctx->err, "Invalid address format");
	colon = strchr(close, ':');
	if (colon && parse_port_part(ctx, colon + 1, r) < 0)
		return -1;
	return parse_addr_range(ctx, arg + 1, (size_t)(close - arg - 1), r);
}

int nat_parse_to(struct parse_ctx *ctx, const char *arg, struct nat_range *r)
{
	const char *colon = strchr(arg, ':');
	size_t alen = colon ? (size_t)(colon - arg) : strlen(arg);

	if (ctx->rule->family == NFPROTO_IPV6)
		return parse_to6(ctx, arg, r);
	if (colon && strchr(colon + 1, ':'))
		return err_param(ctx->err, "Bad IP address \"%s\"", arg);
	if (colon && parse_port_part(ctx, colon + 1, r) < 0)
		return -1;
	if (alen == 0 && colon)
		return 0;
	return parse_addr_range(ctx, arg, alen, r);
}

/* ---- registers ---- */

void nat_lin_load(struct lin_ctx *c, const struct nat_range *r, struct nftnl_expr *e,
		  const struct nat_attrs *a)
{
	unsigned alen = addr_len(c->family);
	uint32_t reg = NFT_REG_1;

	if (a->addr_min && (r->flags & NATF_MAP_IPS)) {
		tg_lin_imm(c, reg, r->min_addr, alen);
		nftnl_expr_set_u32(e, a->addr_min, reg);
		if (memcmp(r->min_addr, r->max_addr, alen) != 0)
			tg_lin_imm(c, ++reg, r->max_addr, alen);
		nftnl_expr_set_u32(e, a->addr_max, reg++);
	}
	if (r->flags & NATF_PROTO) {
		uint16_t lo = htons(r->min_port), hi = htons(r->max_port);

		tg_lin_imm(c, reg, &lo, 2);
		nftnl_expr_set_u32(e, a->proto_min, reg);
		if (hi != lo)
			tg_lin_imm(c, ++reg, &hi, 2);
		nftnl_expr_set_u32(e, a->proto_max, reg);
	}
}

bool nat_read(const struct item *it, const struct nat_attrs *a, uint32_t flags, uint8_t family,
	      struct nat_range *r)
{
	const struct nftnl_expr *e = it->expr;
	unsigned alen = addr_len(family);
	uint16_t lo, hi;

	memset(r, 0, sizeof(*r));
	if (flags & ~(uint32_t)NATF_KNOWN)
		return false;
	r->flags = flags & ~(uint32_t)(NATF_MAP_IPS | NATF_PROTO);
	if (a->addr_min && nftnl_expr_is_set(e, a->addr_min)) {
		if (!tg_reg_data(it, a->addr_min, r->min_addr, alen))
			return false;
		memcpy(r->max_addr, r->min_addr, alen);
		if (nftnl_expr_is_set(e, a->addr_max) &&
		    !tg_reg_data(it, a->addr_max, r->max_addr, alen))
			return false;
		r->flags |= NATF_MAP_IPS;
	}
	if (nftnl_expr_is_set(e, a->proto_min)) {
		if (!tg_reg_data(it, a->proto_min, &lo, 2))
			return false;
		hi = lo;
		if (nftnl_expr_is_set(e, a->proto_max) && !tg_reg_data(it, a->proto_max, &hi, 2))
			return false;
		r->min_port = ntohs(lo);
		r->max_port = ntohs(hi);
		r->flags |= NATF_PROTO;
	}
	return true;
}

/* ---- the reference's blobs ---- */

/* The three layouts, numbers in host order, addresses and ports in
 * network order. 'compat' is nf_nat_ipv4_multi_range_compat (nf_nat.h)
 * with one range:
 *
 *   0           4       8        12       16      18      20
 *   +-----------+-------+--------+--------+-------+-------+
 *   | rangesize | flags | min_ip | max_ip | min   | max   |
 *   +-----------+-------+--------+--------+-------+-------+
 *
 * 'range' and 'range2' are nf_nat_range and nf_nat_range2; addresses are
 * 16-byte nf_inet_addr of which IPv4 uses the first 4:
 *
 *   0       4            20           36    38    40     42   44
 *   +-------+------------+------------+-----+-----+------+----+
 *   | flags | min_addr   | max_addr   | min | max | base | pad|
 *   +-------+------------+------------+-----+-----+------+----+
 *                                                 (range2 only)
 */
#define NAT_COMPAT_LEN 20
#define NAT_RANGE_LEN 40
#define NAT_RANGE2_LEN 44

struct blob_layout {
	uint8_t flags, addrs, addr_size, ports;	/* offsets, and size of one address */
	uint8_t nports;				/* min, max (and base) */
	uint8_t len;
};

static const struct blob_layout *blob_layout(uint32_t rev, uint8_t family)
{
	static const struct blob_layout compat = { 4, 8, 4, 16, 2, NAT_COMPAT_LEN },
		range = { 0, 4, 16, 36, 2, NAT_RANGE_LEN },
		range2 = { 0, 4, 16, 36, 3, NAT_RANGE2_LEN };

	if (rev == 0 && family == NFPROTO_IPV4)
		return &compat;
	return rev == 2 ? &range2 : &range;
}

uint32_t nat_blob_len(uint32_t rev, uint8_t family)
{
	return blob_layout(rev, family)->len;
}

bool nat_from_blob(const void *blob, uint32_t rev, uint8_t family, struct nat_range *r)
{
	const struct blob_layout *l = blob_layout(rev, family);
	const uint8_t *b = blob;
	uint16_t port[3] = { 0, 0, 0 };
	uint32_t n = 1, flags;

	if (l->flags)
		memcpy(&n, b, 4);	/* compat's rangesize */
	memcpy(&flags, b + l->flags, 4);
	if (n != 1 || (flags & ~(uint32_t)NATF_KNOWN))
		return false;
	memset(r, 0, sizeof(*r));
	r->flags = flags;
	memcpy(r->min_addr, b + l->addrs, l->addr_size);
	memcpy(r->max_addr, b + l->addrs + l->addr_size, l->addr_size);
	memcpy(port, b + l->ports, 2u * l->nports);
	r->min_port = ntohs(port[0]);
	r->max_port = ntohs(port[1]);
	r->base = ntohs(port[2]);
	return true;
}

enum compat_res nat_compat_blob(struct xt_out *out, uint32_t rev, uint8_t family,
				const struct nat_range *r)
{
	const struct blob_layout *l = blob_layout(rev, family);
	uint16_t port[3] = { htons(r->min_port), htons(r->max_port), htons(r->base) };
	unsigned alen = addr_len(family);
	uint8_t b[NAT_RANGE2_LEN] = { 0 };
	uint32_t one = 1;

	if (l->flags)
		memcpy(b, &one, 4);
	memcpy(b + l->flags, &r->flags, 4);
	memcpy(b + l->addrs, r->min_addr, alen);
	memcpy(b + l->addrs + l->addr_size, r->max_addr, alen);
	memcpy(b + l->ports, port, 2u * l->nports);
	return tg_compat_blob(out, rev, b, l->len);
}

/* ---- text ---- */

void nat_ports_text(struct strbuf *out, const struct nat_range *r)
{
	sb_addu(out, r->min_port);
	if (r->max_port != r->min_port) {
		sb_addc(out, '-');
		sb_addu(out, r->max_port);
	}
	if (r->flags & NATF_OFFSET)
		sb_printf(out, "/%u", r->base);
}

void nat_range_text(struct strbuf *out, const struct nat_range *r, uint8_t family)
{
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	/* an IPv6 range is bracketed when ports follow */
	bool brackets = af == AF_INET6 && (r->flags & NATF_MAP_IPS) && (r->flags & NATF_PROTO);
	char a[INET6_ADDRSTRLEN];

	if (r->flags & NATF_MAP_IPS) {
		addr_ntop(af, r->min_addr, a, sizeof(a));
		sb_add2(out, brackets ? "[" : "", a);
		if (memcmp(r->min_addr, r->max_addr, addr_len(family)) != 0) {
			addr_ntop(af, r->max_addr, a, sizeof(a));
			sb_printf(out, "-%s", a);
		}
		if (brackets)
			sb_addc(out, ']');
	}
	if (r->flags & NATF_PROTO) {
		sb_addc(out, ':');
		nat_ports_text(out, r);
	}
}
