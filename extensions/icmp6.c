/* -m icmp6 --icmpv6-type: the ICMPv6 type byte, or type and code.
 * Loaded by itself after -p ipv6-icmp (or icmpv6, or 58) in ip6tables.
 *
 *   type        payload th+0 (1 byte); cmp eq|neq
 *   type/code   payload th+0 (2 bytes); cmp eq|neq
 *   code range  payload th+0 (2 bytes); range eq|neq (read only: the
 *               command line gives one code or all of them)
 *
 * The reference writes an xt icmp6 blob: read below as well, and written
 * by --compat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "icmpname.h"
#include "num.h"
#include "util.h"
#include "xtopt.h"

#define IPPROTO_ICMPV6_NUM 58

struct icmp6_data {
	uint8_t type;
	uint8_t code_min, code_max;
	bool inv;
};

/* Names in the reference's order: a prefix is looked up in this order,
 * and -L prints the first name that fits. */
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

enum { O_TYPE };

static const struct ext_opt icmp6_opts[] = {
	{ .name = "icmpv6-type", .has_arg = true, .id = O_TYPE, .flags = OF_INV,
	  .help_arg = "type[/code]", .help = "the ICMPv6 type by name (listed below) or number" },
	{ .name = NULL },
};

static void set_from(struct icmp6_data *d, const struct icmp_name *n)
{
	d->type = n->type;
	d->code_min = n->code_min;
	d->code_max = n->code_max;
}

/* A name, or a unique case-insensitive prefix of one. Returns 1 when
 * found, 0 when no name fits, -1 (error set) when the prefix is ambiguous. */
static int lookup_name(struct parse_ctx *ctx, struct icmp6_data *d, const char *arg)
{
	const struct icmp_name *first = NULL;
	size_t i, n = strlen(arg);

	for (i = 0; i < ARRAY_SIZE(icmp6_names); i++) {
		if (strcasecmp(icmp6_names[i].name, arg) == 0) {
			set_from(d, &icmp6_names[i]);
			return 1;
		}
	}
	for (i = 0; i < ARRAY_SIZE(icmp6_names); i++) {
		if (strncasecmp(icmp6_names[i].name, arg, n) != 0)
			continue;
		if (first)
			return err_param(ctx->err, "Ambiguous ICMPv6 type `%s': `%s' or `%s'?",
					 arg, first->name, icmp6_names[i].name);
		first = &icmp6_names[i];
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

static int icmp6_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct icmp6_data *d = data;
	const char *end;
	int found;

	(void)id;
	d->inv = inv;
	found = lookup_name(ctx, d, arg);
	if (found)
		return found < 0 ? -1 : 0;
	if (!read_byte(arg, &d->type, &end))
		return err_param(ctx->err, "Unknown ICMPv6 type `%s'", arg);
	d->code_min = 0;
	d->code_max = 0xff;
	if (*end == '/') {
		if (!read_byte(end + 1, &d->code_min, &end))
			return err_param(ctx->err, "Unknown ICMPv6 code `%s'", arg);
		d->code_max = d->code_min;
	}
	if (*end)
		return err_param(ctx->err, "unknown character %c", *end);
	return 0;
}

static bool proto_is_icmp6(const struct rule *r)
{
	return r->has_proto && r->proto == IPPROTO_ICMPV6_NUM && !(r->inv & INV_PROTO);
}

static int icmp6_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return xt_err_mandatory(ctx->err, "icmp6", "icmpv6-type");
	/* the kernel refuses the reference's icmp6 match on any other
	 * protocol; say what the reference then says */
	if (!proto_is_icmp6(ctx->rule))
		return xt_err_table(ctx, ctx->chain);
	return 0;
}

