/* -m frag: fields of the IPv6 fragment header (next header 44). A packet
 * without one never matches.
 *
 *   --fragid a[:b]   exthdr frag +4 (4 bytes); cmp eq|neq, or range
 *   --fragres        exthdr frag +1 (1 byte); cmp eq 0, and
 *                    exthdr frag +3 (1 byte); bitwise 0x06; cmp eq 0
 *   --fragfirst      exthdr frag +2 (2 bytes); bitwise 0xfff8; cmp eq 0
 *   --fragmore       exthdr frag +3 (1 byte); bitwise 0x01; cmp eq 1
 *   --fraglast       the same; cmp eq 0
 *   (nothing)        exthdr frag exists
 *
 * which is how nft writes `frag id 5`, `frag reserved 0`, `frag reserved2
 * 0`, `frag frag-off 0` and `frag more-fragments 1`. The fragment header
 * has no length field and the kernel's frag match ignores --fraglen:
 * no expression tests it, and the rule's userdata keeps it ("len=N" or
 * "len=!N") so that listings show it and -C and -D find the rule by it.
 * The reference writes an xt frag blob: read below as well, and written
 * by --compat (which keeps --fraglen there, as the reference).
 */
#include <arpa/inet.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv6/ip6t_frag.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "exthdr6.h"
#include "num.h"
#include "xtopt.h"

struct frag_data {
	uint32_t id_lo, id_hi;
	bool has_ids;		/* --fragid given, even for every id */
	bool inv_ids;
	bool has_len, inv_len;	/* from the command line or a blob only */
	uint32_t len;
	bool res, first, more, last;
};

enum { O_ID, O_LEN, O_RES, O_FIRST, O_MORE, O_LAST };

#define FRAG_BIT(opt, id_, field, excl_, what)                                               \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_NOINV_XT,                      \
	  OPT_DST(struct frag_data, field), .excl = excl_, .help = what }

static const struct ext_opt frag_opts[] = {
	{ .name = "fragid", .id = O_ID, .type = OT_UINT_RANGE, .flags = OF_INV,
	  OPT_DST(struct frag_data, id_lo), OPT_INVDST(struct frag_data, inv_ids),
	  .help_arg = "id[:id]", .help = "fragment identification, or a range of them" },
	{ .name = "fraglen", .id = O_LEN, .type = OT_UINT, .flags = OF_INV,
	  OPT_DST(struct frag_data, len), OPT_INVDST(struct frag_data, inv_len),
	  .help_arg = "length", .help = "length of the fragment header" },
	FRAG_BIT("fragres", O_RES, res, 0, "the header's reserved fields are zero"),
	FRAG_BIT("fragfirst", O_FIRST, first, 0, "the first fragment of a packet"),
	FRAG_BIT("fragmore", O_MORE, more, 1 << O_LAST, "more fragments follow this one"),
	FRAG_BIT("fraglast", O_LAST, last, 1 << O_MORE, "the last fragment of a packet"),
	{ .name = NULL },
};

static int frag_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct frag_data *d = data;

	(void)ctx;
	d->has_ids = seen & (1u << O_ID);
	d->has_len = seen & (1u << O_LEN);
	if (!d->has_ids) {
		/* no --fragid: every id */
		d->id_lo = 0;
		d->id_hi = UINT32_MAX;
	}
	return 0;
}

static bool ids_default(const struct frag_data *d)
{
	return d->id_lo == 0 && d->id_hi == UINT32_MAX;
}

#define OFF_ID 4
#define OFF_RES 1
#define OFF_FRAGOFF 2
#define OFF_FLAGS 3

static const uint8_t res2_mask = 0x06, mf_mask = 0x01;
static const uint8_t fragoff_mask[2] = { 0xff, 0xf8 };

static void frag_linearize(struct lin_ctx *c, const void *data)
{
	const struct frag_data *d = data;
	const uint8_t zero[2] = { 0, 0 }, one = 1;
	bool tested = false;

	if (!ids_default(d) || d->inv_ids) {
		uint32_t lo = htonl(d->id_lo), hi = htonl(d->id_hi);

		lin_exthdr6(c, EH_FRAGMENT, OFF_ID, 4);
		if (d->id_lo == d->id_hi)
			lin_cmp(c, d->inv_ids ? REL_NEQ : REL_EQ, &lo, 4);
		else
			lin_range(c, d->inv_ids, &lo, &hi, 4);
		tested = true;
	}
	if (d->res) {
		lin_exthdr6(c, EH_FRAGMENT, OFF_RES, 1);
		lin_cmp(c, REL_EQ, zero, 1);
		lin_exthdr6(c, EH_FRAGMENT, OFF_FLAGS, 1);
		lin_bitwise(c, &res2_mask, NULL, 1);
		lin_cmp(c, REL_EQ, zero, 1);
		tested = true;
	}
	if (d->first) {
		lin_exthdr6(c, EH_FRAGMENT, OFF_FRAGOFF, 2);
		lin_bitwise(c, fragoff_mask, NULL, 2);
		lin_cmp(c, REL_EQ, zero, 2);
		tested = true;
	}
	if (d->more || d->last) {
		lin_exthdr6(c, EH_FRAGMENT, OFF_FLAGS, 1);
		lin_bitwise(c, &mf_mask, NULL, 1);
		lin_cmp(c, REL_EQ, d->more ? &one : zero, 1);
		tested = true;
	}
	if (!tested)
		lin_exthdr6_present(c, EH_FRAGMENT, true);
}

