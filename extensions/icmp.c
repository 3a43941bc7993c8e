/* -m icmp --icmp-type and -m icmp6 --icmpv6-type: the ICMP or ICMPv6 type
 * byte, or type and code; one implementation with a description for each.
 * icmp6 is loaded by itself after -p ipv6-icmp (or icmpv6, or 58) in
 * ip6tables, icmp after -p icmp in iptables.
 *
 *   type        payload th+0 (1 byte); cmp eq|neq
 *   type/code   payload th+0 (2 bytes); cmp eq|neq
 *   code range  payload th+0 (2 bytes); range eq|neq (read only: the
 *               command line gives one code or all of them)
 *   icmp any    payload th+0 (1 byte); range 0-255
 *
 * The reference writes an xt icmp or icmp6 blob: read below as well, and
 * written by --compat.
 */
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "num.h"
#include "util.h"
#include "xtopt.h"

/* A name for a type and a range of its codes (0-255: every code). */
struct icmp_name {
	const char *name;
	uint8_t type, code_min, code_max;
};

/* What tells icmp and icmp6 apart. */
struct icmp_desc {
	uint8_t proto;		/* the -p the match needs */
	const char *what;	/* "ICMP", "ICMPv6" in messages */
	const char *list_name;	/* -L: "icmp", "ipv6-icmp" */
	const char *opts_name;	/* the option, for -S */
	bool has_any;		/* type 255, all codes, is "any" (IPv4) */
	/* in the reference's order: a prefix is looked up in this order, and
	 * -L prints the first name that fits */
	const struct icmp_name *names;
	size_t nnames;
};

static const struct icmp_desc *desc_of(const struct extension *ext)
{
	return ext->desc;
}

static const struct icmp_desc icmp_desc, icmp6_desc;

/* print and save know the rule, not the extension: icmp is the IPv4 twin */
static const struct icmp_desc *family_desc(const struct rule *r)
{
	return r->family == NFPROTO_IPV6 ? &icmp6_desc : &icmp_desc;
}

struct icmp_data {
	uint8_t type;
	uint8_t code_min, code_max;
	bool inv;
};

static bool is_any(const struct icmp_desc *desc, const struct icmp_data *d)
{
	return desc->has_any && d->type == 0xff && d->code_min == 0 && d->code_max == 0xff;
}

static void set_from(struct icmp_data *d, const struct icmp_name *n)
{
	d->type = n->type;
	d->code_min = n->code_min;
	d->code_max = n->code_max;
}

/* A name, or a unique case-insensitive prefix of one. Returns 1 when
 * found, 0 when no name fits, -1 (error set) when the prefix is ambiguous. */
static int lookup_name(struct parse_ctx *ctx, struct icmp_data *d, const char *arg)
{
	const struct icmp_desc *desc = desc_of(ctx->ext);
	const struct icmp_name *first = NULL;
	size_t i, n = strlen(arg);

	for (i = 0; i < desc->nnames; i++) {
		if (strcasecmp(desc->names[i].name, arg) == 0) {
			set_from(d, &desc->names[i]);
			return 1;
		}
	}
	for (i = 0; i < desc->nnames; i++) {
		if (strncasecmp(desc->names[i].name, arg, n) != 0)
			continue;
		if (first)
			return err_param(ctx->err, "Ambiguous %s type `%s': `%s' or `%s'?",
					 desc->what, arg, first->name, desc->names[i].name);
		first = &desc->names[i];
	}
	if (!first)
		return 0;
	set_from(d, first);
	return 1;
}

/* A number as the reference's integer options read it, at most 255. */
static bool read_byte(const char *s, uint8_t *out, const char **end)
{
	uint64_t v;

	if (!num_uint_prefix(s, 0, UINT8_MAX, &v, end))
		return false;
	*out = (uint8_t)v;
	return true;
}

/* "NAME" or "TYPE[/CODE]"; the walker keeps the '!' */
static int icmp_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct icmp_data *d = data;
	const char *what = desc_of(ctx->ext)->what;
	const char *end;
	int found;

	(void)id;
	(void)inv;
	found = lookup_name(ctx, d, arg);
	if (found)
		return found < 0 ? -1 : 0;
	if (!read_byte(arg, &d->type, &end))
		return err_param(ctx->err, "Unknown %s type `%s'", what, arg);
	d->code_min = 0;
	d->code_max = 0xff;
	if (*end == '/') {
		if (!read_byte(end + 1, &d->code_min, &end))
			return err_param(ctx->err, "Unknown %s code `%s'", what, arg);
		d->code_max = d->code_min;
	}
	if (*end)
		return err_param(ctx->err, "unknown character %c", *end);
	return 0;
}

