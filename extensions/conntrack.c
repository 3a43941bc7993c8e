/* -m conntrack: connection tracking properties.
 *
 *   --ctstate S          ct state & S != 0 (ctstate.c; SNAT/DNAT on ct status)
 *   --ctproto P          ct protocol P
 *   --ctorigsrc A[/M]    ct original ip saddr A[/M]  (ip6 saddr for IPv6)
 *   --ctorigdst, --ctreplsrc, --ctrepldst      likewise
 *   --ctorigsrcport P[:Q]  ct original proto-src P, or range P Q
 *   --ctorigdstport, --ctreplsrcport, --ctrepldstport   likewise
 *   --ctstatus S         ct status & S != 0
 *   --ctexpire A[:B]     ct expiration (ms, host order): byteorder;
 *                        range A*1000 .. B*1000+999, the seconds the
 *                        xt match compares; ends past what 32 bits of
 *                        milliseconds hold stay in the rule's userdata
 *   --ctdir D            ct direction D
 *
 * each negated with ! (cmp neq, range neq, == 0) except --ctdir; -L and
 * -S list them in this order whatever the order given.
 *
 * The reference keeps an address as typed (1.2.3.4/24 stays 1.2.3.4/24).
 * A mask that leaves host bits set is written as
 *   ct ... saddr & MASK ^ HOSTBITS == ADDR
 * which matches exactly the addresses ADDR/MASK does and keeps ADDR.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_conntrack.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ctstate.h"
#include "ext.h"
#include "rule.h"
#include "expr.h"
#include "num.h"
#include "u32rel.h"
#include "xtopt.h"

/* the four tuple addresses and ports, in the reference's order */
enum { ORIGSRC, ORIGDST, REPLSRC, REPLDST, NTUPLE };

struct ct_addr {
	bool set, inv;
	uint8_t addr[16], mask[16];
};

struct ct_port {
	bool set, inv;
	uint16_t lo, hi;
};

struct conntrack_data {
	bool has_state, inv_state;
	uint32_t state;
	bool has_proto, inv_proto;
	uint8_t proto;
	struct ct_addr addr[NTUPLE];
	struct ct_port port[NTUPLE];
	bool has_status, inv_status;
	uint32_t status;
	bool has_expire, inv_expire;
	uint32_t exp_lo, exp_hi;
	bool has_dir;
	uint8_t dir;		/* IP_CT_DIR_ORIGINAL or _REPLY */
};

enum {
	O_CTSTATE, O_CTPROTO,
	O_ORIGSRC, O_ORIGDST, O_REPLSRC, O_REPLDST,
	O_ORIGSRCPORT, O_ORIGDSTPORT, O_REPLSRCPORT, O_REPLDSTPORT,
	O_CTSTATUS, O_CTEXPIRE, O_CTDIR,
};

static const struct ext_sym status_names[] = {
	{ "NONE", 0 },
	{ "EXPECTED", 1 << 0 },		/* IPS_* */
	{ "SEEN_REPLY", 1 << 1 },
	{ "ASSURED", 1 << 2 },
	{ "CONFIRMED", 1 << 3 },
	{ NULL, 0 },
};

#define STATUS_BITS 0xfu

static const struct ext_sym dir_names[] = {
	{ "ORIGINAL", IP_CT_DIR_ORIGINAL },
	{ "REPLY", IP_CT_DIR_REPLY },
	{ NULL, 0 },
};

#define CT_DST(field) OPT_DST(struct conntrack_data, field)
#define CT_INV(field) OPT_INVDST(struct conntrack_data, field)
#define CT_ADDR(n, t, h) \
	{ .name = n, .id = O_ORIGSRC + (t), .type = OT_HOSTMASK, .flags = OF_INV, \
	  CT_DST(addr[t].addr), CT_INV(addr[t].inv), .help_arg = "address[/mask]", .help = h }
#define CT_PORT(n, t, h) \
	{ .name = n, .id = O_ORIGSRCPORT + (t), .type = OT_PORT_RANGE, .flags = OF_INV, \
	  CT_DST(port[t].lo), CT_INV(port[t].inv), .help_arg = "port[:port]", .help = h }

