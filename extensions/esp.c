/* -m esp [!] --espspi spi[:spi] and (iptables) -m ah [!] --ahspi
 * spi[:spi]: the Security Parameters Index of an IPsec ESP or AH header,
 * one value or a range.
 *
 *   payload load 4b @ transport header + 0 (esp) or + 4 (ah);
 *   cmp eq|neq SPI, or range eq|neq LO HI
 *
 * as nft writes `esp spi 1`, `ah spi != 1-5`. The kernel's range test
 * never matches a reversed range, as the xt match does not, and "!" of
 * the whole range never matches, also alike. Without --espspi the match
 * tests nothing beyond -p, and the rule's userdata says it was given.
 *
 * The xt matches need the rule's -p esp (ah), and the kernel refuses
 * them otherwise; such a rule is written as the reference's blob
 * (revision 0: u32 spis[2], u8 invflags) for the kernel to refuse it
 * alike, and --compat writes the blob always.
 */
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <netinet/in.h>
#include <arpa/inet.h>
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
	const char *title;	/* -L: " esp", " ah " */
	const char *sep;	/* -L: before "spi:" */
};

/* hi_not is ~hi, so that zeroed data (a match given without --espspi,
 * read back from userdata alone) is the whole range, 0 to 2^32-1. */
struct spi_data {
	uint32_t lo, hi_not;
	bool inv;
};

struct spi_blob {
	uint32_t spis[2];
	uint8_t invflags;
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

static const struct spi_desc esp_desc = {
	.opt = "espspi", .proto = IPPROTO_ESP, .offset = 0, .title = " esp", .sep = " ",
};

static const struct spi_desc ah_desc = {
	.opt = "ahspi", .proto = IPPROTO_AH, .offset = 4, .title = " ah ", .sep = "",
};

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
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static void spi_linearize(struct lin_ctx *c, const void *data)
{
	const struct spi_desc *sd = c->ext->desc;
	const struct spi_data *d = data;
	const struct rule *r = c->rule;
	uint32_t lo = htonl(d->lo), hi = htonl(~d->hi_not);
	struct xt_out out = { .rev = 0 };

	if (!r || !r->has_proto || r->proto != sd->proto || (r->inv & INV_PROTO)) {
		spi_compat(c, data, &out);
		lin_xt(c, false, c->ext->name, out.rev, out.info, out.len);
		return;
	}
	if (d->lo == 0 && d->hi_not == 0 && !d->inv)
		return;		/* the whole range: nothing to test */
	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, sd->offset, 4);
	if (lo == hi)
		lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &lo, 4);
	else
		lin_range(c, d->inv, &lo, &hi, 4);
}

static bool spi_delinearize(struct delin_ctx *c, void *data)
{
	const struct spi_desc *sd = c->ext->desc;
	struct spi_data *d = data;
	struct item *it = delin_peek(c);
	uint32_t lo, hi;
	const struct spi_blob *b;

	if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, sd->offset, 4) && !it->masked) {
		memcpy(&lo, it->val, 4);
		if (it->op == REL_EQ || it->op == REL_NEQ)
			hi = lo;
		else if (it->op == REL_RANGE || it->op == REL_NRANGE)
			memcpy(&hi, it->hi, 4);
		else
			return false;
		d->lo = ntohl(lo);
		d->hi_not = ~ntohl(hi);
		d->inv = it->op == REL_NEQ || it->op == REL_NRANGE;
	} else if ((b = xt_blob(it, false, c->ext->name, 0, sizeof(*b)))) {
		if (b->invflags & ~SPI_INV)
			return false;
		d->lo = b->spis[0];
		d->hi_not = ~b->spis[1];
		d->inv = b->invflags & SPI_INV;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static bool whole_range(const struct spi_data *d)
{
	return d->lo == 0 && d->hi_not == 0;
}

static void spi_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct spi_desc *sd = rule_ext_of(r, data)->desc;
	const struct spi_data *d = data;

	(void)fmt;
	sb_add(out, sd->title);
	if (whole_range(d) && !d->inv)
		return;
	sb_add(out, sd->sep);
	if (d->lo == ~d->hi_not)
		sb_printf(out, "spi:%s%u", d->inv ? "!" : "", d->lo);
	else
		sb_printf(out, "spis:%s%u:%u", d->inv ? "!" : "", d->lo, ~d->hi_not);
}

static void spi_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct spi_desc *sd = rule_ext_of(r, data)->desc;
	const struct spi_data *d = data;

	if (whole_range(d))
		return;
	sb_printf(out, "%s --%s %u", d->inv ? " !" : "", sd->opt, d->lo);
	if (d->lo != ~d->hi_not)
		sb_printf(out, ":%u", ~d->hi_not);
}

#define SPI_MATCH(name_, families_, opts_, desc_)                                             \
	{ .name = name_, .kind = EXT_MATCH, .families = families_,                            \
	  .size = sizeof(struct spi_data), .opts = opts_, .desc = desc_,                      \
	  .parse = spi_parse, .linearize = spi_linearize, .compat = spi_compat,               \
	  .delinearize = spi_delinearize, .print = spi_print, .save = spi_save }

const struct extension ext_esp = SPI_MATCH("esp", EXT_BOTH, esp_opts, &esp_desc);
const struct extension ext_ah = SPI_MATCH("ah", EXT_IPV4, ah_opts, &ah_desc);
