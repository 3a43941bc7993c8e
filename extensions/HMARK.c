/* -j HMARK: set the packet's mark to a hash of chosen header fields,
 * modulo --hmark-mod, plus --hmark-offset (the packet goes on to the
 * next rule). Which fields: --hmark-tuple names them whole, the other
 * options give masks and values for each.
 *
 * nf_tables' jhash reads one concatenation of fields, not the masked
 * fields, ports, SPI and conntrack tuple the target reads, so the rule
 * holds the reference's xt target in both write modes: revision 0,
 * struct xt_hmark_info padded to 64 bytes:
 *
 *   0          16         32         36         40      44         48
 *   +----------+----------+----------+----------+-------+----------+--
 *   | src_mask | dst_mask | port_mask| port_set | flags | proto_mask
 *   +----------+----------+----------+----------+-------+----------+--
 *   48        52         56         60
 *   --+-------+----------+----------+
 *     |hashrnd| hmodulus | hoffset  |
 *   --+-------+----------+----------+
 *   ports and SPI in network order (two ports, or one 32-bit SPI), the
 *   rest in host order; flags has XT_HMARK_FLAG(XT_HMARK_*) for each
 *   field given. The masks of an IPv4 rule fill 4 bytes, all 16 for a
 *   whole address given by --hmark-tuple or a prefix past 32.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_HMARK.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define F(x) XT_HMARK_FLAG(XT_HMARK_##x)
/* what the hash reads: one of them at least */
#define HMARK_FIELDS (F(SADDR_MASK) | F(DADDR_MASK) | F(SPI) | F(SPI_MASK) | F(SPORT) | \
		      F(DPORT) | F(SPORT_MASK) | F(DPORT_MASK) | F(PROTO_MASK) | F(CT))

struct hmark_data {
	struct xt_hmark_info info;
};

enum {
	O_TUPLE, O_MOD, O_OFFSET, O_RND, O_SRC_PREFIX, O_DST_PREFIX, O_SPORT_MASK,
	O_DPORT_MASK, O_SPI_MASK, O_SPORT, O_DPORT, O_SPI, O_PROTO_MASK,
};

#define HM_OPT(n, i, a, h) \
	{ .name = n, .id = i, .type = OT_CUSTOM, .has_arg = true, .flags = OF_NOINV_XT, \
	  .help_arg = a, .help = h }

static const struct ext_opt hmark_opts[] = {
	HM_OPT("hmark-tuple", O_TUPLE, "list",
	       "hash these: src,dst,sport,dport,spi,proto,ct"),
	{ .name = "hmark-mod", .id = O_MOD, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct hmark_data, info.hmodulus), .min = 1, .help_arg = "n",
	  .help = "the mark is the hash modulo n" },
	{ .name = "hmark-offset", .id = O_OFFSET, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct hmark_data, info.hoffset), .help_arg = "n",
	  .help = "then add n to the mark" },
	{ .name = "hmark-rnd", .id = O_RND, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct hmark_data, info.hashrnd), .help_arg = "n",
	  .help = "seed of the hash" },
	HM_OPT("hmark-src-prefix", O_SRC_PREFIX, "plen", "hash this much of the source"),
	HM_OPT("hmark-dst-prefix", O_DST_PREFIX, "plen", "hash this much of the destination"),
	HM_OPT("hmark-sport-mask", O_SPORT_MASK, "mask", "hash the source port AND mask"),
	HM_OPT("hmark-dport-mask", O_DPORT_MASK, "mask", "hash the destination port AND mask"),
	HM_OPT("hmark-spi-mask", O_SPI_MASK, "mask", "hash the SPI (esp, ah) AND mask"),
	HM_OPT("hmark-sport", O_SPORT, "value", "hash the source port OR value"),
	HM_OPT("hmark-dport", O_DPORT, "value", "hash the destination port OR value"),
	HM_OPT("hmark-spi", O_SPI, "value", "hash the SPI (esp, ah) OR value"),
	HM_OPT("hmark-proto-mask", O_PROTO_MASK, "mask", "hash the protocol AND mask"),
	{ .name = NULL },
};

/* The --hmark-tuple words, in the order a prefix of them is tried. */
static const struct {
	const char *name;
	uint32_t flag;
} hmark_words[] = {
	{ "src", F(SADDR_MASK) }, { "dst", F(DADDR_MASK) }, { "sport", F(SPORT_MASK) },
	{ "dport", F(DPORT_MASK) }, { "spi", F(SPI_MASK) }, { "proto", F(PROTO_MASK) },
	{ "ct", F(CT) },
};

/* The flag each value option sets, by id. */
static uint32_t hmark_opt_flag(int id)
{
	switch (id) {
	case O_SRC_PREFIX: return F(SADDR_MASK);
	case O_DST_PREFIX: return F(DADDR_MASK);
	case O_SPORT_MASK: return F(SPORT_MASK);
	case O_DPORT_MASK: return F(DPORT_MASK);
	case O_SPI_MASK: return F(SPI_MASK);
	case O_SPORT: return F(SPORT);
	case O_DPORT: return F(DPORT);
	case O_SPI: return F(SPI);
	case O_PROTO_MASK: return F(PROTO_MASK);
	}
	return 0;
}

