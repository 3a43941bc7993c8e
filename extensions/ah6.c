/* ip6tables -m ah [!] --ahspi spi[:spi] [!] --ahlen length --ahres: the
 * IPv6 Authentication Header, wherever it sits in the extension header
 * chain (iptables' -m ah, for IPv4, is extensions/esp.c's).
 *
 * ip6t_ah walks the packet's extension headers to the AH, then tests
 * its SPI range, its length field and, with --ahres, that the reserved
 * field is zero; nf_tables' `ah spi` reads the transport header, which
 * is no such walk. The rule holds the reference's xt match in both
 * write modes: revision 0, struct ip6t_ah (u32 spis[2], u32 hdrlen,
 * u8 hdrres, u8 invflags).
 */
#include <linux/netfilter_ipv6/ip6t_ah.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

enum { O_SPI, O_LEN, O_RES };

struct ah6_data {
	struct ip6t_ah info;
	bool spi_inv, len_inv;	/* while parsing: '!' given */
};

static const struct ext_opt ah6_opts[] = {
	{ .name = "ahspi", .id = O_SPI, .type = OT_UINT_RANGE, .flags = OF_INV,
	  OPT_DST(struct ah6_data, info.spis[0]), OPT_INVDST(struct ah6_data, spi_inv),
	  .help_arg = "spi[:spi]", .help = "the Security Parameters Index, or a range" },
	{ .name = "ahlen", .id = O_LEN, .type = OT_UINT, .flags = OF_INV,
	  OPT_DST(struct ah6_data, info.hdrlen), OPT_INVDST(struct ah6_data, len_inv),
	  .help_arg = "length", .help = "the header's length field" },
	{ .name = "ahres", .id = O_RES, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct ah6_data, info.hdrres), .help = "the reserved field is zero" },
	{ .name = NULL },
};

static void ah6_init(void *data, uint8_t family)
{
	struct ah6_data *d = data;

	(void)family;
	d->info.spis[1] = UINT32_MAX;
}

static int ah6_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct ah6_data *d = data;

	(void)ctx;
	(void)seen;
	if (d->spi_inv)
		d->info.invflags |= IP6T_AH_INV_SPI;
	if (d->len_inv)
		d->info.invflags |= IP6T_AH_INV_LEN;
	d->spi_inv = d->len_inv = false;
	return 0;
}

static void ah6_linearize(struct lin_ctx *c, const void *data)
{
	lin_xt_match(c, "ah", 0, &((const struct ah6_data *)data)->info, sizeof(struct ip6t_ah));
}

static bool ah6_delinearize(struct delin_ctx *c, void *data)
{
	struct ip6t_ah *info = &((struct ah6_data *)data)->info;

	if (!delin_xt_match(c, "ah", 0, info, sizeof(*info)) ||
	    (info->invflags & ~IP6T_AH_INV_MASK))
		return false;
	c->pos++;
	return true;
}

static bool spi_shown(const struct ip6t_ah *info)
{
	return info->spis[0] != 0 || info->spis[1] != UINT32_MAX ||
	       (info->invflags & IP6T_AH_INV_SPI);
}

/* " ah spis:1:5length:4 reserved", the reference's words run together */
static void ah6_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct ip6t_ah *info = &((const struct ah6_data *)data)->info;
	const char *inv = info->invflags & IP6T_AH_INV_SPI ? "!" : "";

	(void)r;
	(void)fmt;
	sb_add(out, " ah ");
	if (spi_shown(info) && info->spis[0] == info->spis[1])
		sb_printf(out, "spi:%s%u", inv, info->spis[0]);
	else if (spi_shown(info))
		sb_printf(out, "spis:%s%u:%u", inv, info->spis[0], info->spis[1]);
	if (info->hdrlen || (info->invflags & IP6T_AH_INV_LEN))
		sb_printf(out, "length:%s%u", info->invflags & IP6T_AH_INV_LEN ? "!" : "",
			  info->hdrlen);
	if (info->hdrres)
		sb_add(out, " reserved");
}

static void ah6_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct ip6t_ah *info = &((const struct ah6_data *)data)->info;

	(void)r;
	if (spi_shown(info)) {
		sb_printf(out, "%s --ahspi %u", info->invflags & IP6T_AH_INV_SPI ? " !" : "",
			  info->spis[0]);
		if (info->spis[0] != info->spis[1])
			sb_printf(out, ":%u", info->spis[1]);
	}
	if (info->hdrlen || (info->invflags & IP6T_AH_INV_LEN))
		sb_printf(out, "%s --ahlen %u", info->invflags & IP6T_AH_INV_LEN ? " !" : "",
			  info->hdrlen);
	if (info->hdrres)
		sb_add(out, " --ahres");
}

const struct extension ext_ah6 = {
	.name = "ah",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct ah6_data),
	.opts = ah6_opts,
	.init = ah6_init,
	.check = ah6_check,
	.linearize = ah6_linearize,
	.delinearize = ah6_delinearize,
	.print = ah6_print,
	.save = ah6_save,
};
