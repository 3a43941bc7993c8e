/* -m connlimit: match by how many tracked connections the packet's
 * group of hosts has.
 *
 *   [!] --connlimit-upto n | [!] --connlimit-above n   the test
 *   --connlimit-mask plen|mask                          the group
 *   --connlimit-saddr | --connlimit-daddr               by which address
 *
 * nf_tables' connlimit counts per set element or per rule, with no
 * grouping of addresses under a mask of their own, so the rule holds
 * the reference's xt match in both write modes: revision 1, struct
 * xt_connlimit_info, 32 bytes:
 *
 *   0                    16      20      24                32
 *   +--------------------+-------+-------+-----------------+
 *   | mask (nf_inet_addr)| limit | flags | data (kernel's) |
 *   +--------------------+-------+-------+-----------------+
 *   flags: XT_CONNLIMIT_INVERT (match up to limit, not above it),
 *          XT_CONNLIMIT_DADDR (group by destination)
 * An IPv4 mask fills the first 4 bytes.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_connlimit.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "util.h"
#include "xtopt.h"

#define CONNLIMIT_REV 1
#define CONNLIMIT_BLOB_LEN 32

struct connlimit_data {
	struct xt_connlimit_info info;
};

enum { O_UPTO, O_ABOVE, O_MASK, O_SADDR, O_DADDR };

static const struct ext_opt connlimit_opts[] = {
	{ .name = "connlimit-upto", .id = O_UPTO, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .excl = 1u << O_ABOVE, .help_arg = "n",
	  .help = "matches with at most n connections" },
	{ .name = "connlimit-above", .id = O_ABOVE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .excl = 1u << O_UPTO, .help_arg = "n",
	  .help = "matches with more than n connections" },
	{ .name = "connlimit-mask", .id = O_MASK, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "plen|mask",
	  .help = "count hosts of one prefix together" },
	{ .name = "connlimit-saddr", .id = O_SADDR, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  .excl = 1u << O_DADDR, .help = "group by source address (default)" },
	{ .name = "connlimit-daddr", .id = O_DADDR, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  .excl = 1u << O_SADDR, OPT_DST(struct connlimit_data, info.flags),
	  .max = XT_CONNLIMIT_DADDR, .help = "group by destination address" },
	{ .name = NULL },
};

static unsigned connlimit_width(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 128 : 32;
}

/* The first plen bits of the family's mask set. */
static void connlimit_plen_mask(union nf_inet_addr *mask, unsigned plen)
{
	unsigned i;

	memset(mask, 0, sizeof(*mask));
	for (i = 0; i < 4 && plen; i++) {
		unsigned n = plen < 32 ? plen : 32;

		mask->ip6[i] = htonl(n == 32 ? 0xffffffffu : ~(0xffffffffu >> n));
		plen -= n;
	}
}

/* The mask's prefix length, or -1 where its ones are no prefix. */
static int connlimit_prefix(const struct xt_connlimit_info *info, uint8_t family)
{
	unsigned width = connlimit_width(family), plen;
	union nf_inet_addr m;

	for (plen = 0; plen <= width; plen++) {
		connlimit_plen_mask(&m, plen);
		if (memcmp(&m, &info->mask, width / 8) == 0)
			return (int)plen;
	}
	return -1;
}

/* What -L and -S show: the whole width for a mask that is no prefix. */
static unsigned connlimit_plen(const struct xt_connlimit_info *info, uint8_t family)
{
	int plen = connlimit_prefix(info, family);

	return plen < 0 ? connlimit_width(family) : (unsigned)plen;
}