/* A whole field in the hash: what a --hmark-tuple word sets. */
static void hmark_whole(struct xt_hmark_info *info, uint32_t flag)
{
	info->flags |= flag;
	if (flag == F(SADDR_MASK))
		memset(&info->src_mask, 0xff, sizeof(info->src_mask));
	else if (flag == F(DADDR_MASK))
		memset(&info->dst_mask, 0xff, sizeof(info->dst_mask));
	else if (flag == F(SPORT_MASK))
		info->port_mask.b16.src = 0xffff;
	else if (flag == F(DPORT_MASK))
		info->port_mask.b16.dst = 0xffff;
	else if (flag == F(SPI_MASK))
		info->port_mask.b32 = 0xffffffff;
	else if (flag == F(PROTO_MASK))
		info->proto_mask = 0xffff;
}

/* One word of the list, len characters: the first name it begins. */
static uint32_t hmark_word(const char *w, size_t len)
{
	size_t i;

	for (i = 0; len && i < ARRAY_SIZE(hmark_words); i++)
		if (len <= strlen(hmark_words[i].name) &&
		    strncasecmp(w, hmark_words[i].name, len) == 0)
			return hmark_words[i].flag;
	return 0;
}

static int hmark_parse_tuple(struct parse_ctx *ctx, struct xt_hmark_info *info,
			     const char *arg)
{
	const char *comma;
	uint32_t flag;

	while (*arg) {
		comma = strchr(arg, ',');
		flag = hmark_word(arg, comma ? (size_t)(comma - arg) : strlen(arg));
		if (!flag)
			return err_param(ctx->err, "Bad type \"%s\"", arg);
		hmark_whole(info, flag);
		if (!comma)
			return 0;
		arg = comma + 1;
	}
	return err_param(ctx->err, "\"--hmark-tuple\" requires a list of types with no "
			 "spaces, e.g. src,dst,sport,dport,proto");
}

static int hmark_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_hmark_info *info = &((struct hmark_data *)data)->info;
	const char *opt = ctx->ext->opts[id].name;
	uint32_t flag = hmark_opt_flag(id);
	uint64_t max = id == O_SPI_MASK || id == O_SPI ? UINT32_MAX : UINT16_MAX, v;

	(void)inv;
	if (id == O_TUPLE)
		return hmark_parse_tuple(ctx, info, arg);
	/* a field --hmark-tuple already named counts as given */
	if (info->flags & flag)
		return err_param(ctx->err, "HMARK: option \"--%s\" can only be used once.\n", opt);
	info->flags |= flag;
	if (id == O_SRC_PREFIX || id == O_DST_PREFIX)
		return xt_parse_mask(ctx->err, "HMARK", opt, arg, ctx->rule->family,
				     (uint8_t *)(id == O_SRC_PREFIX ? &info->src_mask
								    : &info->dst_mask));
	if (xt_parse_uint(ctx->err, "HMARK", opt, arg, 0, max, &v) < 0)
		return -1;
	switch (id) {
	case O_SPORT_MASK: info->port_mask.b16.src = htons((uint16_t)v); break;
	case O_DPORT_MASK: info->port_mask.b16.dst = htons((uint16_t)v); break;
	case O_SPI_MASK: info->port_mask.b32 = htonl((uint32_t)v); break;
	case O_SPORT: info->port_set.b16.src = htons((uint16_t)v); break;
	case O_DPORT: info->port_set.b16.dst = htons((uint16_t)v); break;
	case O_SPI: info->port_set.b32 = htonl((uint32_t)v); break;
	case O_PROTO_MASK: info->proto_mask = (uint16_t)v; break;
	}
	return 0;
}

static int hmark_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct xt_hmark_info *info = &((struct hmark_data *)data)->info;

	if (!(seen & (1u << O_MOD)))
		return err_param(ctx->err, "--hmark-mod is mandatory");
	if (!(seen & (1u << O_RND)))
		return err_param(ctx->err, "--hmark-rnd is mandatory");
	if (!(info->flags & HMARK_FIELDS))
		return err_param(ctx->err, "you have to specify --hmark-tuple at least");
	if ((info->flags & F(SPI_MASK)) && (info->flags & (F(SPORT_MASK) | F(DPORT_MASK))))
		return err_param(ctx->err, "you cannot use --hmark-spi-mask and "
				 "--hmark-?port-mask,at the same time");
	info->flags |= F(MODULUS) | F(RND);
	if (seen & (1u << O_OFFSET))
		info->flags |= F(OFFSET);
	return 0;
}

static enum compat_res hmark_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	return tg_compat_blob(out, 0, &((const struct hmark_data *)data)->info,
			      sizeof(struct xt_hmark_info));
}

static bool hmark_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_hmark_info *info = &((struct hmark_data *)data)->info;
	const void *p = tg_xt_blob(delin_peek(c), "HMARK", 0, sizeof(*info));

	if (!p)
		return false;
	memcpy(info, p, sizeof(*info));
	/* the padding after proto_mask is not ours to compare */
	memset((char *)info + offsetof(struct xt_hmark_info, proto_mask) + 2, 0,
	       offsetof(struct xt_hmark_info, hashrnd) -
		       offsetof(struct xt_hmark_info, proto_mask) - 2);
	c->pos++;
	return true;
}