/* What frag_claim has seen of the two halves of --fragres. */
struct frag_reading {
	bool ids, res1, res2, first, mf, exists;
};

static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* Take one of our items into d; false if it is not one. */
static bool frag_claim(struct frag_data *d, struct frag_reading *rd, const struct item *it)
{
	uint8_t type;
	bool present;

	if (item_exthdr6_present(it, &type, &present)) {
		if (type != EH_FRAGMENT || !present || rd->exists)
			return false;
		rd->exists = true;
		return true;
	}
	if (item_is_exthdr6(it, EH_FRAGMENT, OFF_ID, 4) && !it->masked && !rd->ids) {
		uint32_t v = be32_at(it->val);

		switch (it->op) {
		case REL_EQ: case REL_NEQ:
			d->id_lo = d->id_hi = v;
			d->inv_ids = it->op == REL_NEQ;
			break;
		case REL_RANGE: case REL_NRANGE:
			d->id_lo = v;
			d->id_hi = be32_at(it->hi);
			d->inv_ids = it->op == REL_NRANGE;
			break;
		default:
			return false;
		}
		rd->ids = d->has_ids = true;
		return true;
	}
	if (item_is_exthdr6(it, EH_FRAGMENT, OFF_RES, 1) && !it->masked && it->op == REL_EQ &&
	    it->val[0] == 0 && !rd->res1) {
		rd->res1 = true;
		return true;
	}
	if (item_is_exthdr6(it, EH_FRAGMENT, OFF_FLAGS, 1) && it->masked && it->op == REL_EQ &&
	    it->mask[0] == res2_mask && it->val[0] == 0 && !rd->res2) {
		rd->res2 = true;
		return true;
	}
	if (item_is_exthdr6(it, EH_FRAGMENT, OFF_FRAGOFF, 2) && it->masked && it->op == REL_EQ &&
	    memcmp(it->mask, fragoff_mask, 2) == 0 && !it->val[0] && !it->val[1] && !rd->first) {
		rd->first = d->first = true;
		return true;
	}
	if (item_is_exthdr6(it, EH_FRAGMENT, OFF_FLAGS, 1) && it->masked && it->op == REL_EQ &&
	    it->mask[0] == mf_mask && it->val[0] <= 1 && !rd->mf) {
		rd->mf = true;
		if (it->val[0])
			d->more = true;
		else
			d->last = true;
		return true;
	}
	return false;
}

/*
 * The reference's blob, struct ip6t_frag, revision 0 (host byte order):
 *
 *   0          4          8          12      13         14  16
 *   +----------+----------+----------+-------+----------+---+
 *   | ids[0]   | ids[1]   | hdrlen   | flags | invflags |pad|
 *   +----------+----------+----------+-------+----------+---+
 *
 *   flags: IDS 0x01 LEN 0x02 RES 0x04 FST 0x08 MF 0x10 NMF 0x20
 *   invflags: IDS 0x01 LEN 0x02
 */
static bool frag_from_blob(struct frag_data *d, const struct item *it)
{
	const void *p = xt_blob(it, false, "frag", 0, offsetof(struct ip6t_frag, invflags) + 1);
	struct ip6t_frag b;

	if (!p)
		return false;
	memset(&b, 0, sizeof(b));
	memcpy(&b, p, offsetof(struct ip6t_frag, invflags) + 1);
	if (b.invflags & ~IP6T_FRAG_INV_MASK)
		return false;
	d->id_lo = b.ids[0];
	d->id_hi = b.ids[1];
	d->has_ids = b.flags & IP6T_FRAG_IDS;
	d->inv_ids = b.invflags & IP6T_FRAG_INV_IDS;
	d->has_len = b.flags & IP6T_FRAG_LEN;
	d->inv_len = b.invflags & IP6T_FRAG_INV_LEN;
	d->len = b.hdrlen;
	d->res = b.flags & IP6T_FRAG_RES;
	d->first = b.flags & IP6T_FRAG_FST;
	d->more = b.flags & IP6T_FRAG_MF;
	d->last = b.flags & IP6T_FRAG_NMF;
	return true;
}