static bool proto_is(const struct rule *r, uint8_t proto)
{
	return r->has_proto && r->proto == proto && !(r->inv & INV_PROTO);
}

static int icmp_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	(void)seen;
	/* the kernel refuses the reference's match on any other protocol;
	 * say what the reference then says */
	if (!proto_is(ctx->rule, desc_of(ctx->ext)->proto))
		return xt_err_table(ctx, ctx->chain);
	return 0;
}

static void icmp_linearize(struct lin_ctx *c, const void *data)
{
	const struct icmp_data *d = data;
	uint8_t lo[2] = { d->type, d->code_min }, hi[2] = { d->type, d->code_max };

	/* any: the type byte in 0-255, which lo[1] and hi[1] are */
	if (is_any(desc_of(c->ext), d)) {
		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		lin_range(c, d->inv, &lo[1], &hi[1], 1);
		return;
	}
	if (d->code_min == 0 && d->code_max == 0xff) {
		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &d->type, 1);
		return;
	}
	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
	if (d->code_min == d->code_max)
		lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, lo, 2);
	else
		lin_range(c, d->inv, lo, hi, 2);
}

/*
 * The reference's blob, struct ipt_icmp or struct ip6t_icmp, revision 0:
 *
 *   0      1          2          3          4
 *   +------+----------+----------+----------+
 *   | type | code min | code max | invflags |   invflags 0x01: '!'
 *   +------+----------+----------+----------+
 */
struct icmp_blob {
	uint8_t type, code[2], invflags;
};

static enum compat_res icmp_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct icmp_data *d = data;
	struct icmp_blob b = {
		.type = d->type,
		.code = { d->code_min, d->code_max },
		.invflags = d->inv ? 0x01 : 0,
	};

	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool icmp_from_blob(struct delin_ctx *c, struct icmp_data *d, const struct item *it)
{
	const void *p = xt_blob(it, false, c->ext->name, 0, sizeof(struct icmp_blob));
	struct icmp_blob b;

	if (!p)
		return false;
	memcpy(&b, p, sizeof(b));
	/* the kernel refuses other flags */
	if (b.invflags & ~0x01)
		return false;
	d->type = b.type;
	d->code_min = b.code[0];
	d->code_max = b.code[1];
	d->inv = b.invflags & 0x01;
	c->pos++;
	return true;
}

/* Our native forms at it, or the reference's nft ones. */
static bool icmp_from_payload(struct delin_ctx *c, struct icmp_data *d, const struct item *it)
{
	bool eq = it->op == REL_EQ || it->op == REL_NEQ;
	bool range = it->op == REL_RANGE || it->op == REL_NRANGE;

	if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1) && it->len == 1 && eq) {
		d->type = it->val[0];
		d->code_min = 0;
		d->code_max = 0xff;
	} else if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1) && it->len == 1 &&
		   range && desc_of(c->ext)->has_any && it->val[0] == 0 && it->hi[0] == 0xff) {
		d->type = 0xff;
		d->code_min = 0;
		d->code_max = 0xff;
	} else if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2) && it->len == 2 && eq) {
		d->type = it->val[0];
		d->code_min = d->code_max = it->val[1];
	} else if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2) && it->len == 2 &&
		   range && it->val[0] == it->hi[0]) {
		d->type = it->val[0];
		d->code_min = it->val[1];
		d->code_max = it->hi[1];
	} else {
		return false;
	}
	d->inv = it->op == REL_NEQ || it->op == REL_NRANGE;
	c->pos++;
	return true;
}

static bool icmp_delinearize(struct delin_ctx *c, void *data)
{
	struct icmp_data *d = data;
	struct item *it = delin_peek(c);

	if (!proto_is(c->rule, desc_of(c->ext)->proto) || !it)
		return false;
	if (icmp_from_blob(c, d, it))
		return true;
	return !it->masked && icmp_from_payload(c, d, it);
}