static int connlimit_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_connlimit_info *info = &((struct connlimit_data *)data)->info;
	unsigned width = connlimit_width(ctx->rule->family);
	uint64_t v;
	char *end;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
		if (xt_parse_uint(ctx->err, "connlimit", id == O_UPTO ? "connlimit-upto" :
				  "connlimit-above", arg, 0, UINT32_MAX, &v) < 0)
			return -1;
		info->limit = (unsigned)v;
		/* up to n is "not above n" */
		if ((id == O_UPTO) != inv)
			info->flags |= XT_CONNLIMIT_INVERT;
		return 0;
	case O_MASK:
		/* a prefix length up to the family's width (strtoul base
		 * 0), or an address whose prefix length is taken */
		v = strtoul(arg, &end, 0);
		if (!*arg || *end || xt_negative(arg) || v > width) {
			if (width == 32 ? inet_aton(arg, &info->mask.in) == 0
					: inet_pton(AF_INET6, arg, &info->mask.in6) != 1)
				return err_param(ctx->err, "connlimit: bad value for option "
						 "\"--connlimit-mask\", neither a valid network "
						 "mask nor valid CIDR (0-%u).\n", width);
			/* no prefix: all 16 bytes ones, as without a mask */
			if (connlimit_prefix(info, ctx->rule->family) < 0) {
				memset(&info->mask, 0xff, sizeof(info->mask));
				return 0;
			}
			v = (unsigned)connlimit_prefix(info, ctx->rule->family);
		}
		connlimit_plen_mask(&info->mask, (unsigned)v);
		return 0;
	}
	return 0;
}

static int connlimit_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct xt_connlimit_info *info = &((struct connlimit_data *)data)->info;

	if (!(seen & (1u << O_UPTO | 1u << O_ABOVE)))
		return err_param(ctx->err,
				 "You must specify \"--connlimit-above\" or \"--connlimit-upto\".");
	/* no mask: all 16 bytes ones, for IPv4 too (not a /32's 4) */
	if (!(seen & (1u << O_MASK)))
		memset(&info->mask, 0xff, sizeof(info->mask));
	return 0;
}

static void connlimit_linearize(struct lin_ctx *c, const void *data)
{
	uint8_t blob[CONNLIMIT_BLOB_LEN] = { 0 };
	const struct xt_connlimit_info *info = &((const struct connlimit_data *)data)->info;

	memcpy(blob, info, offsetof(struct xt_connlimit_info, flags) + sizeof(info->flags));
	lin_xt(c, false, "connlimit", CONNLIMIT_REV, blob, sizeof(blob));
}

static bool connlimit_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_connlimit_info *info = &((struct connlimit_data *)data)->info;
	const uint8_t *blob = xt_blob(delin_peek(c), false, "connlimit", CONNLIMIT_REV,
				      CONNLIMIT_BLOB_LEN);

	if (!blob)
		return false;
	memcpy(info, blob, offsetof(struct xt_connlimit_info, flags) + sizeof(info->flags));
	c->pos++;
	return true;
}

static void connlimit_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct xt_connlimit_info *info = &((const struct connlimit_data *)data)->info;

	(void)fmt;
	sb_printf(out, " #conn %s/%u %s %u", info->flags & XT_CONNLIMIT_DADDR ? "dst" : "src",
		  connlimit_plen(info, r->family),
		  info->flags & XT_CONNLIMIT_INVERT ? "<=" : ">", info->limit);
}

static void connlimit_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_connlimit_info *info = &((const struct connlimit_data *)data)->info;

	sb_printf(out, " --connlimit-%s %u --connlimit-mask %u --connlimit-%s",
		  info->flags & XT_CONNLIMIT_INVERT ? "upto" : "above", info->limit,
		  connlimit_plen(info, r->family),
		  info->flags & XT_CONNLIMIT_DADDR ? "daddr" : "saddr");
}

const struct extension ext_connlimit = {
	.name = "connlimit",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct connlimit_data),
	.opts = connlimit_opts,
	.parse = connlimit_parse,
	.check = connlimit_check,
	.linearize = connlimit_linearize,
	.delinearize = connlimit_delinearize,
	.print = connlimit_print,
	.save = connlimit_save,
};
