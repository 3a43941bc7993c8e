/* -m rt: fields of the IPv6 routing header (next header 43). A packet
 * without one never matches.
 *
 *   --rt-type N          exthdr rt +2 (1 byte); cmp eq|neq
 *   --rt-segsleft a[:b]  exthdr rt +3 (1 byte); cmp eq|neq, range, or
 *                        cmp gte|lt a when b is past 255 ("a:")
 *   --rt-len N           exthdr rt +1 (1 byte, "hdrlength"); cmp eq|neq N/8-1
 *                        (exthdr6.h, shared with hbh and dst)
 *   --rt-0-res           exthdr rt +4 (4 bytes); cmp eq 0
 *   --rt-0-addrs A,...   exthdr rt +8+16i (16 bytes); cmp eq Ai, and
 *                        exthdr rt +1; range 2n..2n+1 (exactly n addresses,
 *                        as the kernel's strict list wants)
 *   (nothing)            exthdr rt exists
 *
 * nft writes `rt type 0`, `rt seg-left 1-3`, `rt hdrlength 4` and `exthdr
 * rt exists` the same way. Type, segments left and length are bytes in
 * the packet: values no packet can hold (a type or a lower segments-left
 * bound above 255, a length that is not a multiple of 8 from 8 to 2048)
 * and --rt-0-not-strict (the addresses anywhere, in order) have no native
 * form: such a rule holds the reference's xt rt blob, as the reference
 * writes every rt rule (and --compat does). It is read below as well.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv6/ip6t_rt.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "exthdr6.h"
#include "num.h"
#include "xtopt.h"

#define OFF_HDRLEN 1
#define OFF_TYPE 2
#define OFF_SEGS 3
#define OFF_RES 4
#define OFF_ADDRS 8

struct rt_data {
	bool has_type, inv_type;
	uint32_t type;
	bool has_segs, inv_segs;	/* has_segs: given, even as "0:" */
	uint32_t seg_lo, seg_hi;
	struct exthdr6_len len;
	bool res;
	bool has_addrs, not_strict;
	uint8_t naddrs;
	struct in6_addr addrs[IP6T_RT_HOPS];
};

enum { O_TYPE, O_SEGS, O_LEN, O_RES, O_ADDRS, O_NSTRICT };

/* the type 0 options are parse's: each needs one given before it */
static const struct ext_opt rt_opts[] = {
	{ .name = "rt-type", .id = O_TYPE, .type = OT_UINT, .flags = OF_INV,
	  OPT_DST(struct rt_data, type), OPT_INVDST(struct rt_data, inv_type),
	  .help_arg = "type", .help = "routing header type" },
	{ .name = "rt-segsleft", .id = O_SEGS, .type = OT_UINT_RANGE, .flags = OF_INV,
	  OPT_DST(struct rt_data, seg_lo), OPT_INVDST(struct rt_data, inv_segs),
	  .help_arg = "num[:num]", .help = "segments left, or a range of it" },
	{ .name = "rt-len", .id = O_LEN, .type = OT_UINT, .flags = OF_INV,
	  OPT_DST(struct rt_data, len.bytes), OPT_INVDST(struct rt_data, len.inv),
	  .help_arg = "length", .help = "length of the routing header" },
	{ .name = "rt-0-res", .id = O_RES, .type = OT_CUSTOM, .flags = OF_NOINV_XT,
	  .help = "type 0: the reserved field is zero" },
	{ .name = "rt-0-addrs", .id = O_ADDRS, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "address[,address...]",
	  .help = "type 0: these addresses, in order (16 at most)" },
	{ .name = "rt-0-not-strict", .id = O_NSTRICT, .type = OT_CUSTOM, .flags = OF_NOINV_XT,
	  .help = "with --rt-0-addrs: others may come between" },
	{ .name = NULL },
};

static int parse_addrs(struct ipt_error *err, const char *arg, struct rt_data *d)
{
	char *copy, *rest, *tok;
	unsigned n = 1;
	int ret = 0;

	for (tok = (char *)arg; *tok; tok++)
		n += *tok == ',';
	if (n > IP6T_RT_HOPS)
		return err_param(err, "too many addresses specified");
	rest = copy = xstrdup(arg);
	while (ret == 0 && (tok = strsep(&rest, ","))) {
		if (inet_pton(AF_INET6, tok, &d->addrs[d->naddrs++]) != 1)
			ret = err_param(err, "bad address: %s", tok);
	}
	free(copy);
	d->has_addrs = true;
	return ret;
}

/* --rt-type 0 given before the option being parsed */
static bool type0_given(const struct parse_ctx *ctx, const struct rt_data *d)
{
	return (ctx->seen & (1u << O_TYPE)) && d->type == 0 && !d->inv_type;
}

