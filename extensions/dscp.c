/* The type-of-service byte of IPv4 (nh+1) and the traffic class of IPv6
 * (the 8 bits after the version, across nh+0 and nh+1): the upper six
 * bits are the DSCP.
 *
 *   -m dscp --dscp N      the byte & 0xfc == N<<2
 *   -m tos --tos V[/M]    the byte & M == V
 *   -j DSCP --set-dscp N  the byte = (byte & 0x03) ^ N<<2
 *   -j TOS --set-tos V/M  the byte = (byte & ~M) ^ V
 *
 * IPv4 tests load nh+1 (1 byte) [bitwise & M] and compare; IPv6 tests
 * load nh+0 (2 bytes), keep the class's two nibbles and compare. Writes
 * rewrite the 16-bit word at nh+0 (iphdr.h), with the IPv4 checksum.
 * This is the layout nft writes for ip dscp and ip6 dscp.
 *
 * The same byte tested or written two ways: our own matches are told
 * apart by the rule's list of matches; on a rule someone else wrote, and
 * for the targets, the DSCP form (mask 0xfc, low bits clear) reads as
 * dscp / DSCP, anything else as tos / TOS. The reference writes all four
 * as xt blobs, read below, and so does --compat.
 */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "num.h"
#include "ext.h"
#include "iphdr.h"
#include "xtopt.h"

#define TOS_OFFSET 1
#define DSCP_MASK 0xfc
#define DSCP_SHIFT 2

static const struct ext_sym dscp_classes[] = {
	{ "CS0", 0x00 }, { "CS1", 0x08 }, { "CS2", 0x10 }, { "CS3", 0x18 },
	{ "CS4", 0x20 }, { "CS5", 0x28 }, { "CS6", 0x30 }, { "CS7", 0x38 },
	{ "BE", 0x00 },
	{ "AF11", 0x0a }, { "AF12", 0x0c }, { "AF13", 0x0e },
	{ "AF21", 0x12 }, { "AF22", 0x14 }, { "AF23", 0x16 },
	{ "AF31", 0x1a }, { "AF32", 0x1c }, { "AF33", 0x1e },
	{ "AF41", 0x22 }, { "AF42", 0x24 }, { "AF43", 0x26 },
	{ "EF", 0x2e },
	{ NULL, 0 },
};

/* The old TOS names, with the mask 0x3f they imply. */
#define TOS_NAME_MASK 0x3f

static const struct ext_sym tos_names[] = {
	{ "Minimize-Delay", 0x10 },
	{ "Maximize-Throughput", 0x08 },
	{ "Maximize-Reliability", 0x04 },
	{ "Minimize-Cost", 0x02 },
	{ "Normal-Service", 0x00 },
	{ NULL, 0 },
};

/* A byte as the reference's integer options read it, at s. */
static bool read_byte(const char *s, uint64_t *out, const char **end)
{
	return num_uint_prefix(s, 0, UINT8_MAX, out, end);
}

/* "V[/M]" (bytes; M defaults to 0xff) or a TOS name. */
static int parse_tos(struct ipt_error *err, const char *arg, uint8_t *value, uint8_t *mask)
{
	uint64_t v, m = 0xff;
	const char *end;
	uint32_t named;

	if (!read_byte(arg, &v, &end)) {
		if (!ext_sym_find(tos_names, arg, strlen(arg), true, &named))
			return err_param(err, "Symbolic name \"%s\" is unknown", arg);
		*value = (uint8_t)named;
		*mask = TOS_NAME_MASK;
		return 0;
	}
	if (*end == '/' && !read_byte(end + 1, &m, &end))
		return err_param(err, "Illegal value: \"%s\"", arg);
	if (*end)
		return err_param(err, "Illegal value: \"%s\"", arg);
	*value = (uint8_t)v;
	*mask = (uint8_t)m;
	return 0;
}

static const char *tos_name(uint8_t value, uint8_t mask)
{
	return mask == TOS_NAME_MASK ? ext_sym_name(tos_names, value) : NULL;
}

/* ---- the byte in either family ---- */

/* The class byte's bits spread over the 16-bit word at nh+0 of IPv6. */
static void tc_word(uint8_t byte, uint8_t w[2])
{
	w[0] = byte >> 4;
	w[1] = (uint8_t)(byte << 4);
}

static bool tc_from_word(const uint8_t w[2], uint8_t *byte)
{
	if ((w[0] & 0xf0) || (w[1] & 0x0f))
		return false;
	*byte = (uint8_t)(w[0] << 4 | w[1] >> 4);
	return true;
}