static const struct ext_opt conntrack_opts[] = {
	{ .name = "ctstate", .id = O_CTSTATE, .has_arg = true, .flags = OF_INV,
	  CT_INV(inv_state), .help_arg = "state[,state...]",
	  .help = "any of the listed states, SNAT and DNAT too" },
	{ .name = "ctproto", .id = O_CTPROTO, .type = OT_PROTO, .flags = OF_INV,
	  CT_DST(proto), CT_INV(inv_proto), .help_arg = "proto",
	  .help = "layer 4 protocol of the connection, name or number" },
	CT_ADDR("ctorigsrc", ORIGSRC, "source address, original direction"),
	CT_ADDR("ctorigdst", ORIGDST, "destination address, original direction"),
	CT_ADDR("ctreplsrc", REPLSRC, "source address, reply direction"),
	CT_ADDR("ctrepldst", REPLDST, "destination address, reply direction"),
	CT_PORT("ctorigsrcport", ORIGSRC, "source port, original direction"),
	CT_PORT("ctorigdstport", ORIGDST, "destination port, original direction"),
	CT_PORT("ctreplsrcport", REPLSRC, "source port, reply direction"),
	CT_PORT("ctrepldstport", REPLDST, "destination port, reply direction"),
	{ .name = "ctstatus", .id = O_CTSTATUS, .type = OT_ENUM,
	  .flags = OF_INV | OF_NOCASE | OF_LIST, .syms = status_names,
	  .bad = "Bad ctstatus \"%s\"", CT_DST(status), CT_INV(inv_status),
	  .help_arg = "status[,status...]",
	  .help = "any of the listed status bits (ASSURED, ...)" },
	{ .name = "ctexpire", .id = O_CTEXPIRE, .type = OT_UINT_RANGE, .flags = OF_INV,
	  CT_DST(exp_lo), CT_INV(inv_expire), .help_arg = "time[:time]",
	  .help = "seconds the entry has left, or a range of them" },
	{ .name = "ctdir", .id = O_CTDIR, .type = OT_ENUM, .flags = OF_NOINV_XT | OF_NOCASE,
	  .syms = dir_names, CT_DST(dir), .help_arg = "ORIGINAL|REPLY",
	  .help = "only packets going in this direction" },
	{ .name = NULL },
};

static const char *const tuple_names[NTUPLE] = { "origsrc", "origdst", "replsrc", "repldst" };

/* What no type reads: the states, which -m state shares. */
static int conntrack_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct conntrack_data *d = data;

	(void)id;
	(void)inv;
	return ctstate_parse(arg, true, &d->state, ctx->err, "ctstate");
}

/* What was given, for the rule's expressions. */
static int conntrack_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct conntrack_data *d = data;
	unsigned alen = family_addr_len(ctx->rule->family), t;

	if (!seen)
		return err_param(ctx->err, "conntrack: At least one option is required");
	d->has_state = seen & 1u << O_CTSTATE;
	d->has_proto = seen & 1u << O_CTPROTO;
	for (t = 0; t < NTUPLE; t++) {
		d->addr[t].set = seen & 1u << (O_ORIGSRC + t);
		d->port[t].set = seen & 1u << (O_ORIGSRCPORT + t);
		/* an IPv4 mask is 4 bytes, as the rule reads back */
		memset(d->addr[t].addr + alen, 0, sizeof(d->addr[t].addr) - alen);
		memset(d->addr[t].mask + alen, 0, sizeof(d->addr[t].mask) - alen);
	}
	d->has_status = seen & 1u << O_CTSTATUS;
	d->has_expire = seen & 1u << O_CTEXPIRE;
	d->has_dir = seen & 1u << O_CTDIR;
	return 0;
}

/* ---- writing ---- */

static uint32_t addr_key(unsigned tuple, uint8_t family)
{
	bool src = tuple == ORIGSRC || tuple == REPLSRC;

	if (family == NFPROTO_IPV6)
		return src ? NFT_CT_SRC_IP6 : NFT_CT_DST_IP6;
	return src ? NFT_CT_SRC_IP : NFT_CT_DST_IP;
}