static const char *name_of(const struct icmp_desc *desc, const struct icmp_data *d)
{
	size_t i;

	for (i = 0; i < desc->nnames; i++)
		if (desc->names[i].type == d->type && desc->names[i].code_min == d->code_min &&
		    desc->names[i].code_max == d->code_max)
			return desc->names[i].name;
	return NULL;
}

static void icmp_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct icmp_desc *desc = family_desc(r);
	const struct icmp_data *d = data;
	const char *name = fmt & FMT_NUMERIC ? NULL : name_of(desc, d);

	if (name) {
		sb_printf(out, " %s %s%s", desc->list_name, d->inv ? "!" : "", name);
		return;
	}
	sb_printf(out, " %s%stype %u", desc->list_name, d->inv ? " !" : "", d->type);
	if (d->code_min == d->code_max)
		sb_printf(out, " code %u", d->code_min);
	else if (d->code_min != 0 || d->code_max != 0xff)
		sb_printf(out, " codes %u-%u", d->code_min, d->code_max);
}

static void icmp_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct icmp_desc *desc = family_desc(r);
	const struct icmp_data *d = data;

	sb_printf(out, "%s --%s", d->inv ? " !" : "", desc->opts_name);
	if (is_any(desc, d)) {
		sb_add(out, " any");
		return;
	}
	sb_printf(out, " %u", d->type);
	if (d->code_min != 0 || d->code_max != 0xff)
		sb_printf(out, "/%u", d->code_min);
}

static bool same_codes(const struct icmp_name *a, const struct icmp_name *b)
{
	return a->type == b->type && a->code_min == b->code_min && a->code_max == b->code_max;
}

/* The list -h ends with, in the reference's layout: the title line, then
 * one type per line in the table's order, a name for one code indented
 * by three blanks, and the later names for the same type and codes
 * after it in parentheses. */
static void names_help(struct strbuf *out, const struct icmp_desc *desc)
{
	const struct icmp_name *names = desc->names;
	size_t i, j, n = desc->nnames;

	sb_printf(out, "Valid %s Types:\n", desc->what);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && !same_codes(&names[j], &names[i]); j++)
			;
		if (j < i)
			continue;	/* an alias, told with the first name */
		sb_printf(out, "%s%s", names[i].code_min == names[i].code_max ? "   " : "",
			  names[i].name);
		for (j = i + 1; j < n; j++)
			if (same_codes(&names[j], &names[i]))
				sb_printf(out, " (%s)", names[j].name);
		sb_add(out, "\n");
	}
}

static void icmp_help(struct strbuf *out)
{
	names_help(out, &icmp_desc);
}

static void icmp6_help(struct strbuf *out)
{
	names_help(out, &icmp6_desc);
}

/* ---- the two descriptions ---- */

static const struct icmp_name icmp_names[] = {
	{ "any", 0xff, 0, 0xff },
	{ "echo-reply", 0, 0, 0xff },
	{ "destination-unreachable", 3, 0, 0xff },
	{ "network-unreachable", 3, 0, 0 },
	{ "host-unreachable", 3, 1, 1 },
	{ "protocol-unreachable", 3, 2, 2 },
	{ "port-unreachable", 3, 3, 3 },
	{ "fragmentation-needed", 3, 4, 4 },
	{ "source-route-failed", 3, 5, 5 },
	{ "network-unknown", 3, 6, 6 },
	{ "host-unknown", 3, 7, 7 },
	{ "network-prohibited", 3, 9, 9 },
	{ "host-prohibited", 3, 10, 10 },
	{ "TOS-network-unreachable", 3, 11, 11 },
	{ "TOS-host-unreachable", 3, 12, 12 },
	{ "communication-prohibited", 3, 13, 13 },
	{ "host-precedence-violation", 3, 14, 14 },
	{ "precedence-cutoff", 3, 15, 15 },
	{ "source-quench", 4, 0, 0xff },
	{ "redirect", 5, 0, 0xff },
	{ "network-redirect", 5, 0, 0 },
	{ "host-redirect", 5, 1, 1 },
	{ "TOS-network-redirect", 5, 2, 2 },
	{ "TOS-host-redirect", 5, 3, 3 },
	{ "echo-request", 8, 0, 0xff },
	{ "router-advertisement", 9, 0, 0xff },
	{ "router-solicitation", 10, 0, 0xff },
	{ "time-exceeded", 11, 0, 0xff },
	{ "ttl-zero-during-transit", 11, 0, 0 },
	{ "ttl-zero-during-reassembly", 11, 1, 1 },
	{ "parameter-problem", 12, 0, 0xff },
	{ "ip-header-bad", 12, 0, 0 },
	{ "required-option-missing", 12, 1, 1 },
	{ "timestamp-request", 13, 0, 0xff },
	{ "timestamp-reply", 14, 0, 0xff },
	{ "address-mask-request", 17, 0, 0xff },
	{ "address-mask-reply", 18, 0, 0xff },
	/* aliases, accepted but never printed */
	{ "pong", 0, 0, 0xff },
	{ "ping", 8, 0, 0xff },
	{ "ttl-exceeded", 11, 0, 0xff },
};

