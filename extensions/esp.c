/* -m esp [!] --espspi spi[:spi], (iptables) -m ah [!] --ahspi spi[:spi]
 * and -m ipcomp [!] --ipcompspi cpi[:cpi] [--compres]: the Security
 * Parameters Index of an IPsec ESP or AH header, or the Compression
 * Parameter Index of an IPComp header, one value or a range.
 *
 *   payload load 4b @ transport header + 0 (esp) or + 4 (ah), or
 *                2b @ transport header + 2 (ipcomp);
 *   cmp eq|neq SPI, or range eq|neq LO HI
 *
 * as nft writes `esp spi 1`, `ah spi != 1-5`, `comp cpi 3`. The kernel's
 * range test never matches a reversed range, as the xt match does not,
 * and "!" of it always matches, also alike. Neither reads a fragment
 * past the first. Without --espspi (--ahspi) the match tests nothing
 * beyond -p, and the rule's userdata says it was given; ipcomp without
 * --ipcompspi means CPI 0, as the reference's zeroed blob does.
 *
 * A CPI is 16 bits, but the xt match takes 32-bit numbers: a range
 * reaching past 65535 (but the whole one, which tests nothing) is
 * written as the reference's blob. --compres sets a byte of the blob
 * (hdrres) that the kernel's match never reads: natively it is kept in
 * the rule's userdata only.
 *
 * The xt matches need the rule's -p esp (ah, 108), and the kernel refuses
 * them otherwise; such a rule is written as the reference's blob
 * (revision 0: u32 spis[2], u8 invflags, and ipcomp's u8 hdrres) for the
 * kernel to refuse it alike, and --compat writes the blob always.
 */
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "util.h"
#include "xtopt.h"

struct spi_desc {
	const char *opt;	/* "espspi", "ahspi" */
	uint8_t proto;
	uint32_t offset;	/* of the SPI in the header */
	uint32_t len;		/* of the SPI (CPI) in the header */
	const char *title;	/* -L: " esp", " ah ", " comp " */
	const char *sep;	/* -L: before "spi:" */
	bool cpi;		/* ipcomp: 0:0 by default, --compres */
};

/* hi_not is ~hi, so that zeroed data (a match given without --espspi,
 * read back from userdata alone) is the whole range, 0 to 2^32-1. */
struct spi_data {
	uint32_t lo, hi_not;
	bool inv;
	bool res;		/* ipcomp's --compres */
};

struct spi_blob {
	uint32_t spis[2];
	uint8_t invflags;
	uint8_t hdrres;		/* struct xt_ipcomp only; padding of the others */
};

#define SPI_INV 0x01	/* XT_ESP_INV_SPI, IPT_AH_INV_SPI */

static const struct ext_opt esp_opts[] = {
	{ .name = "espspi", .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct spi_data, inv), .help_arg = "spi[:spi]",
	  .help = "the ESP header's SPI, or a range of them" },
	{ .name = NULL },
};

static const struct ext_opt ah_opts[] = {
	{ .name = "ahspi", .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct spi_data, inv), .help_arg = "spi[:spi]",
	  .help = "the AH header's SPI, or a range of them" },
	{ .name = NULL },
};

enum { OPT_CPI, OPT_RES };

static const struct ext_opt ipcomp_opts[] = {
	{ .name = "ipcompspi", .id = OPT_CPI, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, OPT_INVDST(struct spi_data, inv), .help_arg = "cpi[:cpi]",
	  .help = "the IPComp header's CPI, or a range" },
	{ .name = "compres", .id = OPT_RES, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct spi_data, res), .help = "only noted: the kernel ignores it" },
	{ .name = NULL },
};

static const struct spi_desc esp_desc = {
	.opt = "espspi", .proto = IPPROTO_ESP, .offset = 0, .len = 4, .title = " esp", .sep = " ",
};

static const struct spi_desc ah_desc = {
	.opt = "ahspi", .proto = IPPROTO_AH, .offset = 4, .len = 4, .title = " ah ", .sep = "",
};

static const struct spi_desc ipcomp_desc = {
	.opt = "ipcompspi", .proto = IPPROTO_COMP, .offset = 2, .len = 2, .title = " comp ",
	.sep = "", .cpi = true,
};

/* ipcomp without --ipcompspi: CPI 0 */
static void spi_init(void *data, uint8_t family)
{
	struct spi_data *d = data;

	(void)family;
	d->hi_not = UINT32_MAX;
}

static int spi_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	const struct spi_desc *sd = ctx->ext->desc;
	struct spi_data *d = data;
	uint64_t lo, hi;

	(void)id;
	(void)inv;
	if (xt_parse_uint_range(ctx->err, ctx->ext->name, sd->opt, arg, UINT32_MAX, &lo, &hi,
				NULL) < 0)
		return -1;
	d->lo = (uint32_t)lo;
	d->hi_not = ~(uint32_t)hi;
	return 0;
}

static enum compat_res spi_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct spi_data *d = data;
	struct spi_blob b;

	(void)c;
	memset(&b, 0, sizeof(b));
	b.spis[0] = d->lo;
	b.spis[1] = ~d->hi_not;
	b.invflags = d->inv ? SPI_INV : 0;
	b.hdrres = d->res;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool whole_range(const struct spi_data *d)
{
	return d->lo == 0 && d->hi_not == 0;
}