static int rt_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct rt_data *d = data;

	(void)inv;
	switch (id) {
	case O_RES:
		if (!type0_given(ctx, d))
			return err_param(ctx->err, "`--rt-type 0' required before `--rt-0-res'");
		d->res = true;
		return 0;
	case O_ADDRS:
		if (!type0_given(ctx, d))
			return err_param(ctx->err, "`--rt-type 0' required before `--rt-0-addrs'");
		return parse_addrs(ctx->err, arg, d);
	case O_NSTRICT:
		if (!d->has_addrs)
			return err_param(ctx->err, "`--rt-0-addr ...' required before `--rt-0-not-strict'");
		d->not_strict = true;
		return 0;
	}
	return 0;
}

static bool segs_default(const struct rt_data *d)
{
	return d->seg_lo == 0 && d->seg_hi == UINT32_MAX;
}

/* segments left is one byte: an upper end past 255 tests as 255 and
 * stays in the rule's userdata ("segs=LO:HI") for listings and -C; a
 * --rt-segsleft naming every value tests nothing and is kept as "segs"
 * (the reference's -C tells it from no --rt-segsleft) */
static void rt_udata_save(const void *data, char *buf, size_t size)
{
	const struct rt_data *d = data;

	if (d->has_segs && segs_default(d) && !d->inv_segs)
		snprintf(buf, size, "segs");
	else if (d->has_segs && d->seg_hi > 255 && d->seg_hi != UINT32_MAX)
		snprintf(buf, size, "segs=%u:%u", d->seg_lo, d->seg_hi);
}

static void rt_udata_load(void *data, const char *text)
{
	struct rt_data *d = data;
	uint64_t lo, hi;
	const char *end;

	if (strcmp(text, "segs") == 0) {
		if (segs_default(d) && !d->inv_segs)
			d->has_segs = true;
		return;
	}
	if (!d->has_segs || strncmp(text, "segs=", 5) != 0 ||
	    !num_uint_prefix(text + 5, 0, UINT32_MAX, &lo, &end) || *end != ':' ||
	    !num_uint(end + 1, 0, UINT32_MAX, &hi))
		return;
	d->seg_lo = (uint32_t)lo;
	d->seg_hi = (uint32_t)hi;
}

static int rt_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct rt_data *d = data;

	(void)ctx;
	d->has_type = seen & (1u << O_TYPE);
	d->has_segs = seen & (1u << O_SEGS);
	d->len.given = seen & (1u << O_LEN);
	if (!d->has_segs) {
		d->seg_lo = 0;
		d->seg_hi = UINT32_MAX;
	}
	return 0;
}

/* The values no packet holds and the loose address list: see the top. */
static bool rt_xt_only(const void *data, const struct rule *r)
{
	const struct rt_data *d = data;

	(void)r;
	return (d->has_type && d->type > 255) || d->seg_lo > 255 ||
	       !exthdr6_len_native(&d->len) || d->not_strict;
}

static void rt_linearize(struct lin_ctx *c, const void *data)
{
	const struct rt_data *d = data;
	bool tested = false;
	unsigned i;

	if (d->has_type) {
		uint8_t t = (uint8_t)d->type;

		lin_exthdr6(c, EH_ROUTING, OFF_TYPE, 1);
		lin_cmp(c, d->inv_type ? REL_NEQ : REL_EQ, &t, 1);
		tested = true;
	}
	if (!segs_default(d) || d->inv_segs) {
		uint8_t lo = (uint8_t)d->seg_lo, hi = d->seg_hi > 255 ? 255 : (uint8_t)d->seg_hi;

		lin_exthdr6(c, EH_ROUTING, OFF_SEGS, 1);
		if (d->seg_lo == d->seg_hi)
			lin_cmp(c, d->inv_segs ? REL_NEQ : REL_EQ, &lo, 1);
		else if (d->seg_hi > 255)
			lin_cmp(c, d->inv_segs ? REL_LT : REL_GTE, &lo, 1);
		else
			lin_range(c, d->inv_segs, &lo, &hi, 1);
		tested = true;
	}
	if (lin_exthdr6_len(c, EH_ROUTING, &d->len))
		tested = true;
	if (d->res) {
		const uint8_t zero[4] = { 0 };

		lin_exthdr6(c, EH_ROUTING, OFF_RES, 4);
		lin_cmp(c, REL_EQ, zero, 4);
		tested = true;
	}
	if (d->has_addrs) {
		uint8_t lo = (uint8_t)(2 * d->naddrs), hi = (uint8_t)(lo + 1);

		lin_exthdr6(c, EH_ROUTING, OFF_HDRLEN, 1);
		lin_range(c, false, &lo, &hi, 1);
		for (i = 0; i < d->naddrs; i++) {
			lin_exthdr6(c, EH_ROUTING, OFF_ADDRS + 16 * i, 16);
			lin_cmp(c, REL_EQ, &d->addrs[i], 16);
		}
		tested = true;
	}
	if (!tested)
		lin_exthdr6_present(c, EH_ROUTING, true);
}

