/* -j DNPT and -j SNPT (ip6tables): stateless IPv6 prefix translation
 * (RFC 6296). SNPT rewrites the source prefix --src-pfx of a packet
 * into --dst-pfx, DNPT the destination prefix likewise; the rest of the
 * address is changed so that the transport checksum stays valid, and
 * the packet goes on to the next rule.
 *
 * nf_tables has no statement that rewrites a prefix with the
 * checksum-neutral adjustment, so the rule holds the reference's xt
 * target in both write modes: revision 0, struct ip6t_npt_tginfo padded
 * to 40 bytes:
 *
 *   0         16        32           33           34           36
 *   +---------+---------+------------+------------+------------+
 *   | src_pfx | dst_pfx | src_pfx_len| dst_pfx_len| adjustment |
 *   +---------+---------+------------+------------+------------+
 *   adjustment: the kernel's, zero from user space.
 * The prefixes are kept as given; the kernel refuses host bits, lengths
 * past 64, and DNPT outside mangle PREROUTING and OUTPUT, SNPT outside
 * mangle INPUT and POSTROUTING.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6/ip6t_NPT.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

struct npt_data {
	struct ip6t_npt_tginfo info;
};

enum { O_SRC_PFX, O_DST_PFX };

static const struct ext_opt npt_opts[] = {
	{ .name = "src-pfx", .id = O_SRC_PFX, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_MAND | OF_NOINV_XT, .help_arg = "prefix/len",
	  .help = "the prefix the packet has" },
	{ .name = "dst-pfx", .id = O_DST_PFX, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_MAND | OF_NOINV_XT, .help_arg = "prefix/len",
	  .help = "the prefix it gets instead" },
	{ .name = NULL },
};

static int npt_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct ip6t_npt_tginfo *info = &((struct npt_data *)data)->info;
	union nf_inet_addr *pfx = id == O_SRC_PFX ? &info->src_pfx : &info->dst_pfx;
	uint8_t mask[16];
	int len;

	(void)inv;
	if (xt_parse_hostmask(ctx->err, ctx->ext->name, ctx->ext->opts[id].name, arg,
			      NFPROTO_IPV6, (uint8_t *)pfx, mask) < 0)
		return -1;
	len = mask_prefix_len(mask, 16);
	if (len < 0)
		len = 128;
	if (id == O_SRC_PFX)
		info->src_pfx_len = (uint8_t)len;
	else
		info->dst_pfx_len = (uint8_t)len;
	return 0;
}

static enum compat_res npt_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	return tg_compat_blob(out, 0, &((const struct npt_data *)data)->info,
			      sizeof(struct ip6t_npt_tginfo));
}

static bool npt_delinearize(struct delin_ctx *c, void *data)
{
	struct ip6t_npt_tginfo *info = &((struct npt_data *)data)->info;
	const void *p = tg_xt_blob(delin_peek(c), c->ext->name, 0,
				   offsetof(struct ip6t_npt_tginfo, adjustment));

	if (!p)
		return false;
	memcpy(info, p, offsetof(struct ip6t_npt_tginfo, adjustment));
	c->pos++;
	return true;
}

static void npt_prefix(struct strbuf *out, const char *fmt, const union nf_inet_addr *pfx,
		       uint8_t len)
{
	char buf[INET6_ADDRSTRLEN];

	sb_printf(out, fmt, inet_ntop(AF_INET6, pfx, buf, sizeof(buf)), len);
}

static void npt_print(struct strbuf *out, const void *data, const struct rule *r,
		      unsigned fmt)
{
	const struct ip6t_npt_tginfo *info = &((const struct npt_data *)data)->info;

	(void)fmt;
	sb_printf(out, " %s", rule_ext_of(r, data)->name);
	npt_prefix(out, " src-pfx %s/%u", &info->src_pfx, info->src_pfx_len);
	npt_prefix(out, " dst-pfx %s/%u", &info->dst_pfx, info->dst_pfx_len);
}

/* -S leaves out a prefix of length 0 */
static void npt_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct ip6t_npt_tginfo *info = &((const struct npt_data *)data)->info;

	(void)r;
	if (info->src_pfx_len)
		npt_prefix(out, " --src-pfx %s/%u", &info->src_pfx, info->src_pfx_len);
	if (info->dst_pfx_len)
		npt_prefix(out, " --dst-pfx %s/%u", &info->dst_pfx, info->dst_pfx_len);
}

#define NPT_TARGET(n) {				\
	.name = n,					\
	.kind = EXT_TARGET,				\
	.families = EXT_IPV6,				\
	.size = sizeof(struct npt_data),		\
	.opts = npt_opts,				\
	.parse = npt_parse,				\
	.compat = npt_compat,				\
	.xt_only = xt_always,				\
	.delinearize = npt_delinearize,			\
	.print = npt_print,				\
	.save = npt_save,				\
}

const struct extension ext_DNPT = NPT_TARGET("DNPT");
const struct extension ext_SNPT = NPT_TARGET("SNPT");
