/* -m hbh and -m dst: the hop-by-hop (next header 0) and destination
 * options (60) headers, one implementation with a description for each.
 * A packet without the header never matches.
 *
 *   --hbh-len N        exthdr T +1 (1 byte, "hdrlength"); cmp eq|neq N/8-1
 *                      (exthdr6.h)
 *   --hbh-opts LIST    the options in order from byte 2 of the header:
 *                      TYPE:LEN  exthdr T +p (2 bytes); cmp eq TYPE LEN
 *                      TYPE      exthdr T +p (1 byte); cmp eq TYPE
 *                      and, when an option lies beyond the first 8 bytes,
 *                      exthdr T +1 (1 byte); cmp gte (the header must be
 *                      long enough to hold it, as the kernel's match wants)
 *   (nothing)          exthdr T exists
 *
 * The kernel's match compares --hbh-len with the header's length in bytes,
 * so only multiples of 8 from 8 to 2048 can match. An option's position
 * is known only when every option before it has a length (or is Pad1,
 * type 0), so only the last one may omit it. A rule with another length
 * or list is written as the reference's xt hbh/dst blob, as the
 * reference writes every such rule (and --compat does); the blob is read
 * below as well.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv6/ip6t_opts.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "exthdr6.h"
#include "xtopt.h"

#define OPT_ANY_LEN 0xff	/* the reference's "no length given" */
#define OFF_HDRLEN 1
#define OFF_FIRST_OPT 2

/* What tells hbh and dst apart. */
struct opts_desc {
	uint8_t type;		/* the header's next-header number */
};

static const struct opts_desc *desc_of(const struct extension *ext)
{
	return ext->desc;
}

struct opts_data {
	struct exthdr6_len len;
	bool has_opts;
	uint8_t nopts;
	uint16_t opts[IP6T_OPTS_OPTSNR];	/* type << 8 | length */
};

enum { O_LEN, O_OPTS };

#define OPTS_OPTS(prefix, what)                                                                \
	{ .name = prefix "-len", .id = O_LEN, .type = OT_UINT, .flags = OF_INV,                 \
	  OPT_DST(struct opts_data, len.bytes), OPT_INVDST(struct opts_data, len.inv),          \
	  .help_arg = "length", .help = "length of the " what " header" },                      \
	{ .name = prefix "-opts", .id = O_OPTS, .type = OT_CUSTOM, .has_arg = true,             \
	  .flags = OF_NOINV_XT, .help_arg = "type[:len][,type[:len]...]",                       \
	  .help = "carries these options (and lengths), 16 at most" },                          \
	{ .name = NULL }

static const struct ext_opt hbh_opts[] = { OPTS_OPTS("hbh", "hop-by-hop options") };
static const struct ext_opt dst_opts[] = { OPTS_OPTS("dst", "destination options") };

/* One "TYPE[:LEN]" of --hbh-opts, numbers as strtoul reads them. */
static int parse_one_opt(struct ipt_error *err, const char *ext, char *tok, uint16_t *out)
{
	unsigned long type, len = OPT_ANY_LEN;
	char *colon = strchr(tok, ':'), *end;

	if (colon)
		*colon = '\0';
	errno = 0;
	type = strtoul(tok, &end, 0);
	if (errno == ERANGE)
		return err_param(err, "opt `%s' specified too big: would overflow", tok);
	if (end == tok)
		return err_param(err, "%s: no valid digits in opt `%s'", ext, tok);
	if (*end)
		return err_param(err, "%s: error parsing opt `%s'", ext, tok);
	if (colon) {
		const char *lp = colon + 1;

		len = strtoul(lp, &end, 0);
		if (errno == ERANGE)
			return err_param(err, "length `%s' specified too big: would overflow", lp);
		if (end == lp)
			return err_param(err, "%s: no valid digits in length `%s'", ext, lp);
		if (*end)
			return err_param(err, "%s: error parsing length `%s'", ext, lp);
		if (type == 0)
			return err_param(err, "PAD0 has not got length");
	}
	/* the reference keeps the low byte of the length and 16 bits of
	 * type << 8 with it, overflow included */
	*out = (uint16_t)((type << 8) | (len & 0xff));
	return 0;
}

/* --hbh-opts LIST; the walker reads --hbh-len */
static int opts_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct opts_data *d = data;
	const char *ext = ctx->ext->name;
	char *copy, *rest, *tok = NULL;
	int ret = 0;

	(void)id;
	(void)inv;
	/* as the reference reads the list: at most IP6T_OPTS_OPTSNR entries,
	 * the last of which may not have a length ("too many ports"), and
	 * nothing after them ("too many addresses") */
	d->nopts = 0;
	rest = copy = xstrdup(arg);
	while (ret == 0 && rest && d->nopts < IP6T_OPTS_OPTSNR) {
		tok = strsep(&rest, ",");
		if (strchr(tok, ':') && d->nopts == IP6T_OPTS_OPTSNR - 1)
			ret = err_param(ctx->err, "too many ports specified");
		else
			ret = parse_one_opt(ctx->err, ext, tok, &d->opts[d->nopts++]);
	}
	if (ret == 0 && rest)
		ret = err_param(ctx->err, "too many addresses specified");
	free(copy);
	d->has_opts = true;
	return ret;
}