/* Without the rule's -p the kernel refuses the xt match: the blob makes
 * it refuse ours alike. A CPI range past 16 bits has no payload test. */
static bool spi_xt_only(const void *data, const struct rule *r)
{
	const struct spi_desc *sd;
	const struct spi_data *d = data;

	if (!r)
		return true;
	sd = rule_ext_of(r, data)->desc;
	if (!r->has_proto || r->proto != sd->proto || (r->inv & INV_PROTO))
		return true;
	return sd->len == 2 && !(whole_range(d) && !d->inv) && ~d->hi_not > UINT16_MAX;
}

static void spi_linearize(struct lin_ctx *c, const void *data)
{
	const struct spi_desc *sd = c->ext->desc;
	const struct spi_data *d = data;
	uint32_t lo32 = htonl(d->lo), hi32 = htonl(~d->hi_not);
	uint16_t lo16 = htons((uint16_t)d->lo), hi16 = htons((uint16_t)~d->hi_not);
	const void *lo = sd->len == 2 ? (const void *)&lo16 : &lo32;
	const void *hi = sd->len == 2 ? (const void *)&hi16 : &hi32;

	if (whole_range(d) && !d->inv)
		return;		/* nothing to test */
	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, sd->offset, sd->len);
	if (d->lo == ~d->hi_not)
		lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, lo, sd->len);
	else
		lin_range(c, d->inv, lo, hi, sd->len);
}

/* A big-endian field of len (2 or 4) bytes. */
static uint32_t be_value(const uint8_t *p, uint32_t len)
{
	return len == 2 ? (uint32_t)p[0] << 8 | p[1]
			: (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool spi_delinearize(struct delin_ctx *c, void *data)
{
	const struct spi_desc *sd = c->ext->desc;
	struct spi_data *d = data;
	struct item *it = delin_peek(c);
	const struct spi_blob *b;
	uint32_t hi;

	/* the same bytes of another protocol's header are not ours: sctp
	 * dport and comp cpi, say */
	if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, sd->offset, sd->len) &&
	    !it->masked && c->rule && c->rule->has_proto && c->rule->proto == sd->proto &&
	    !(c->rule->inv & INV_PROTO)) {
		if (it->op == REL_EQ || it->op == REL_NEQ)
			hi = be_value(it->val, sd->len);
		else if (it->op == REL_RANGE || it->op == REL_NRANGE)
			hi = be_value(it->hi, sd->len);
		else
			return false;
		d->lo = be_value(it->val, sd->len);
		d->hi_not = ~hi;
		d->inv = it->op == REL_NEQ || it->op == REL_NRANGE;
	} else if ((b = xt_blob(it, false, c->ext->name, 0, sizeof(*b)))) {
		if (b->invflags & ~SPI_INV)
			return false;
		d->lo = b->spis[0];
		d->hi_not = ~b->spis[1];
		d->inv = b->invflags & SPI_INV;
		d->res = sd->cpi && b->hdrres;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

/* ipcomp's --compres, where no blob holds it: "r" */
static void spi_udata_save(const void *data, char *buf, size_t size)
{
	const struct spi_data *d = data;

	snprintf(buf, size, "%s", d->res ? "r" : "");
}

static void spi_udata_load(void *data, const char *text)
{
	struct spi_data *d = data;

	d->res = !strcmp(text, "r");
}

static void spi_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct spi_desc *sd = rule_ext_of(r, data)->desc;
	const struct spi_data *d = data;

	(void)fmt;
	sb_add(out, sd->title);
	if (!whole_range(d) || d->inv) {
		sb_add(out, sd->sep);
		if (d->lo == ~d->hi_not)
			sb_printf(out, "spi:%s%u", d->inv ? "!" : "", d->lo);
		else
			sb_printf(out, "spis:%s%u:%u", d->inv ? "!" : "", d->lo, ~d->hi_not);
	}
	if (d->res)
		sb_add(out, " reserved");
}

static void spi_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct spi_desc *sd = rule_ext_of(r, data)->desc;
	const struct spi_data *d = data;

	if (!whole_range(d)) {
		sb_printf(out, "%s --%s %u", d->inv ? " !" : "", sd->opt, d->lo);
		if (d->lo != ~d->hi_not)
			sb_printf(out, ":%u", ~d->hi_not);
	}
	if (d->res)
		sb_add(out, " --compres");
}

#define SPI_MATCH(name_, families_, opts_, desc_)                                             \
	  .name = name_, .kind = EXT_MATCH, .families = families_,                            \
	  .size = sizeof(struct spi_data), .opts = opts_, .desc = desc_,                      \
	  .parse = spi_parse, .linearize = spi_linearize, .compat = spi_compat,               \
	  .xt_only = spi_xt_only, .delinearize = spi_delinearize, .print = spi_print,         \
	  .save = spi_save

const struct extension ext_esp = { SPI_MATCH("esp", EXT_BOTH, esp_opts, &esp_desc) };
const struct extension ext_ah = { SPI_MATCH("ah", EXT_IPV4, ah_opts, &ah_desc) };
const struct extension ext_ipcomp = {
	SPI_MATCH("ipcomp", EXT_BOTH, ipcomp_opts, &ipcomp_desc),
	.help_title = "comp", .init = spi_init,
	.udata_save = spi_udata_save, .udata_load = spi_udata_load,
};