static int tuple_dir(unsigned tuple)
{
	return tuple == ORIGSRC || tuple == ORIGDST ? IP_CT_DIR_ORIGINAL : IP_CT_DIR_REPLY;
}

static void lin_addr(struct lin_ctx *c, unsigned tuple, const struct ct_addr *a)
{
	unsigned alen = family_addr_len(c->family), i;
	int plen = mask_prefix_len(a->mask, alen);
	uint8_t host[16], net[16];
	bool hostbits = false;

	for (i = 0; i < alen; i++) {
		host[i] = a->addr[i] & (uint8_t)~a->mask[i];
		net[i] = a->addr[i] & a->mask[i];
		hostbits |= host[i] != 0;
	}
	lin_ct(c, addr_key(tuple, c->family), tuple_dir(tuple));
	if (hostbits) {
		lin_bitwise(c, a->mask, host, alen);
		lin_cmp(c, a->inv ? REL_NEQ : REL_EQ, a->addr, alen);
	} else if (plen > 0 && plen % 8 == 0) {
		/* as nft: compare the prefix bytes only */
		lin_cmp(c, a->inv ? REL_NEQ : REL_EQ, net, (uint32_t)plen / 8);
	} else {
		lin_bitwise(c, a->mask, NULL, alen);
		lin_cmp(c, a->inv ? REL_NEQ : REL_EQ, net, alen);
	}
}

static void lin_port(struct lin_ctx *c, unsigned tuple, const struct ct_port *p)
{
	uint16_t lo = htons(p->lo), hi = htons(p->hi);
	bool src = tuple == ORIGSRC || tuple == REPLSRC;

	lin_ct(c, src ? NFT_CT_PROTO_SRC : NFT_CT_PROTO_DST, tuple_dir(tuple));
	if (p->lo == p->hi)
		lin_cmp(c, p->inv ? REL_NEQ : REL_EQ, &lo, 2);
	else
		lin_range(c, p->inv, &lo, &hi, 2);
}