static const struct icmp_name icmp6_names[] = {
	{ "destination-unreachable", 1, 0, 0xff },
	{ "no-route", 1, 0, 0 },
	{ "communication-prohibited", 1, 1, 1 },
	{ "beyond-scope", 1, 2, 2 },
	{ "address-unreachable", 1, 3, 3 },
	{ "port-unreachable", 1, 4, 4 },
	{ "failed-policy", 1, 5, 5 },
	{ "reject-route", 1, 6, 6 },
	{ "packet-too-big", 2, 0, 0xff },
	{ "time-exceeded", 3, 0, 0xff },
	{ "ttl-exceeded", 3, 0, 0xff },
	{ "ttl-zero-during-transit", 3, 0, 0 },
	{ "ttl-zero-during-reassembly", 3, 1, 1 },
	{ "parameter-problem", 4, 0, 0xff },
	{ "bad-header", 4, 0, 0 },
	{ "unknown-header-type", 4, 1, 1 },
	{ "unknown-option", 4, 2, 2 },
	{ "echo-request", 128, 0, 0xff },
	{ "ping", 128, 0, 0xff },
	{ "echo-reply", 129, 0, 0xff },
	{ "pong", 129, 0, 0xff },
	{ "router-solicitation", 133, 0, 0xff },
	{ "router-advertisement", 134, 0, 0xff },
	{ "neighbour-solicitation", 135, 0, 0xff },
	{ "neighbor-solicitation", 135, 0, 0xff },
	{ "neighbour-advertisement", 136, 0, 0xff },
	{ "neighbor-advertisement", 136, 0, 0xff },
	{ "redirect", 137, 0, 0xff },
};

static const struct icmp_desc icmp_desc = {
	.proto = 1,
	.what = "ICMP",
	.list_name = "icmp",
	.opts_name = "icmp-type",
	.has_any = true,
	.names = icmp_names,
	.nnames = ARRAY_SIZE(icmp_names),
};

static const struct icmp_desc icmp6_desc = {
	.proto = 58,
	.what = "ICMPv6",
	.list_name = "ipv6-icmp",
	.opts_name = "icmpv6-type",
	.names = icmp6_names,
	.nnames = ARRAY_SIZE(icmp6_names),
};

enum { O_TYPE };

static const struct ext_opt icmp_opts[] = {
	{ .name = "icmp-type", .id = O_TYPE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, OPT_INVDST(struct icmp_data, inv),
	  .help_arg = "type[/code]", .help = "the ICMP type by name (listed below) or number" },
	{ .name = NULL },
};

static const struct ext_opt icmp6_opts[] = {
	{ .name = "icmpv6-type", .id = O_TYPE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, OPT_INVDST(struct icmp_data, inv),
	  .help_arg = "type[/code]", .help = "the ICMPv6 type by name (listed below) or number" },
	{ .name = NULL },
};

#define ICMP_MATCH(name_, family, opts_, desc_)                                               \
	.name = name_, .kind = EXT_MATCH, .families = family, .size = sizeof(struct icmp_data), \
	.opts = opts_, .desc = desc_, .parse = icmp_parse, .check = icmp_check,                \
	.linearize = icmp_linearize, .compat = icmp_compat, .delinearize = icmp_delinearize,   \
	.print = icmp_print, .save = icmp_save

const struct extension ext_icmp = {
	ICMP_MATCH("icmp", EXT_IPV4, icmp_opts, &icmp_desc),
	.help = icmp_help,
};

const struct extension ext_icmp6 = {
	ICMP_MATCH("icmp6", EXT_IPV6, icmp6_opts, &icmp6_desc),
	.help_title = "icmpv6",
	.help = icmp6_help,
};
