/* -m length --length N[:M]: the packet's length.
 *
 *   one value   meta load len; cmp eq|neq N
 *   a range     meta load len; byteorder hton; range eq|neq N M
 *
 * The range is compared in network byte order because range (like cmp
 * lt/gt) compares bytes, as nft does it. The reference writes an xt blob
 * instead, read below, and so does --compat.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

struct length_data {
	uint16_t min, max;
	bool inv;
};

enum { O_LENGTH };

static const struct ext_opt length_opts[] = {
	{ .name = "length", .id = O_LENGTH, .type = OT_UINT_RANGE, .flags = OF_INV | OF_MAND,
	  OPT_DST(struct length_data, min), OPT_INVDST(struct length_data, inv),
	  .help_arg = "length[:length]", .help = "packet length, or a range of lengths" },
	{ .name = NULL },
};

static void length_linearize(struct lin_ctx *c, const void *data)
{
	const struct length_data *d = data;

	lin_meta(c, NFT_META_LEN);
	if (d->min == d->max) {
		uint32_t v = d->min;

		lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &v, 4);
		return;
	}
	{
		uint32_t lo = htonl(d->min), hi = htonl(d->max);

		lin_hton(c, 4);
		lin_range(c, d->inv, &lo, &hi, 4);
	}
}

/*
 * The reference's blob, revision 0 (struct xt_length_info):
 *
 *   0       2       4   5
 *   +-------+-------+---+---+
 *   |  min  |  max  |inv|pad|   (u16 in host order)
 *   +-------+-------+---+---+
 */
struct length_blob {
	uint16_t min, max;
	uint8_t invert;
};

static enum compat_res length_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct length_data *d = data;
	struct length_blob b;

	(void)c;
	memset(&b, 0, sizeof(b));
	b.min = d->min;
	b.max = d->max;
	b.invert = d->inv;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool length_delinearize(struct delin_ctx *c, void *data)
{
	struct length_data *d = data;
	struct item *it = delin_peek(c);
	const void *p;

	if (item_is_meta(it, NFT_META_LEN) && !it->masked && it->len == 4 &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		uint32_t v;

		memcpy(&v, it->val, 4);
		if (v > UINT16_MAX)
			return false;
		d->min = d->max = (uint16_t)v;
		d->inv = it->op == REL_NEQ;
		c->pos++;
		return true;
	}
	if (item_is_hton(it, 4) && c->pos + 1 < c->items->n) {
		struct item *r = &c->items->v[c->pos + 1];
		uint32_t lo, hi;

		if (!item_is_meta(r, NFT_META_LEN) || r->masked || r->len != 4 ||
		    (r->op != REL_RANGE && r->op != REL_NRANGE))
			return false;
		memcpy(&lo, r->val, 4);
		memcpy(&hi, r->hi, 4);
		lo = ntohl(lo);
		hi = ntohl(hi);
		if (lo > UINT16_MAX || hi > UINT16_MAX)
			return false;
		d->min = (uint16_t)lo;
		d->max = (uint16_t)hi;
		d->inv = r->op == REL_NRANGE;
		c->pos += 2;
		return true;
	}
	p = xt_blob(it, false, "length", 0, sizeof(struct length_blob));
	if (p) {
		struct length_blob b;

		memcpy(&b, p, sizeof(b));
		d->min = b.min;
		d->max = b.max;
		d->inv = b.invert != 0;
		c->pos++;
		return true;
	}
	return false;
}

static void range_text(struct strbuf *out, const struct length_data *d)
{
	sb_printf(out, "%u", d->min);
	if (d->min != d->max)
		sb_printf(out, ":%u", d->max);
}

static void length_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct length_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " length !" : " length ");
	range_text(out, d);
}

static void length_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct length_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --length " : " --length ");
	range_text(out, d);
}

const struct extension ext_length = {
	.name = "length",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct length_data),
	.opts = length_opts,
	.linearize = length_linearize,
	.compat = length_compat,
	.delinearize = length_delinearize,
	.print = length_print,
	.save = length_save,
};