/* The prefix length of an address mask in the rule's family. */
static int hmark_plen(const union nf_inet_addr *mask, uint8_t family)
{
	return mask_prefix_len((const uint8_t *)mask, family_addr_len(family));
}

/* -L: IPv4 a length; IPv6 a length, nothing for a whole address, the
 * mask itself where it is no prefix (as the reference shows them). */
static void hmark_print_mask(struct strbuf *out, const char *what,
			     const union nf_inet_addr *mask, uint8_t family)
{
	int n = hmark_plen(mask, family);
	char buf[INET6_ADDRSTRLEN];

	sb_printf(out, " %s ", what);
	if (family != NFPROTO_IPV6)
		sb_printf(out, "%d", n);
	else if (n >= 0 && n < 128)
		sb_printf(out, "%d", n);
	else if (n < 0)
		sb_add(out, inet_ntop(AF_INET6, mask, buf, sizeof(buf)));
}

/* The masks and values of ports, SPI and protocol, in the order both
 * texts give them, with the digits -S pads them to. */
static const struct {
	uint32_t flag;
	const char *name;
	int digits;
} hmark_fields[] = {
	{ F(SPORT_MASK), "sport-mask", 4 }, { F(DPORT_MASK), "dport-mask", 4 },
	{ F(SPI_MASK), "spi-mask", 8 }, { F(SPORT), "sport", 4 }, { F(DPORT), "dport", 4 },
	{ F(SPI), "spi", 8 }, { F(PROTO_MASK), "proto-mask", 2 },
};

static uint32_t hmark_field(const struct xt_hmark_info *info, uint32_t flag)
{
	switch (flag) {
	case F(SPORT_MASK): return ntohs(info->port_mask.b16.src);
	case F(DPORT_MASK): return ntohs(info->port_mask.b16.dst);
	case F(SPI_MASK): return ntohl(info->port_mask.b32);
	case F(SPORT): return ntohs(info->port_set.b16.src);
	case F(DPORT): return ntohs(info->port_set.b16.dst);
	case F(SPI): return ntohl(info->port_set.b32);
	}
	return info->proto_mask;
}

/* " sport-mask 0xff" (-L) or " --hmark-sport-mask 0x00ff" (-S), ... */
static void hmark_fields_text(struct strbuf *out, const struct xt_hmark_info *info, bool save)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hmark_fields); i++)
		if (info->flags & hmark_fields[i].flag)
			sb_printf(out, " %s%s 0x%0*x", save ? "--hmark-" : "", hmark_fields[i].name,
				  save ? hmark_fields[i].digits : 0,
				  hmark_field(info, hmark_fields[i].flag));
}

static void hmark_print(struct strbuf *out, const void *data, const struct rule *r,
			unsigned fmt)
{
	const struct xt_hmark_info *info = &((const struct hmark_data *)data)->info;
	uint32_t f = info->flags;

	(void)fmt;
	sb_add(out, " HMARK");
	if (f & F(MODULUS))
		sb_printf(out, " mod %u", info->hmodulus);
	if (f & F(OFFSET))
		sb_printf(out, " + 0x%x", info->hoffset);
	if (f & F(CT))
		sb_add(out, " ct,");
	if (f & F(SADDR_MASK))
		hmark_print_mask(out, "src-prefix", &info->src_mask, r->family);
	if (f & F(DADDR_MASK))
		hmark_print_mask(out, "dst-prefix", &info->dst_mask, r->family);
	hmark_fields_text(out, info, false);
	if (f & F(RND))
		sb_printf(out, " rnd 0x%x", info->hashrnd);
	sb_add(out, " ");
}

static void hmark_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_hmark_info *info = &((const struct hmark_data *)data)->info;
	uint32_t f = info->flags;

	if (f & F(SADDR_MASK))
		sb_printf(out, " --hmark-src-prefix %d", hmark_plen(&info->src_mask, r->family));
	if (f & F(DADDR_MASK))
		sb_printf(out, " --hmark-dst-prefix %d", hmark_plen(&info->dst_mask, r->family));
	hmark_fields_text(out, info, true);
	if (f & F(RND))
		sb_printf(out, " --hmark-rnd 0x%08x", info->hashrnd);
	if (f & F(MODULUS))
		sb_printf(out, " --hmark-mod %u", info->hmodulus);
	if (f & F(OFFSET))
		sb_printf(out, " --hmark-offset %u", info->hoffset);
	if (f & F(CT))
		sb_add(out, " --hmark-tuple ct");
}

const struct extension ext_HMARK = {
	.name = "HMARK",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct hmark_data),
	.opts = hmark_opts,
	.parse = hmark_parse,
	.check = hmark_check,
	.compat = hmark_compat,
	.xt_only = xt_always,
	.delinearize = hmark_delinearize,
	.print = hmark_print,
	.save = hmark_save,
};