/* Seconds to the kernel's milliseconds: the whole of the last second. */
static uint32_t expire_ms(uint32_t s, bool upper)
{
	uint64_t ms = (uint64_t)s * 1000 + (upper ? 999 : 0);

	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static void conntrack_linearize(struct lin_ctx *c, const void *data)
{
	const struct conntrack_data *d = data;
	uint32_t zero = 0;
	unsigned i;

	if (d->has_state)
		ctstate_linearize(c, d->state, d->inv_state);
	if (d->has_proto) {
		lin_ct(c, NFT_CT_PROTOCOL, -1);
		lin_cmp(c, d->inv_proto ? REL_NEQ : REL_EQ, &d->proto, 1);
	}
	for (i = 0; i < NTUPLE; i++)
		if (d->addr[i].set)
			lin_addr(c, i, &d->addr[i]);
	for (i = 0; i < NTUPLE; i++)
		if (d->port[i].set)
			lin_port(c, i, &d->port[i]);
	if (d->has_status) {
		lin_ct(c, NFT_CT_STATUS, -1);
		lin_bitwise(c, &d->status, NULL, 4);
		lin_cmp(c, d->inv_status ? REL_EQ : REL_NEQ, &zero, 4);
	}
	if (d->has_expire) {
		lin_ct(c, NFT_CT_EXPIRATION, -1);
		u32_lin_range(c, expire_ms(d->exp_lo, false), expire_ms(d->exp_hi, true),
			      d->inv_expire);
	}
	if (d->has_dir) {
		lin_ct(c, NFT_CT_DIRECTION, -1);
		lin_cmp(c, REL_EQ, &d->dir, 1);
	}
}

/* --compat: the reference always writes the revision 3 blob. */
static enum compat_res conntrack_compat(struct lin_ctx *c, const void *data,
					struct xt_out *out)
{
	const struct conntrack_data *d = data;
	struct xt_conntrack_mtinfo3 info;
	union nf_inet_addr *addr = &info.origsrc_addr;	/* address, mask per tuple */
	uint16_t *port[NTUPLE] = { &info.origsrc_port, &info.origdst_port,
				   &info.replsrc_port, &info.repldst_port };
	uint16_t *port_hi[NTUPLE] = { &info.origsrc_port_high, &info.origdst_port_high,
				      &info.replsrc_port_high, &info.repldst_port_high };
	uint16_t flags = 0, invert = 0;
	unsigned t;

	(void)c;
	memset(&info, 0, sizeof(info));
	if (d->has_state) {
		flags |= XT_CONNTRACK_STATE;
		invert |= d->inv_state ? XT_CONNTRACK_STATE : 0;
		info.state_mask = ctstate_to_xt(d->state);
	}
	if (d->has_proto) {
		flags |= XT_CONNTRACK_PROTO;
		invert |= d->inv_proto ? XT_CONNTRACK_PROTO : 0;
		info.l4proto = d->proto;
	}
	for (t = 0; t < NTUPLE; t++) {
		const struct ct_addr *a = &d->addr[t];
		const struct ct_port *p = &d->port[t];

		if (a->set) {
			flags |= XT_CONNTRACK_ORIGSRC << t;
			invert |= a->inv ? XT_CONNTRACK_ORIGSRC << t : 0;
			memcpy(&addr[2 * t], a->addr, sizeof(addr[0]));
			memcpy(&addr[2 * t + 1], a->mask, sizeof(addr[0]));
		}
		if (p->set) {
			flags |= XT_CONNTRACK_ORIGSRC_PORT << t;
			invert |= p->inv ? XT_CONNTRACK_ORIGSRC_PORT << t : 0;
			*port[t] = p->lo;
			*port_hi[t] = p->hi;
		}
	}
	if (d->has_status) {
		flags |= XT_CONNTRACK_STATUS;
		invert |= d->inv_status ? XT_CONNTRACK_STATUS : 0;
		info.status_mask = (uint16_t)d->status;
	}
	if (d->has_expire) {
		flags |= XT_CONNTRACK_EXPIRES;
		invert |= d->inv_expire ? XT_CONNTRACK_EXPIRES : 0;
		info.expires_min = d->exp_lo;
		info.expires_max = d->exp_hi;
	}
	if (d->has_dir) {
		/* REPLY is the negated test of ORIGINAL */
		flags |= XT_CONNTRACK_DIRECTION;
		invert |= d->dir == IP_CT_DIR_REPLY ? XT_CONNTRACK_DIRECTION : 0;
	}
	info.match_flags = flags;
	info.invert_flags = invert;
	out->rev = 3;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

/* ---- reading ---- */

static bool read_addr(const struct item *it, uint8_t family, struct conntrack_data *d)
{
	unsigned alen = family_addr_len(family), tuple, i;
	bool src;
	struct ct_addr *a;

	if (it->kind != ITEM_REL || it->sel.kind != SEL_CT || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	switch (it->sel.key) {
	case NFT_CT_SRC_IP: case NFT_CT_DST_IP:
		if (family != NFPROTO_IPV4)
			return false;
		break;
	case NFT_CT_SRC_IP6: case NFT_CT_DST_IP6:
		if (family != NFPROTO_IPV6)
			return false;
		break;
	case NFT_CT_SRC: case NFT_CT_DST:
		break;
	default:
		return false;
	}
	if (it->sel.dir != IP_CT_DIR_ORIGINAL && it->sel.dir != IP_CT_DIR_REPLY)
		return false;
	src = it->sel.key == NFT_CT_SRC_IP || it->sel.key == NFT_CT_SRC_IP6 ||
	      it->sel.key == NFT_CT_SRC;
	tuple = (it->sel.dir == IP_CT_DIR_REPLY ? REPLSRC : ORIGSRC) + (src ? 0 : 1);
	a = &d->addr[tuple];
	if (a->set || it->len == 0 || it->len > alen || (it->masked && it->len != alen))
		return false;
	memset(a, 0, sizeof(*a));
	memcpy(a->addr, it->val, it->len);
	if (!it->masked) {
		xt_prefix_mask(a->mask, it->len * 8);
	} else {
		memcpy(a->mask, it->mask, alen);
		/* the host bits, if any, come back through the xor */
		for (i = 0; i < alen; i++)
			if ((it->xor[i] & a->mask[i]) ||
			    (a->addr[i] & (uint8_t)~a->mask[i]) != it->xor[i])
				return false;
	}
	a->inv = it->op == REL_NEQ;
	a->set = true;
	return true;
}

static bool read_port(const struct item *it, struct conntrack_data *d)
{
	unsigned tuple;
	struct ct_port *p;
	uint16_t lo, hi;

	if (it->kind != ITEM_REL || it->sel.kind != SEL_CT || it->masked || it->len != 2)
		return false;
	if (it->sel.key != NFT_CT_PROTO_SRC && it->sel.key != NFT_CT_PROTO_DST)
		return false;
	if (it->sel.dir != IP_CT_DIR_ORIGINAL && it->sel.dir != IP_CT_DIR_REPLY)
		return false;
	tuple = (it->sel.dir == IP_CT_DIR_REPLY ? REPLSRC : ORIGSRC) +
		(it->sel.key == NFT_CT_PROTO_SRC ? 0 : 1);
	p = &d->port[tuple];
	if (p->set)
		return false;
	memcpy(&lo, it->val, 2);
	memcpy(&hi, it->op == REL_RANGE || it->op == REL_NRANGE ? it->hi : it->val, 2);
	switch (it->op) {
	case REL_EQ: case REL_RANGE:
		p->inv = false;
		break;
	case REL_NEQ: case REL_NRANGE:
		p->inv = true;
		break;
	default:
		return false;
	}
	p->lo = ntohs(lo);
	p->hi = ntohs(hi);
	p->set = true;
	return true;
}

static bool read_proto(const struct item *it, struct conntrack_data *d)
{
	if (d->has_proto || !item_is_ct(it, NFT_CT_PROTOCOL) || it->masked || it->len != 1 ||
	    (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	d->has_proto = true;
	d->proto = it->val[0];
	d->inv_proto = it->op == REL_NEQ;
	return true;
}

/* ct status & bits; bits without the NAT ones, which are --ctstate's */
static bool read_status(const struct item *it, struct conntrack_data *d)
{
	uint32_t mask, v;

	if (d->has_status || !item_is_ct(it, NFT_CT_STATUS) || !it->masked || it->len != 4 ||
	    (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	memcpy(&mask, it->mask, 4);
	memcpy(&v, it->val, 4);
	if (v != 0 || (mask & ~STATUS_BITS))
		return false;
	d->has_status = true;
	d->status = mask;
	d->inv_status = it->op == REL_EQ;
	return true;
}

static bool read_dir(const struct item *it, struct conntrack_data *d)
{
	if (d->has_dir || !item_is_ct(it, NFT_CT_DIRECTION) || it->masked || it->len != 1 ||
	    it->op != REL_EQ || it->val[0] > IP_CT_DIR_REPLY)
		return false;
	d->has_dir = true;
	d->dir = it->val[0];
	return true;
}

static bool expiration_sel(const struct selector *s, const void *arg)
{
	(void)arg;
	return s->kind == SEL_CT && s->key == NFT_CT_EXPIRATION;
}

/* our lo*1000 .. hi*1000+999, or nft's whole seconds */
static bool ms_to_s(uint32_t ms, bool upper, uint32_t *s)
{
	if (ms == UINT32_MAX) {
		*s = UINT32_MAX;
		return true;
	}
	if (ms % 1000 != 0 && !(upper && ms % 1000 == 999))
		return false;
	*s = ms / 1000;
	return true;
}

static bool read_expire(struct delin_ctx *c, struct conntrack_data *d)
{
	unsigned start = c->pos;
	struct u32_rel rel;

	if (d->has_expire || !u32_delin(c, expiration_sel, NULL, &rel))
		return false;
	if ((rel.op == REL_RANGE || rel.op == REL_NRANGE) && ms_to_s(rel.lo, false, &d->exp_lo) &&
	    ms_to_s(rel.hi, true, &d->exp_hi)) {
		d->has_expire = true;
		d->inv_expire = rel.op == REL_NRANGE;
		return true;
	}
	c->pos = start;
	return false;
}

/* Seconds past what the kernel's milliseconds hold read back as the
 * largest value; the rule's userdata keeps such ends as given
 * ("exp=LO:HI"), so that listings show them and -C finds the rule. */
static bool expire_lossy(const struct conntrack_data *d)
{
	uint32_t lo, hi;

	return !ms_to_s(expire_ms(d->exp_lo, false), false, &lo) || lo != d->exp_lo ||
	       !ms_to_s(expire_ms(d->exp_hi, true), true, &hi) || hi != d->exp_hi;
}

static void conntrack_udata_save(const void *data, char *buf, size_t size)
{
	const struct conntrack_data *d = data;

	if (d->has_expire && expire_lossy(d))
		snprintf(buf, size, "exp=%u:%u", d->exp_lo, d->exp_hi);
}

static void conntrack_udata_load(void *data, const char *text)
{
	struct conntrack_data *d = data;
	uint64_t lo, hi;
	const char *end;

	if (!d->has_expire || strncmp(text, "exp=", 4) != 0 ||
	    !num_uint_prefix(text + 4, 0, UINT32_MAX, &lo, &end) || *end != ':' ||
	    !num_uint(end + 1, 0, UINT32_MAX, &hi))
		return;
	d->exp_lo = (uint32_t)lo;
	d->exp_hi = (uint32_t)hi;
}

/* a ct status test that is --ctstatus, not the NAT half of --ctstate */
static bool is_plain_status(const struct item *it)
{
	uint32_t mask;

	if (!item_is_ct(it, NFT_CT_STATUS) || !it->masked || it->len != 4)
		return false;
	memcpy(&mask, it->mask, 4);
	return !(mask & ~STATUS_BITS);
}

static bool claim_native(struct delin_ctx *c, struct conntrack_data *d)
{
	struct item *it = delin_peek(c);

	if (!it)
		return false;
	if (!d->has_state && !is_plain_status(it) &&
	    ctstate_delinearize(c, &d->state, &d->inv_state)) {
		d->has_state = true;
		return true;
	}
	if (read_proto(it, d) || read_addr(it, c->family, d) || read_port(it, d) ||
	    read_status(it, d) || read_dir(it, d)) {
		c->pos++;
		return true;
	}
	return read_expire(c, d);
}

/* The fields revisions 1 to 3 share, as revision 3 has them. */
struct ct_blob {
	const union nf_inet_addr *addr;	/* 8: address, mask for each tuple */
	uint32_t exp_min, exp_max;
	uint16_t l4proto;
	uint16_t port[NTUPLE], port_hi[NTUPLE];	/* host order */
	uint16_t flags, invert;
	uint16_t state, status;
};

/*
 * The reference's blob, struct xt_conntrack_mtinfo3 (revision 3):
 *
 *   0        16       32  ...  112      128
 *   +--------+--------+-------+--------+
 *   | origsrc addr, mask | origdst ... | repldst addr, mask   (union nf_inet_addr)
 *   +--------+--------+-------+--------+
 *   128            132            136       138 .. 146
 *   +--------------+--------------+---------+-------------------------+
 *   | expires_min  | expires_max  | l4proto | 4 ports (low ends)      |
 *   +--------------+--------------+---------+-------------------------+
 *   146          148           150         152          154 .. 162
 *   +------------+-------------+-----------+------------+------------------+
 *   | match_flags| invert_flags| state_mask| status_mask| 4 ports (high)   |
 *   +------------+-------------+-----------+------------+------------------+
 *
 * Revisions 1 and 2 end after status_mask and keep single ports in
 * network order; revision 1 has 8-bit state and status masks.
 */
static bool ct_blob_read(const struct item *it, struct ct_blob *b)
{
	const struct xt_conntrack_mtinfo3 *i3;
	const struct xt_conntrack_mtinfo2 *i2;
	const struct xt_conntrack_mtinfo1 *i1;
	unsigned t;

	if ((i3 = xt_blob(it, false, "conntrack", 3, sizeof(*i3)))) {
		b->addr = &i3->origsrc_addr;
		b->exp_min = i3->expires_min;
		b->exp_max = i3->expires_max;
		b->l4proto = i3->l4proto;
		b->port[0] = i3->origsrc_port, b->port_hi[0] = i3->origsrc_port_high;
		b->port[1] = i3->origdst_port, b->port_hi[1] = i3->origdst_port_high;
		b->port[2] = i3->replsrc_port, b->port_hi[2] = i3->replsrc_port_high;
		b->port[3] = i3->repldst_port, b->port_hi[3] = i3->repldst_port_high;
		b->flags = i3->match_flags;
		b->invert = i3->invert_flags;
		b->state = i3->state_mask;
		b->status = i3->status_mask;
		return true;
	}
	if ((i2 = xt_blob(it, false, "conntrack", 2, sizeof(*i2)))) {
		b->addr = &i2->origsrc_addr;
		b->exp_min = i2->expires_min;
		b->exp_max = i2->expires_max;
		b->l4proto = i2->l4proto;
		b->port[0] = ntohs(i2->origsrc_port);
		b->port[1] = ntohs(i2->origdst_port);
		b->port[2] = ntohs(i2->replsrc_port);
		b->port[3] = ntohs(i2->repldst_port);
		b->flags = i2->match_flags;
		b->invert = i2->invert_flags;
		b->state = i2->state_mask;
		b->status = i2->status_mask;
	} else if ((i1 = xt_blob(it, false, "conntrack", 1, sizeof(*i1)))) {
		b->addr = &i1->origsrc_addr;
		b->exp_min = i1->expires_min;
		b->exp_max = i1->expires_max;
		b->l4proto = i1->l4proto;
		b->port[0] = ntohs(i1->origsrc_port);
		b->port[1] = ntohs(i1->origdst_port);
		b->port[2] = ntohs(i1->replsrc_port);
		b->port[3] = ntohs(i1->repldst_port);
		b->flags = i1->match_flags;
		b->invert = i1->invert_flags;
		b->state = i1->state_mask;
		b->status = i1->status_mask;
	} else {
		return false;
	}
	for (t = 0; t < NTUPLE; t++)
		b->port_hi[t] = b->port[t];
	return true;
}

static bool conntrack_blob(struct delin_ctx *c, struct conntrack_data *d)
{
	unsigned alen = family_addr_len(c->family), t;
	struct ct_blob b;

	if (!ct_blob_read(delin_peek(c), &b) || (b.flags & XT_CONNTRACK_STATE_ALIAS))
		return false;	/* -m state, for the state match */
	d->has_state = b.flags & XT_CONNTRACK_STATE;
	d->inv_state = b.invert & XT_CONNTRACK_STATE;
	d->state = ctstate_from_xt(b.state);
	d->has_proto = b.flags & XT_CONNTRACK_PROTO;
	d->inv_proto = b.invert & XT_CONNTRACK_PROTO;
	d->proto = (uint8_t)b.l4proto;
	for (t = 0; t < NTUPLE; t++) {
		struct ct_addr *a = &d->addr[t];
		struct ct_port *p = &d->port[t];

		a->set = b.flags & (XT_CONNTRACK_ORIGSRC << t);
		a->inv = b.invert & (XT_CONNTRACK_ORIGSRC << t);
		memcpy(a->addr, &b.addr[2 * t], alen);
		memcpy(a->mask, &b.addr[2 * t + 1], alen);
		p->set = b.flags & (XT_CONNTRACK_ORIGSRC_PORT << t);
		p->inv = b.invert & (XT_CONNTRACK_ORIGSRC_PORT << t);
		p->lo = b.port[t];
		p->hi = b.port_hi[t];
	}
	d->has_status = b.flags & XT_CONNTRACK_STATUS;
	d->inv_status = b.invert & XT_CONNTRACK_STATUS;
	d->status = b.status;
	d->has_expire = b.flags & XT_CONNTRACK_EXPIRES;
	d->inv_expire = b.invert & XT_CONNTRACK_EXPIRES;
	d->exp_lo = b.exp_min;
	d->exp_hi = b.exp_max;
	d->has_dir = b.flags & XT_CONNTRACK_DIRECTION;
	/* the reference says REPLY by negating the direction test */
	d->dir = b.invert & XT_CONNTRACK_DIRECTION ? IP_CT_DIR_REPLY : IP_CT_DIR_ORIGINAL;
	c->pos++;
	return true;
}

static bool conntrack_delinearize(struct delin_ctx *c, void *data)
{
	struct conntrack_data *d = data;
	bool any = false;

	if (conntrack_blob(c, d))
		return true;
	while (claim_native(c, d))
		any = true;
	return any;
}

/* ---- text ---- */

static bool all_zero(const uint8_t *a, unsigned len)
{
	while (len--)
		if (*a++)
			return false;
	return true;
}

static void addr_text(struct strbuf *out, const struct ct_addr *a, uint8_t family, bool numeric)
{
	char buf[INET6_ADDRSTRLEN];

	if (!numeric && all_zero(a->addr, family_addr_len(family))) {
		sb_add(out, "anywhere");
		return;
	}
	if (numeric) {
		inet_ntop(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, a->addr, buf, sizeof(buf));
		sb_add(out, buf);
	} else {
		xt_addr_name(out, a->addr, family);
	}
	xt_mask_suffix(out, a->mask, family);
}

static void range_text(struct strbuf *out, uint32_t lo, uint32_t hi)
{
	if (lo == hi)
		sb_printf(out, "%u", lo);
	else
		sb_printf(out, "%u:%u", lo, hi);
}

/* " ctproto " for -L, " ! --ctproto " for -S and so on */
static void piece(struct strbuf *out, bool inv, bool save, const char *what,
		  const char *tuple)
{
	sb_printf(out, "%s %sct%s%s ", inv ? " !" : "", save ? "--" : "", what, tuple);
}

/* -L and -S differ in "--" and in how addresses read. */
static void ct_text(struct strbuf *out, const struct conntrack_data *d, uint8_t family,
		    bool save, bool numeric)
{
	unsigned i;

	if (d->has_state) {
		piece(out, d->inv_state, save, "state", "");
		ctstate_text(out, d->state);
	}
	if (d->has_proto) {
		piece(out, d->inv_proto, save, "proto", "");
		sb_printf(out, "%u", d->proto);
	}
	for (i = 0; i < NTUPLE; i++) {
		if (!d->addr[i].set)
			continue;
		piece(out, d->addr[i].inv, save, tuple_names[i], "");
		addr_text(out, &d->addr[i], family, numeric);
	}
	for (i = 0; i < NTUPLE; i++) {
		if (!d->port[i].set)
			continue;
		piece(out, d->port[i].inv, save, tuple_names[i], "port");
		/* the reference shows no upper end of 0 ("5:0" lists as "5") */
		range_text(out, d->port[i].lo, d->port[i].hi ? d->port[i].hi : d->port[i].lo);
	}
	if (d->has_status) {
		piece(out, d->inv_status, save, "status", "");
		ext_sym_bits(out, status_names, d->status, ',');
	}
	if (d->has_expire) {
		piece(out, d->inv_expire, save, "expire", "");
		range_text(out, d->exp_lo, d->exp_hi);
	}
	if (d->has_dir) {
		piece(out, false, save, "dir", "");
		ext_sym_text(out, dir_names, d->dir);
	}
}

static void conntrack_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	ct_text(out, data, r->family, false, fmt & FMT_NUMERIC);
}

static void conntrack_save(struct strbuf *out, const void *data, const struct rule *r)
{
	ct_text(out, data, r->family, true, true);
}

const struct extension ext_conntrack = {
	.name = "conntrack",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct conntrack_data),
	.opts = conntrack_opts,
	.parse = conntrack_parse,
	.check = conntrack_check,
	.linearize = conntrack_linearize,
	.compat = conntrack_compat,
	.delinearize = conntrack_delinearize,
	.udata_save = conntrack_udata_save,
	.udata_load = conntrack_udata_load,
	.print = conntrack_print,
	.save = conntrack_save,
};