static uint8_t opt_type(uint16_t o)
{
	return (uint8_t)(o >> 8);
}

static uint8_t opt_len(uint16_t o)
{
	return (uint8_t)(o & 0xff);
}

enum layout { LAYOUT_OK, LAYOUT_UNKNOWN_PLACE, LAYOUT_TOO_LONG };

/* Where each option lies, and the value the header length field must
 * reach for the last byte read to lie inside the header (0: any). */
static enum layout opt_layout(const struct opts_data *d, uint32_t pos[], uint8_t *bound)
{
	uint32_t p = OFF_FIRST_OPT, last = 0;
	unsigned i;

	for (i = 0; i < d->nopts; i++) {
		uint8_t t = opt_type(d->opts[i]), l = opt_len(d->opts[i]);

		pos[i] = p;
		if (t == 0) {		/* Pad1: one byte, no length */
			last = p;
			p += 1;
			continue;
		}
		last = p + 1;		/* the kernel wants the length byte too */
		if (l == OPT_ANY_LEN) {
			if (i + 1 < d->nopts)
				return LAYOUT_UNKNOWN_PLACE;
			break;
		}
		p += (uint32_t)l + 2;
	}
	if (last >= 256 * 8)
		return LAYOUT_TOO_LONG;
	*bound = (uint8_t)(last / 8);
	return LAYOUT_OK;
}

static int opts_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct opts_data *d = data;

	(void)ctx;
	d->len.given = seen & (1u << O_LEN);
	return 0;
}

/* A length no header has, and options nf_tables cannot find at fixed
 * places (one without its length but the last, or past the longest
 * header): the reference's blob says them. */
static bool opts_xt_only(const void *data, const struct rule *r)
{
	const struct opts_data *d = data;
	uint32_t pos[IP6T_OPTS_OPTSNR];
	uint8_t field;

	(void)r;
	return !exthdr6_len_native(&d->len) ||
	       (d->has_opts && opt_layout(d, pos, &field) != LAYOUT_OK);
}

static void opts_linearize(struct lin_ctx *c, const void *data)
{
	const struct opts_data *d = data;
	uint8_t type = desc_of(c->ext)->type;
	uint32_t pos[IP6T_OPTS_OPTSNR];
	uint8_t bound;
	unsigned i;

	lin_exthdr6_len(c, type, &d->len);
	if (d->has_opts && opt_layout(d, pos, &bound) == LAYOUT_OK) {
		if (bound) {
			lin_exthdr6(c, type, OFF_HDRLEN, 1);
			lin_cmp(c, REL_GTE, &bound, 1);
		}
		for (i = 0; i < d->nopts; i++) {
			uint8_t v[2] = { opt_type(d->opts[i]), opt_len(d->opts[i]) };
			uint32_t n = v[0] == 0 || v[1] == OPT_ANY_LEN ? 1 : 2;

			lin_exthdr6(c, type, pos[i], n);
			lin_cmp(c, REL_EQ, v, n);
		}
	}
	if (!d->len.given && !d->has_opts)
		lin_exthdr6_present(c, type, true);
}

/* Read back what opts_linearize wrote, in its order. */
static bool opts_from_items(struct delin_ctx *c, struct opts_data *d, uint8_t type)
{
	struct item *it = delin_peek(c);
	uint32_t pos[IP6T_OPTS_OPTSNR], p = OFF_FIRST_OPT;
	uint8_t bound = 0, want;

	if (item_exthdr6_exists(it, type)) {
		c->pos++;
		return true;
	}
	if (delin_exthdr6_len(c, type, &d->len))
		it = delin_peek(c);
	if (item_is_exthdr6(it, type, OFF_HDRLEN, 1) && !it->masked && it->op == REL_GTE) {
		bound = it->val[0];
		c->pos++;
		it = delin_peek(c);
	}
	while (d->nopts < IP6T_OPTS_OPTSNR && it && !it->masked && it->op == REL_EQ &&
	       (item_is_exthdr6(it, type, p, 1) || item_is_exthdr6(it, type, p, 2))) {
		uint8_t ot = it->val[0], ol = it->len == 2 ? it->val[1] : OPT_ANY_LEN;

		if (ot == 0 && it->len == 2)
			break;
		pos[d->nopts] = p;
		d->opts[d->nopts++] = (uint16_t)(ot << 8 | ol);
		c->pos++;
		it = delin_peek(c);
		if (ot != 0 && ol == OPT_ANY_LEN)
			break;
		p += ot == 0 ? 1 : (uint32_t)ol + 2;
	}
	d->has_opts = d->nopts > 0;
	if (d->has_opts) {
		if (opt_layout(d, pos, &want) != LAYOUT_OK || want != bound)
			return false;
	} else if (bound) {
		return false;
	}
	return d->len.given || d->has_opts;
}