/* the byte & mask == value (!= with inv) */
static void lin_tc_test(struct lin_ctx *c, uint8_t value, uint8_t mask, bool inv)
{
	uint8_t m[2], v[2];

	if (c->family == NFPROTO_IPV6) {
		tc_word(mask, m);
		tc_word(value, v);
		lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, 0, 2);
		lin_bitwise(c, m, NULL, 2);
		lin_cmp(c, inv ? REL_NEQ : REL_EQ, v, 2);
		return;
	}
	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, TOS_OFFSET, 1);
	if (mask != 0xff)
		lin_bitwise(c, &mask, NULL, 1);
	lin_cmp(c, inv ? REL_NEQ : REL_EQ, &value, 1);
}

/* A test of the byte at item it: value, mask (0xff when unmasked), inv. */
static bool tc_test_item(const struct delin_ctx *c, const struct item *it, uint8_t *value,
			 uint8_t *mask, bool *inv)
{
	static const uint8_t zero[2];

	if (!it || it->kind != ITEM_REL || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	*inv = it->op == REL_NEQ;
	if (c->family == NFPROTO_IPV6) {
		return item_is_payload(it, NFT_PAYLOAD_NETWORK_HEADER, 0, 2) && it->len == 2 &&
		       it->masked && memcmp(it->xor, zero, 2) == 0 &&
		       tc_from_word(it->mask, mask) && tc_from_word(it->val, value);
	}
	if (!item_is_payload(it, NFT_PAYLOAD_NETWORK_HEADER, TOS_OFFSET, 1) || it->len != 1 ||
	    (it->masked && it->xor[0]))
		return false;
	*value = it->val[0];
	*mask = it->masked ? it->mask[0] : 0xff;
	return true;
}

/* the byte = (byte & ~mask) ^ value */
static void lin_tc_write(struct lin_ctx *c, uint8_t value, uint8_t mask)
{
	uint8_t keep[2], set[2];

	if (c->family == NFPROTO_IPV6) {
		/* version and flow label stay */
		tc_word((uint8_t)~mask, keep);
		keep[0] |= 0xf0;
		keep[1] |= 0x0f;
		tc_word(value, set);
		lin_nh_word_write(c, 0, keep, set, false);
		return;
	}
	keep[0] = 0xff;		/* version and header length */
	keep[1] = (uint8_t)~mask;
	set[0] = 0;
	set[1] = value;
	lin_nh_word_write(c, 0, keep, set, true);
}

static bool tc_write_item(const struct delin_ctx *c, const struct item *it, uint8_t *value,
			  uint8_t *mask)
{
	uint8_t k[2], s[2], keep;

	if (c->family == NFPROTO_IPV6) {
		if (!delin_nh_word_write(it, 0, k, s, false) || (k[0] & 0xf0) != 0xf0 ||
		    (k[1] & 0x0f) != 0x0f)
			return false;
		k[0] &= 0x0f;
		k[1] &= 0xf0;
		if (!tc_from_word(k, &keep) || !tc_from_word(s, value))
			return false;
		*mask = (uint8_t)~keep;
		return true;
	}
	if (!delin_nh_word_write(it, 0, k, s, true) || k[0] != 0xff || s[0] != 0)
		return false;
	*mask = (uint8_t)~k[1];
	*value = s[1];
	return true;
}

/* --compat: one of the four blobs pictured below, n bytes at b. */
static enum compat_res blob_out(struct xt_out *out, uint32_t rev, const uint8_t *b, size_t n)
{
	out->rev = rev;
	out->len = XT_ALIGN(n);
	memcpy(out->info, b, n);
	return COMPAT_XT;
}

/* ---- -m dscp ---- */

struct dscp_data {
	uint8_t dscp;
	bool inv;
};

enum { O_DSCP, O_DSCP_CLASS };

static const struct ext_opt dscp_opts[] = {
	{ .name = "dscp", .id = O_DSCP, .type = OT_UINT, .flags = OF_INV, .max = 63,
	  OPT_DST(struct dscp_data, dscp), OPT_INVDST(struct dscp_data, inv),
	  .excl = 1 << O_DSCP_CLASS,
	  .help_arg = "value", .help = "DSCP field equals value (0 to 63)" },
	{ .name = "dscp-class", .id = O_DSCP_CLASS, .type = OT_ENUM,
	  .flags = OF_INV | OF_NOCASE | OF_PREFIX,
	  .syms = dscp_classes, .bad = "Invalid DSCP value `%s'",
	  OPT_DST(struct dscp_data, dscp), OPT_INVDST(struct dscp_data, inv),
	  .excl = 1 << O_DSCP, .help_arg = "class",
	  .help = "DSCP of a DiffServ class (BE, EF, AFxx, CSx)" },
	{ .name = NULL },
};

static int dscp_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	return seen ? 0 : err_param(ctx->err, "DSCP match: Parameter --dscp is required");
}