static void icmp6_linearize(struct lin_ctx *c, const void *data)
{
	const struct icmp6_data *d = data;
	uint8_t lo[2] = { d->type, d->code_min }, hi[2] = { d->type, d->code_max };

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
 * The reference's blob, struct ip6t_icmp, revision 0:
 *
 *   0      1          2          3          4
 *   +------+----------+----------+----------+
 *   | type | code min | code max | invflags |   invflags 0x01: '!'
 *   +------+----------+----------+----------+
 */
struct icmp6_blob {
	uint8_t type, code[2], invflags;
};

static enum compat_res icmp6_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct icmp6_data *d = data;
	struct icmp6_blob b = {
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

static bool icmp6_from_blob(struct delin_ctx *c, struct icmp6_data *d, const struct item *it)
{
	const void *p = xt_blob(it, false, "icmp6", 0, sizeof(struct icmp6_blob));
	struct icmp6_blob b;

	if (!p)
		return false;
	memcpy(&b, p, sizeof(b));
	if (b.invflags & ~0x01)
		return false;
	d->type = b.type;
	d->code_min = b.code[0];
	d->code_max = b.code[1];
	d->inv = b.invflags & 0x01;
	c->pos++;
	return true;
}

static bool icmp6_delinearize(struct delin_ctx *c, void *data)
{
	struct icmp6_data *d = data;
	struct item *it = delin_peek(c);

	if (!proto_is_icmp6(c->rule) || !it)
		return false;
	if (icmp6_from_blob(c, d, it))
		return true;
	if (it->masked)
		return false;
	if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1) && it->len == 1 &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		d->type = it->val[0];
		d->code_min = 0;
		d->code_max = 0xff;
		d->inv = it->op == REL_NEQ;
	} else if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2) && it->len == 2 &&
		   (it->op == REL_EQ || it->op == REL_NEQ)) {
		d->type = it->val[0];
		d->code_min = d->code_max = it->val[1];
		d->inv = it->op == REL_NEQ;
	} else if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2) && it->len == 2 &&
		   (it->op == REL_RANGE || it->op == REL_NRANGE) && it->val[0] == it->hi[0]) {
		d->type = it->val[0];
		d->code_min = it->val[1];
		d->code_max = it->hi[1];
		d->inv = it->op == REL_NRANGE;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static const char *icmp6_name_of(const struct icmp6_data *d)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(icmp6_names); i++)
		if (icmp6_names[i].type == d->type && icmp6_names[i].code_min == d->code_min &&
		    icmp6_names[i].code_max == d->code_max)
			return icmp6_names[i].name;
	return NULL;
}

static void icmp6_print(struct strbuf *out, const void *data, const struct rule *r,
			unsigned fmt)
{
	const struct icmp6_data *d = data;
	const char *name = fmt & FMT_NUMERIC ? NULL : icmp6_name_of(d);

	(void)r;
	if (name) {
		sb_printf(out, " ipv6-icmp %s%s", d->inv ? "!" : "", name);
		return;
	}
	sb_printf(out, " ipv6-icmp%stype %u", d->inv ? " !" : "", d->type);
	if (d->code_min == d->code_max)
		sb_printf(out, " code %u", d->code_min);
	else if (d->code_min != 0 || d->code_max != 0xff)
		sb_printf(out, " codes %u-%u", d->code_min, d->code_max);
}

static void icmp6_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct icmp6_data *d = data;

	(void)r;
	sb_printf(out, "%s --icmpv6-type %u", d->inv ? " !" : "", d->type);
	if (d->code_min != 0 || d->code_max != 0xff)
		sb_printf(out, "/%u", d->code_min);
}

static void icmp6_help(struct strbuf *out)
{
	icmp_names_help(out, "Valid ICMPv6 Types:", icmp6_names, ARRAY_SIZE(icmp6_names));
}

const struct extension ext_icmp6 = {
	.name = "icmp6",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct icmp6_data),
	.opts = icmp6_opts,
	.parse = icmp6_parse,
	.check = icmp6_check,
	.linearize = icmp6_linearize,
	.compat = icmp6_compat,
	.delinearize = icmp6_delinearize,
	.print = icmp6_print,
	.save = icmp6_save,
	.help_title = "icmpv6",
	.help = icmp6_help,
};
