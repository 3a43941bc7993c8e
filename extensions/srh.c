/* -m srh (ip6tables only): fields of an IPv6 Segment Routing Header
 * (routing header type 4): next header, header length, segments left and
 * last entry (each equal to, above or below a number), tag, and the
 * previous, next and last segment's address under a mask.
 *
 * Before any test the xt match reads the packet's routing header and
 * refuses it unless it is of type 4, fits the packet whole, and has no
 * more segments left than its last entry; its previous and next segment
 * are found at segments left + 1 and - 1. nft's `srh` fields load bytes
 * of the routing header with none of these checks, and no expression
 * indexes the segment list by a field of the packet. So the rule holds
 * the reference's xt match in both write modes: revision 1, struct
 * ip6t_srh1, 108 bytes (112 with the kernel's padding):
 *
 *   0        1       2         3          4     6     8
 *   +--------+-------+---------+----------+-----+-----+
 *   |next_hdr|hdr_len|segs_left|last_entry| tag | pad |
 *   +--------+-------+---------+----------+-----+-----+
 *   8         24        40        56         72         88         104
 *   +---------+---------+---------+----------+----------+----------+
 *   |psid_addr|nsid_addr|lsid_addr|psid_msk  |nsid_msk  |lsid_msk  |
 *   +---------+---------+---------+----------+----------+----------+
 *   104       106          108
 *   +---------+------------+
 *   |mt_flags | mt_invflags|
 *   +---------+------------+
 *
 * Option i sets bit 1 << i of mt_flags (and, after '!', of mt_invflags).
 * The three tests of a length (of segments left, of the last entry)
 * share one value, so the last one given sets it for all, as the
 * reference's do. An address is kept as given, not masked.
 */
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv6/ip6t_srh.h>
#include <stddef.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

struct srh_data {
	struct ip6t_srh1 info;
};

enum {
	O_NEXTHDR, O_LEN_EQ, O_LEN_GT, O_LEN_LT, O_SEGS_EQ, O_SEGS_GT, O_SEGS_LT,
	O_LAST_EQ, O_LAST_GT, O_LAST_LT, O_TAG, O_PSID, O_NSID, O_LSID, O_COUNT,
};

#define SRH_OPT(name_, id_, arg_, what)                                                     \
	{ .name = name_, .id = id_, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,     \
	  .help_arg = arg_, .help = what }

static const struct ext_opt srh_opts[] = {
	SRH_OPT("srh-next-hdr", O_NEXTHDR, "proto", "the header that follows the SRH"),
	SRH_OPT("srh-hdr-len-eq", O_LEN_EQ, "n", "header length field equal to n"),
	SRH_OPT("srh-hdr-len-gt", O_LEN_GT, "n", "header length field above n"),
	SRH_OPT("srh-hdr-len-lt", O_LEN_LT, "n", "header length field below n"),
	SRH_OPT("srh-segs-left-eq", O_SEGS_EQ, "n", "segments left equal to n"),
	SRH_OPT("srh-segs-left-gt", O_SEGS_GT, "n", "segments left above n"),
	SRH_OPT("srh-segs-left-lt", O_SEGS_LT, "n", "segments left below n"),
	SRH_OPT("srh-last-entry-eq", O_LAST_EQ, "n", "last entry equal to n"),
	SRH_OPT("srh-last-entry-gt", O_LAST_GT, "n", "last entry above n"),
	SRH_OPT("srh-last-entry-lt", O_LAST_LT, "n", "last entry below n"),
	SRH_OPT("srh-tag", O_TAG, "tag", "the SRH's tag"),
	SRH_OPT("srh-psid", O_PSID, "addr[/mask]", "the previous segment's address"),
	SRH_OPT("srh-nsid", O_NSID, "addr[/mask]", "the next segment's address"),
	SRH_OPT("srh-lsid", O_LSID, "addr[/mask]", "the last segment's address"),
	{ .name = NULL },
};

/* What -L calls each number test, and where its value is. */
static const struct {
	const char *label;
	size_t off;
} srh_nums[O_PSID] = {
	[O_NEXTHDR] = { "next-hdr", offsetof(struct ip6t_srh1, next_hdr) },
	[O_LEN_EQ] = { "hdr-len-eq", offsetof(struct ip6t_srh1, hdr_len) },
	[O_LEN_GT] = { "hdr-len-gt", offsetof(struct ip6t_srh1, hdr_len) },
	[O_LEN_LT] = { "hdr-len-lt", offsetof(struct ip6t_srh1, hdr_len) },
	[O_SEGS_EQ] = { "segs-left-eq", offsetof(struct ip6t_srh1, segs_left) },
	[O_SEGS_GT] = { "segs-left-gt", offsetof(struct ip6t_srh1, segs_left) },
	[O_SEGS_LT] = { "segs-left-lt", offsetof(struct ip6t_srh1, segs_left) },
	[O_LAST_EQ] = { "last-entry-eq", offsetof(struct ip6t_srh1, last_entry) },
	[O_LAST_GT] = { "last-entry-gt", offsetof(struct ip6t_srh1, last_entry) },
	[O_LAST_LT] = { "last-entry-lt", offsetof(struct ip6t_srh1, last_entry) },
	[O_TAG] = { "tag", offsetof(struct ip6t_srh1, tag) },
};