static void dscp_linearize(struct lin_ctx *c, const void *data)
{
	const struct dscp_data *d = data;

	lin_tc_test(c, (uint8_t)(d->dscp << DSCP_SHIFT), DSCP_MASK, d->inv);
}

static bool is_dscp_form(uint8_t value, uint8_t mask)
{
	return mask == DSCP_MASK && !(value & ~DSCP_MASK);
}

/*
 * The reference's blobs, revision 0 for dscp (struct xt_dscp_info) and
 * DSCP (struct xt_DSCP_info), revision 1 for tos (struct
 * xt_tos_match_info) and TOS (struct xt_tos_target_info):
 *
 *   dscp  0      1        2        TOS  0      1      2
 *         +------+--------+             +------+------+
 *         | dscp | invert |             |value | mask |
 *         +------+--------+             +------+------+
 *   tos   0      1       2        3     DSCP 0      1
 *         +------+-------+--------+          +------+
 *         | mask | value | invert |          | dscp |
 *         +------+-------+--------+          +------+
 */
static enum compat_res dscp_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct dscp_data *d = data;
	const uint8_t b[2] = { d->dscp, d->inv };

	(void)c;
	return blob_out(out, 0, b, sizeof(b));
}

static bool dscp_delinearize(struct delin_ctx *c, void *data)
{
	struct dscp_data *d = data;
	struct item *it = delin_peek(c);
	uint8_t value, mask;
	const uint8_t *b;

	if (tc_test_item(c, it, &value, &mask, &d->inv)) {
		if (!is_dscp_form(value, mask))
			return false;
		d->dscp = value >> DSCP_SHIFT;
		c->pos++;
		return true;
	}
	b = xt_blob(it, false, "dscp", 0, 2);
	if (!b || b[0] > 63)
		return false;
	d->dscp = b[0];
	d->inv = b[1] != 0;
	c->pos++;
	return true;
}

static void dscp_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct dscp_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " DSCP match %s0x%02x", d->inv ? "!" : "", d->dscp);
}

static void dscp_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct dscp_data *d = data;

	(void)r;
	sb_printf(out, "%s --dscp 0x%02x", d->inv ? " !" : "", d->dscp);
}

const struct extension ext_dscp = {
	.name = "dscp",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct dscp_data),
	.opts = dscp_opts,
	.check = dscp_check,
	.linearize = dscp_linearize,
	.compat = dscp_compat,
	.delinearize = dscp_delinearize,
	.print = dscp_print,
	.save = dscp_save,
};

/* ---- -m tos ---- */

struct tos_data {
	uint8_t value, mask;
	bool inv;
};

enum { O_TOS };

static const struct ext_opt tos_opts[] = {
	{ .name = "tos", .has_arg = true, .id = O_TOS, .flags = OF_INV | OF_MAND,
	  OPT_INVDST(struct tos_data, inv), .help_arg = "value[/mask]",
	  .help = "TOS ANDed with mask equals value (or a TOS name)" },
	{ .name = NULL },
};

static int tos_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct tos_data *d = data;

	(void)id;
	(void)inv;
	return parse_tos(ctx->err, arg, &d->value, &d->mask);
}

static void tos_linearize(struct lin_ctx *c, const void *data)
{
	const struct tos_data *d = data;

	lin_tc_test(c, d->value, d->mask, d->inv);
}

static enum compat_res tos_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct tos_data *d = data;
	const uint8_t b[3] = { d->mask, d->value, d->inv };

	(void)c;
	return blob_out(out, 1, b, sizeof(b));
}

static bool tos_delinearize(struct delin_ctx *c, void *data)
{
	struct tos_data *d = data;
	struct item *it = delin_peek(c);
	const uint8_t *b;

	if (tc_test_item(c, it, &d->value, &d->mask, &d->inv)) {
		if (!c->listed && is_dscp_form(d->value, d->mask))
			return false;
		c->pos++;
		return true;
	}
	b = xt_blob(it, false, "tos", 1, 3);
	if (!b)
		return false;
	d->mask = b[0];
	d->value = b[1];
	d->inv = b[2] != 0;
	c->pos++;
	return true;
}