/* Read back what rt_linearize wrote, in its order. */
static bool rt_from_items(struct delin_ctx *c, struct rt_data *d)
{
	struct item *it = delin_peek(c);

	if (item_exthdr6_exists(it, EH_ROUTING)) {
		c->pos++;
		return true;
	}
	if (item_is_exthdr6(it, EH_ROUTING, OFF_TYPE, 1) && !it->masked &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		d->has_type = true;
		d->inv_type = it->op == REL_NEQ;
		d->type = it->val[0];
		c->pos++;
		it = delin_peek(c);
	}
	if (item_is_exthdr6(it, EH_ROUTING, OFF_SEGS, 1) && !it->masked) {
		d->seg_lo = it->val[0];
		switch (it->op) {
		case REL_EQ: case REL_NEQ:
			d->seg_hi = d->seg_lo;
			d->inv_segs = it->op == REL_NEQ;
			break;
		case REL_GTE: case REL_LT:
			d->seg_hi = UINT32_MAX;
			d->inv_segs = it->op == REL_LT;
			break;
		case REL_RANGE: case REL_NRANGE:
			d->seg_hi = it->hi[0];
			d->inv_segs = it->op == REL_NRANGE;
			break;
		default:
			return false;
		}
		d->has_segs = true;
		c->pos++;
		it = delin_peek(c);
	}
	if (delin_exthdr6_len(c, EH_ROUTING, &d->len))
		it = delin_peek(c);
	if (item_is_exthdr6(it, EH_ROUTING, OFF_RES, 4) && !it->masked && it->op == REL_EQ &&
	    !memcmp(it->val, "\0\0\0\0", 4)) {
		d->res = true;
		c->pos++;
		it = delin_peek(c);
	}
	if (item_is_exthdr6(it, EH_ROUTING, OFF_HDRLEN, 1) && !it->masked &&
	    it->op == REL_RANGE && it->val[0] % 2 == 0 && it->hi[0] == it->val[0] + 1 &&
	    it->val[0] / 2 <= IP6T_RT_HOPS) {
		unsigned n = it->val[0] / 2, i;

		for (i = 0; i < n; i++) {
			const struct item *a = c->pos + 1 + i < c->items->n ?
					       &c->items->v[c->pos + 1 + i] : NULL;

			if (!item_is_exthdr6(a, EH_ROUTING, OFF_ADDRS + 16 * i, 16) || a->masked ||
			    a->op != REL_EQ)
				return false;
			memcpy(&d->addrs[i], a->val, 16);
		}
		d->has_addrs = true;
		d->naddrs = (uint8_t)n;
		c->pos += 1 + n;
	}
	return d->has_type || d->has_segs || d->len.given || d->res || d->has_addrs;
}

/*
 * The reference's blob, struct ip6t_rt, revision 0 (host byte order):
 *
 *   0         4            8            12        16      17         18  20
 *   +---------+------------+------------+---------+-------+----------+---+
 *   | rt_type | segsleft[0]| segsleft[1]| hdrlen  | flags | invflags |pad|
 *   +---------+------------+------------+---------+-------+----------+---+
 *   20                                  276      277  280
 *   +-----------------------------------+--------+---+
 *   | addrs[16] (struct in6_addr)       | addrnr |pad|
 *   +-----------------------------------+--------+---+
 *
 *   flags: TYP 0x01 SGS 0x02 LEN 0x04 RES 0x08 FST 0x10 FST_NSTRICT 0x20
 *   invflags: TYP 0x01 SGS 0x02 LEN 0x04
 */