/* The address and mask of a segment test (id O_PSID .. O_LSID). */
static struct in6_addr *sid_addr(struct ip6t_srh1 *s, int id)
{
	return id == O_PSID ? &s->psid_addr : id == O_NSID ? &s->nsid_addr : &s->lsid_addr;
}

static struct in6_addr *sid_mask(struct ip6t_srh1 *s, int id)
{
	return id == O_PSID ? &s->psid_msk : id == O_NSID ? &s->nsid_msk : &s->lsid_msk;
}

static int srh_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct ip6t_srh1 *s = &((struct srh_data *)data)->info;
	const char *opt = srh_opts[id].name;
	uint64_t v;

	if (id >= O_PSID) {
		if (xt_parse_hostmask(ctx->err, "srh", opt, arg, NFPROTO_IPV6,
				      sid_addr(s, id)->s6_addr, sid_mask(s, id)->s6_addr) < 0)
			return -1;
	} else if (id == O_TAG) {
		if (xt_parse_uint(ctx->err, "srh", opt, arg, 0, UINT16_MAX, &v) < 0)
			return -1;
		s->tag = (uint16_t)v;
	} else {
		if (xt_parse_uint(ctx->err, "srh", opt, arg, 0, UINT8_MAX, &v) < 0)
			return -1;
		*((uint8_t *)s + srh_nums[id].off) = (uint8_t)v;
	}
	s->mt_flags |= 1u << id;
	if (inv)
		s->mt_invflags |= 1u << id;
	return 0;
}

static void srh_linearize(struct lin_ctx *c, const void *data)
{
	lin_xt_match(c, "srh", 1, &((const struct srh_data *)data)->info, sizeof(struct ip6t_srh1));
}

static bool srh_delinearize(struct delin_ctx *c, void *data)
{
	struct ip6t_srh1 *s = &((struct srh_data *)data)->info;

	if (!delin_xt_match(c, "srh", 1, s, sizeof(*s)) || (s->mt_flags & ~IP6T_SRH_MASK) ||
	    (s->mt_invflags & ~IP6T_SRH_INV_MASK))
		return false;
	c->pos++;
	return true;
}

/* The number of leading one bits of a mask. */
static unsigned mask_len(const struct in6_addr *m)
{
	unsigned n = 0, i;

	for (i = 0; i < 16 && m->s6_addr[i] == 0xff; i++)
		n += 8;
	for (; i < 16 && (m->s6_addr[i] << (n % 8)) & 0x80; n++)
		;
	return n;
}

static unsigned num_value(const struct ip6t_srh1 *s, int id)
{
	return id == O_TAG ? s->tag : *((const uint8_t *)s + srh_nums[id].off);
}

static void sid_text(struct strbuf *out, struct ip6t_srh1 *s, int id)
{
	xt_addr_text(out, (const union nf_inet_addr *)sid_addr(s, id), NFPROTO_IPV6);
	sb_printf(out, "/%u", mask_len(sid_mask(s, id)));
}

static void srh_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	struct ip6t_srh1 s = ((const struct srh_data *)data)->info;
	int id;

	(void)r;
	(void)fmt;
	sb_add(out, " srh");
	for (id = 0; id < O_COUNT; id++) {
		bool inv = s.mt_invflags & (1u << id);

		if (!(s.mt_flags & (1u << id)))
			continue;
		if (id < O_PSID) {
			sb_printf(out, " %s:%s%u", srh_nums[id].label, inv ? "!" : "",
				  num_value(&s, id));
			continue;
		}
		sb_printf(out, " %s %s ", srh_opts[id].name + 4, inv ? "!" : "");
		sid_text(out, &s, id);
	}
}

static void srh_save(struct strbuf *out, const void *data, const struct rule *r)
{
	struct ip6t_srh1 s = ((const struct srh_data *)data)->info;
	int id;

	(void)r;
	for (id = 0; id < O_COUNT; id++) {
		if (!(s.mt_flags & (1u << id)))
			continue;
		sb_printf(out, "%s --%s ", s.mt_invflags & (1u << id) ? " !" : "",
			  srh_opts[id].name);
		if (id < O_PSID)
			sb_printf(out, "%u", num_value(&s, id));
		else
			sid_text(out, &s, id);
	}
}

const struct extension ext_srh = {
	.name = "srh",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct srh_data),
	.opts = srh_opts,
	.parse = srh_parse,
	.linearize = srh_linearize,
	.delinearize = srh_delinearize,
	.print = srh_print,
	.save = srh_save,
};