static void tos_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct tos_data *d = data;
	const char *name = fmt & FMT_NUMERIC ? NULL : tos_name(d->value, d->mask);

	(void)r;
	sb_add(out, d->inv ? " tos match!" : " tos match");
	if (name)
		sb_printf(out, " %s", name);
	else
		sb_printf(out, "0x%02x/0x%02x", d->value, d->mask);
}

static void tos_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct tos_data *d = data;

	(void)r;
	sb_printf(out, "%s --tos 0x%02x/0x%02x", d->inv ? " !" : "", d->value, d->mask);
}

const struct extension ext_tos = {
	.name = "tos",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct tos_data),
	.opts = tos_opts,
	.parse = tos_parse,
	.linearize = tos_linearize,
	.compat = tos_compat,
	.delinearize = tos_delinearize,
	.print = tos_print,
	.save = tos_save,
};

/* ---- -j DSCP ---- */

struct dscp_target {
	uint8_t dscp;
};

enum { O_SET_DSCP, O_SET_DSCP_CLASS };

static const struct ext_opt dscp_target_opts[] = {
	{ .name = "set-dscp", .id = O_SET_DSCP, .type = OT_UINT, .flags = OF_NOINV_XT, .max = 63,
	  OPT_DST(struct dscp_target, dscp), .excl = 1 << O_SET_DSCP_CLASS,
	  .help_arg = "value", .help = "write value (0 to 63) into the DSCP field" },
	{ .name = "set-dscp-class", .id = O_SET_DSCP_CLASS, .type = OT_ENUM,
	  .flags = OF_NOINV_XT | OF_NOCASE | OF_PREFIX, .syms = dscp_classes,
	  .bad = "Invalid DSCP value `%s'", OPT_DST(struct dscp_target, dscp),
	  .excl = 1 << O_SET_DSCP,
	  .help_arg = "class", .help = "write the DSCP of a DiffServ class (EF, AF11, ...)" },
	{ .name = NULL },
};

static int dscp_target_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "DSCP target: Parameter --set-dscp is required");
	if (strcmp(ctx->table, "mangle") != 0)
		return xt_err_table(ctx, ctx->chain);
	return 0;
}

static void dscp_target_linearize(struct lin_ctx *c, const void *data)
{
	const struct dscp_target *d = data;

	lin_tc_write(c, (uint8_t)(d->dscp << DSCP_SHIFT), DSCP_MASK);
}

static enum compat_res dscp_target_compat(struct lin_ctx *c, const void *data,
					  struct xt_out *out)
{
	const struct dscp_target *d = data;

	(void)c;
	return blob_out(out, 0, &d->dscp, 1);
}

static bool dscp_target_delinearize(struct delin_ctx *c, void *data)
{
	struct dscp_target *d = data;
	struct item *it = delin_peek(c);
	uint8_t value, mask;
	const uint8_t *b;

	if (tc_write_item(c, it, &value, &mask)) {
		if (!is_dscp_form(value, mask))
			return false;
		d->dscp = value >> DSCP_SHIFT;
		c->pos++;
		return true;
	}
	b = xt_blob(it, true, "DSCP", 0, 1);
	if (!b || b[0] > 63)
		return false;
	d->dscp = b[0];
	c->pos++;
	return true;
}

static void dscp_target_print(struct strbuf *out, const void *data, const struct rule *r,
			      unsigned fmt)
{
	const struct dscp_target *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " DSCP set 0x%02x", d->dscp);
}

static void dscp_target_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct dscp_target *d = data;

	(void)r;
	sb_printf(out, " --set-dscp 0x%02x", d->dscp);
}

const struct extension ext_DSCP = {
	.name = "DSCP",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct dscp_target),
	.opts = dscp_target_opts,
	.check = dscp_target_check,
	.linearize = dscp_target_linearize,
	.compat = dscp_target_compat,
	.delinearize = dscp_target_delinearize,
	.print = dscp_target_print,
	.save = dscp_target_save,
};

/* ---- -j TOS ---- */

/* new = (old & ~mask) ^ value */
struct tos_target {
	uint8_t value, mask;
};