static bool rt_from_blob(const struct item *it, struct rt_data *d)
{
	const void *p = xt_blob(it, false, "rt", 0, offsetof(struct ip6t_rt, addrnr) + 1);
	struct ip6t_rt b;

	if (!p)
		return false;
	memset(&b, 0, sizeof(b));
	memcpy(&b, p, offsetof(struct ip6t_rt, addrnr) + 1);
	if ((b.invflags & ~IP6T_RT_INV_MASK) || b.addrnr > IP6T_RT_HOPS)
		return false;
	d->has_type = b.flags & IP6T_RT_TYP;
	d->inv_type = b.invflags & IP6T_RT_INV_TYP;
	d->type = b.rt_type;
	d->seg_lo = b.segsleft[0];
	d->seg_hi = b.segsleft[1];
	d->has_segs = b.flags & IP6T_RT_SGS;
	d->inv_segs = b.invflags & IP6T_RT_INV_SGS;
	d->len.given = b.flags & IP6T_RT_LEN;
	d->len.inv = b.invflags & IP6T_RT_INV_LEN;
	d->len.bytes = b.hdrlen;
	d->res = b.flags & IP6T_RT_RES;
	d->has_addrs = b.flags & IP6T_RT_FST;
	d->not_strict = b.flags & IP6T_RT_FST_NSTRICT;
	d->naddrs = b.addrnr;
	memcpy(d->addrs, b.addrs, sizeof(d->addrs));
	return true;
}

static enum compat_res rt_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct rt_data *d = data;
	struct ip6t_rt b;

	(void)c;
	memset(&b, 0, sizeof(b));
	b.rt_type = d->has_type ? d->type : 0;
	b.segsleft[0] = d->seg_lo;
	b.segsleft[1] = d->seg_hi;
	b.hdrlen = d->len.given ? d->len.bytes : 0;
	b.flags = (d->has_type ? IP6T_RT_TYP : 0) | (d->has_segs ? IP6T_RT_SGS : 0) |
		  (d->len.given ? IP6T_RT_LEN : 0) | (d->res ? IP6T_RT_RES : 0) |
		  (d->has_addrs ? IP6T_RT_FST : 0) | (d->not_strict ? IP6T_RT_FST_NSTRICT : 0);
	b.invflags = (d->inv_type ? IP6T_RT_INV_TYP : 0) | (d->inv_segs ? IP6T_RT_INV_SGS : 0) |
		     (d->len.inv ? IP6T_RT_INV_LEN : 0);
	if (d->has_addrs) {
		memcpy(b.addrs, d->addrs, d->naddrs * sizeof(d->addrs[0]));
		b.addrnr = d->naddrs;
	}
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool rt_delinearize(struct delin_ctx *c, void *data)
{
	struct rt_data *d = data;
	unsigned start = c->pos;

	d->seg_hi = UINT32_MAX;
	if (rt_from_blob(delin_peek(c), d)) {
		c->pos++;
		return true;
	}
	if (rt_from_items(c, d))
		return true;
	c->pos = start;
	return false;
}

static void addr_list(struct strbuf *out, const struct rt_data *d)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned i;

	for (i = 0; i < d->naddrs; i++) {
		inet_ntop(AF_INET6, &d->addrs[i], buf, sizeof(buf));
		sb_printf(out, "%s%s", i ? "," : "", buf);
	}
}

static void rt_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct rt_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " rt");
	if (d->has_type)
		sb_printf(out, " type:%s%u", d->inv_type ? "!" : "", d->type);
	if (d->seg_lo == d->seg_hi)
		sb_printf(out, " segsleft:%s%u", d->inv_segs ? "!" : "", d->seg_lo);
	else if (!segs_default(d) || d->inv_segs)
		sb_printf(out, " segslefts:%s%u:%u", d->inv_segs ? "!" : "", d->seg_lo, d->seg_hi);
	exthdr6_len_print(out, &d->len);
	if (d->res)
		sb_add(out, " reserved");
	if (d->has_addrs) {
		sb_add(out, " 0-addrs ");
		addr_list(out, d);
	}
	if (d->not_strict)
		sb_add(out, " 0-not-strict");
}

static void rt_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct rt_data *d = data;

	(void)r;
	if (d->has_type)
		sb_printf(out, "%s --rt-type %u", d->inv_type ? " !" : "", d->type);
	if (!segs_default(d)) {
		sb_printf(out, "%s --rt-segsleft %u", d->inv_segs ? " !" : "", d->seg_lo);
		if (d->seg_lo != d->seg_hi)
			sb_printf(out, ":%u", d->seg_hi);
	}
	exthdr6_len_save(out, "rt-len", &d->len);
	if (d->res)
		sb_add(out, " --rt-0-res");
	if (d->has_addrs) {
		sb_add(out, " --rt-0-addrs ");
		addr_list(out, d);
	}
	if (d->not_strict)
		sb_add(out, " --rt-0-not-strict");
}

const struct extension ext_rt = {
	.name = "rt",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct rt_data),
	.opts = rt_opts,
	.parse = rt_parse,
	.check = rt_check,
	.linearize = rt_linearize,
	.compat = rt_compat,
	.xt_only = rt_xt_only,
	.delinearize = rt_delinearize,
	.udata_save = rt_udata_save,
	.udata_load = rt_udata_load,
	.print = rt_print,
	.save = rt_save,
};