static enum compat_res frag_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct frag_data *d = data;
	struct ip6t_frag b;

	(void)c;
	memset(&b, 0, sizeof(b));
	b.ids[0] = d->id_lo;
	b.ids[1] = d->id_hi;
	b.hdrlen = d->has_len ? d->len : 0;
	b.flags = (d->has_ids ? IP6T_FRAG_IDS : 0) | (d->has_len ? IP6T_FRAG_LEN : 0) |
		  (d->res ? IP6T_FRAG_RES : 0) | (d->first ? IP6T_FRAG_FST : 0) |
		  (d->more ? IP6T_FRAG_MF : 0) | (d->last ? IP6T_FRAG_NMF : 0);
	b.invflags = (d->inv_ids ? IP6T_FRAG_INV_IDS : 0) | (d->inv_len ? IP6T_FRAG_INV_LEN : 0);
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool frag_delinearize(struct delin_ctx *c, void *data)
{
	struct frag_data *d = data;
	struct frag_reading rd = { 0 };
	unsigned start = c->pos;
	struct item *it;

	d->id_hi = UINT32_MAX;
	if (frag_from_blob(d, delin_peek(c))) {
		c->pos++;
		return true;
	}
	while ((it = delin_peek(c)) && frag_claim(d, &rd, it))
		c->pos++;
	/* --fragres is both halves or nothing */
	if (c->pos == start || rd.res1 != rd.res2) {
		c->pos = start;
		return false;
	}
	d->res = rd.res1;
	return true;
}

/* What the expressions cannot say: --fraglen, and a --fragid naming
 * every id (no test, but the reference's -C tells it from no --fragid):
 * "ids" and "len=[!]N", blank-separated. */
static void frag_udata_save(const void *data, char *buf, size_t size)
{
	const struct frag_data *d = data;
	bool ids = d->has_ids && ids_default(d) && !d->inv_ids;

	if (d->has_len)
		snprintf(buf, size, "%slen=%s%u", ids ? "ids " : "", d->inv_len ? "!" : "",
			 d->len);
	else if (ids)
		snprintf(buf, size, "ids");
}

static void frag_udata_load(void *data, const char *text)
{
	struct frag_data *d = data;
	const char *p;
	uint64_t v;

	if (strncmp(text, "ids", 3) == 0 && (text[3] == ' ' || !text[3])) {
		if (ids_default(d) && !d->inv_ids)
			d->has_ids = true;
		text += text[3] ? 4 : 3;
	}
	if (strncmp(text, "len=", 4) != 0)
		return;
	p = text + 4;
	d->inv_len = *p == '!';
	if (d->inv_len)
		p++;
	if (num_uint(p, 0, UINT32_MAX, &v)) {
		d->has_len = true;
		d->len = (uint32_t)v;
	}
}

static void frag_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct frag_data *d = data;
	const char *inv = d->inv_ids ? "!" : "";

	(void)r;
	(void)fmt;
	sb_add(out, " frag ");
	if (d->id_lo == d->id_hi)
		sb_printf(out, "id:%s%u", inv, d->id_lo);
	else if (!ids_default(d) || d->inv_ids)
		sb_printf(out, "ids:%s%u:%u", inv, d->id_lo, d->id_hi);
	if (d->has_len)
		sb_printf(out, " length:%s%u", d->inv_len ? "!" : "", d->len);
	if (d->res)
		sb_add(out, " reserved");
	if (d->first)
		sb_add(out, " first");
	if (d->more)
		sb_add(out, " more");
	if (d->last)
		sb_add(out, " last");
}

static void frag_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct frag_data *d = data;

	(void)r;
	if (!ids_default(d)) {
		sb_printf(out, "%s --fragid %u", d->inv_ids ? " !" : "", d->id_lo);
		if (d->id_lo != d->id_hi)
			sb_printf(out, ":%u", d->id_hi);
	}
	if (d->has_len)
		sb_printf(out, "%s --fraglen %u", d->inv_len ? " !" : "", d->len);
	if (d->res)
		sb_add(out, " --fragres");
	if (d->first)
		sb_add(out, " --fragfirst");
	if (d->more)
		sb_add(out, " --fragmore");
	if (d->last)
		sb_add(out, " --fraglast");
}

const struct extension ext_frag = {
	.name = "frag",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct frag_data),
	.opts = frag_opts,
	.check = frag_check,
	.linearize = frag_linearize,
	.compat = frag_compat,
	.delinearize = frag_delinearize,
	.udata_save = frag_udata_save,
	.udata_load = frag_udata_load,
	.print = frag_print,
	.save = frag_save,
};