enum { O_SET_TOS, O_AND_TOS, O_OR_TOS, O_XOR_TOS };

#define TOS_ALL (1 << O_SET_TOS | 1 << O_AND_TOS | 1 << O_OR_TOS | 1 << O_XOR_TOS)
#define TOS_OPT(n, i, a, h) \
	{ .name = n, .id = i, .has_arg = true, .flags = OF_NOINV_XT, \
	  .excl = TOS_ALL & ~(1 << (i)), .help_arg = a, .help = h }

static const struct ext_opt tos_target_opts[] = {
	TOS_OPT("set-tos", O_SET_TOS, "value[/mask]", "TOS = (TOS & ~mask) ^ value, or a TOS name"),
	TOS_OPT("and-tos", O_AND_TOS, "bits", "TOS = TOS & bits"),
	TOS_OPT("or-tos", O_OR_TOS, "bits", "TOS = TOS | bits"),
	TOS_OPT("xor-tos", O_XOR_TOS, "bits", "TOS = TOS ^ bits"),
	{ .name = NULL },
};

static int tos_target_parse(struct parse_ctx *ctx, void *data, int id, const char *arg,
			    bool inv)
{
	struct tos_target *d = data;
	uint64_t v;

	(void)inv;
	if (id == O_SET_TOS)
		return parse_tos(ctx->err, arg, &d->value, &d->mask);
	if (xt_parse_uint(ctx->err, "TOS", tos_target_opts[id].name, arg, 0, 255, &v) < 0)
		return -1;
	switch (id) {
	case O_AND_TOS:
		d->value = 0;
		d->mask = (uint8_t)~v;
		break;
	case O_OR_TOS:
		d->value = d->mask = (uint8_t)v;
		break;
	case O_XOR_TOS:
		d->value = (uint8_t)v;
		d->mask = 0;
		break;
	}
	return 0;
}

static int tos_target_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "TOS: An action is required");
	if (strcmp(ctx->table, "mangle") != 0)
		return xt_err_table(ctx, ctx->chain);
	return 0;
}

static void tos_target_linearize(struct lin_ctx *c, const void *data)
{
	const struct tos_target *d = data;

	lin_tc_write(c, d->value, d->mask);
}

static enum compat_res tos_target_compat(struct lin_ctx *c, const void *data,
					 struct xt_out *out)
{
	const struct tos_target *d = data;
	const uint8_t b[2] = { d->value, d->mask };

	(void)c;
	return blob_out(out, 1, b, sizeof(b));
}

static bool tos_target_delinearize(struct delin_ctx *c, void *data)
{
	struct tos_target *d = data;
	struct item *it = delin_peek(c);
	uint8_t value, mask;
	const uint8_t *b;

	if (tc_write_item(c, it, &value, &mask)) {
		if (is_dscp_form(value, mask))
			return false;
		d->value = value;
		d->mask = mask;
		c->pos++;
		return true;
	}
	b = xt_blob(it, true, "TOS", 1, 2);
	if (!b)
		return false;
	d->value = b[0];
	d->mask = b[1];
	c->pos++;
	return true;
}

static void tos_target_print(struct strbuf *out, const void *data, const struct rule *r,
			     unsigned fmt)
{
	const struct tos_target *d = data;
	const char *name = tos_name(d->value, d->mask);

	(void)r;
	if (fmt & FMT_NUMERIC)
		sb_printf(out, " TOS set 0x%02x/0x%02x", d->value, d->mask);
	else if (name)
		sb_printf(out, "  TOS set%s", name);
	else if (d->value == 0)
		sb_printf(out, " TOS and 0x%02x", (uint8_t)~d->mask);
	else if (d->value == d->mask)
		sb_printf(out, " TOS or 0x%02x", d->value);
	else if (d->mask == 0)
		sb_printf(out, " TOS xor 0x%02x", d->value);
	else
		sb_printf(out, " TOS set 0x%02x/0x%02x", d->value, d->mask);
}

static void tos_target_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct tos_target *d = data;

	(void)r;
	sb_printf(out, " --set-tos 0x%02x/0x%02x", d->value, d->mask);
}

const struct extension ext_TOS = {
	.name = "TOS",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct tos_target),
	.opts = tos_target_opts,
	.parse = tos_target_parse,
	.check = tos_target_check,
	.linearize = tos_target_linearize,
	.compat = tos_target_compat,
	.delinearize = tos_target_delinearize,
	.print = tos_target_print,
	.save = tos_target_save,
};