/*
 * The reference's blob, struct ip6t_opts, revision 0 (host byte order):
 *
 *   0          4       5          6                 38       39  40
 *   +----------+-------+----------+-----------------+--------+---+
 *   | hdrlen   | flags | invflags | opts[16] (u16)  | optsnr |pad|
 *   +----------+-------+----------+-----------------+--------+---+
 *
 *   hdrlen: whole header in bytes; opts[i]: type << 8 | length (0xff: any)
 *   flags: LEN 0x01 OPTS 0x02 NSTRICT 0x04; invflags: LEN 0x01
 */
static bool opts_from_blob(const struct item *it, const char *name, struct opts_data *d)
{
	const void *p = xt_blob(it, false, name, 0, offsetof(struct ip6t_opts, optsnr) + 1);
	struct ip6t_opts b;

	if (!p)
		return false;
	memset(&b, 0, sizeof(b));
	memcpy(&b, p, offsetof(struct ip6t_opts, optsnr) + 1);
	if ((b.invflags & ~IP6T_OPTS_INV_MASK) || b.optsnr > IP6T_OPTS_OPTSNR ||
	    (b.flags & IP6T_OPTS_NSTRICT))
		return false;
	d->len.given = b.flags & IP6T_OPTS_LEN;
	d->len.inv = b.invflags & IP6T_OPTS_INV_LEN;
	d->len.bytes = b.hdrlen;
	d->has_opts = b.flags & IP6T_OPTS_OPTS;
	d->nopts = b.optsnr;
	memcpy(d->opts, b.opts, sizeof(d->opts));
	return true;
}

static enum compat_res opts_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct opts_data *d = data;
	struct ip6t_opts b;

	(void)c;
	memset(&b, 0, sizeof(b));
	b.hdrlen = d->len.given ? d->len.bytes : 0;
	b.flags = (d->len.given ? IP6T_OPTS_LEN : 0) | (d->has_opts ? IP6T_OPTS_OPTS : 0);
	b.invflags = d->len.inv ? IP6T_OPTS_INV_LEN : 0;
	if (d->has_opts) {
		memcpy(b.opts, d->opts, d->nopts * sizeof(d->opts[0]));
		b.optsnr = d->nopts;
	}
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool opts_delinearize(struct delin_ctx *c, void *data)
{
	struct opts_data *d = data;
	unsigned start = c->pos;

	if (opts_from_blob(delin_peek(c), c->ext->name, d)) {
		c->pos++;
		return true;
	}
	if (opts_from_items(c, d, desc_of(c->ext)->type))
		return true;
	c->pos = start;
	memset(d, 0, sizeof(*d));
	return false;
}

static void opt_list(struct strbuf *out, const struct opts_data *d)
{
	unsigned i;

	for (i = 0; i < d->nopts; i++) {
		sb_printf(out, "%s%u", i ? "," : "", opt_type(d->opts[i]));
		if (opt_len(d->opts[i]) != OPT_ANY_LEN)
			sb_printf(out, ":%u", opt_len(d->opts[i]));
	}
}

/* print and save know neither the extension nor (both being IPv6) its
 * twin: the wrappers below name it */
static void opts_print_for(struct strbuf *out, const struct opts_data *d, const char *name)
{
	sb_printf(out, " %s", name);
	exthdr6_len_print(out, &d->len);
	if (d->has_opts) {
		sb_add(out, " opts ");
		opt_list(out, d);
	}
}

static void opts_save_for(struct strbuf *out, const struct opts_data *d,
			  const struct ext_opt *opts)
{
	exthdr6_len_save(out, opts[O_LEN].name, &d->len);
	if (d->has_opts) {
		sb_printf(out, " --%s ", opts[O_OPTS].name);
		opt_list(out, d);
	}
}

static void hbh_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	(void)r;
	(void)fmt;
	opts_print_for(out, data, "hbh");
}

static void dst_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	(void)r;
	(void)fmt;
	opts_print_for(out, data, "dst");
}

static void hbh_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	opts_save_for(out, data, hbh_opts);
}

static void dst_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	opts_save_for(out, data, dst_opts);
}

static const struct opts_desc hbh_desc = { .type = EH_HOPOPTS };
static const struct opts_desc dst_desc = { .type = EH_DSTOPTS };

#define OPTS_MATCH(name_, opts_, desc_)                                                        \
	.name = name_, .kind = EXT_MATCH, .families = EXT_IPV6,                                \
	.size = sizeof(struct opts_data), .opts = opts_, .desc = desc_, .parse = opts_parse,   \
	.check = opts_check, .linearize = opts_linearize, .compat = opts_compat,               \
	.xt_only = opts_xt_only,                                                              \
	.delinearize = opts_delinearize

const struct extension ext_hbh = {
	OPTS_MATCH("hbh", hbh_opts, &hbh_desc),
	.print = hbh_print,
	.save = hbh_save,
};

const struct extension ext_dst = {
	OPTS_MATCH("dst", dst_opts, &dst_desc),
	.print = dst_print,
	.save = dst_save,
};
