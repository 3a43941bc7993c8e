/* -m icmp --icmp-type: the ICMP type byte, or type and code.
 *
 *   type        payload th+0 (1 byte); cmp eq|neq
 *   type/code   payload th+0 (2 bytes); cmp eq|neq
 *   any         payload th+0 (1 byte); range 0-255
 */
#include <stdio.h>
#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "expr.h"
#include "icmpname.h"
#include "num.h"
#include "parse.h"
#include "util.h"
#include "xtopt.h"

struct icmp_data {
	uint8_t type;
	uint8_t code_min, code_max;
	bool inv;
};

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

enum { O_TYPE };

static const struct ext_opt icmp_opts[] = {
	{ .name = "icmp-type", .has_arg = true, .id = O_TYPE, .flags = OF_INV,
	  .help_arg = "type[/code]", .help = "the ICMP type by name (listed below) or number" },
	{ .name = NULL },
};

/* A name or a prefix of one (any case); 1 if found, 0 if none, -1 if
 * the prefix names more than one type. */
static int lookup_name(struct parse_ctx *ctx, struct icmp_data *d, const char *arg)
{
	size_t i, j, n = strlen(arg);

	for (i = 0; i < ARRAY_SIZE(icmp_names); i++) {
		if (strncasecmp(icmp_names[i].name, arg, n) != 0)
			continue;
		/* a prefix must name one type only */
		for (j = i + 1; j < ARRAY_SIZE(icmp_names); j++)
			if (strncasecmp(icmp_names[j].name, arg, n) == 0 &&
			    strlen(icmp_names[i].name) != n &&
			    (icmp_names[j].type != icmp_names[i].type ||
			     icmp_names[j].code_min != icmp_names[i].code_min))
				return err_param(ctx->err, "Ambiguous ICMP type `%s': `%s' or `%s'?",
						 arg, icmp_names[i].name, icmp_names[j].name);
		d->type = icmp_names[i].type;
		d->code_min = icmp_names[i].code_min;
		d->code_max = icmp_names[i].code_max;
		return 1;
	}
	return 0;
}

static int icmp_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct icmp_data *d = data;
	const char *end;
	uint64_t t, c;
	int found;

	(void)id;
	d->inv = inv;
	found = lookup_name(ctx, d, arg);
	if (found)
		return found < 0 ? -1 : 0;
	/* "TYPE[/CODE]", numbers as the reference's integer options read them */
	if (!num_uint_prefix(arg, 0, UINT8_MAX, &t, &end))
		return err_param(ctx->err, "Unknown ICMP type `%s'", arg);
	d->type = (uint8_t)t;
	d->code_min = 0;
	d->code_max = 0xff;
	if (*end == '/') {
		if (!num_uint_prefix(end + 1, 0, UINT8_MAX, &c, &end))
			return err_param(ctx->err, "Unknown ICMP code `%s'", arg);
		d->code_min = d->code_max = (uint8_t)c;
	}
	if (*end)
		return err_param(ctx->err, "unknown character %c", *end);
	return 0;
}

static int icmp_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "icmp: option \"--icmp-type\" must be specified\n");
	if (!ctx->rule->has_proto || ctx->rule->proto != 1)
		return err_param(ctx->err, "ICMP match requires '-p icmp'");
	return 0;
}

static void icmp_linearize(struct lin_ctx *c, const void *data)
{
	const struct icmp_data *d = data;

	if (d->type == 0xff && d->code_min == 0 && d->code_max == 0xff) {
		uint8_t lo = 0, hi = 0xff;

		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		lin_range(c, d->inv, &lo, &hi, 1);
		return;
	}
	if (d->code_min == 0 && d->code_max == 0xff) {
		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &d->type, 1);
		return;
	}
	if (d->code_min == d->code_max) {
		uint8_t v[2] = { d->type, d->code_min };

		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
		lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, v, 2);
		return;
	}
	{
		uint8_t lo[2] = { d->type, d->code_min }, hi[2] = { d->type, d->code_max };

		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
		lin_range(c, d->inv, lo, hi, 2);
	}
}

/* The reference's xt blob, struct ipt_icmp (4 bytes):
 *
 *   +--------+----------+----------+----------+
 *   | type   | code min | code max | invflags |  invflags & 1: '!'
 *   +--------+----------+----------+----------+
 */
static bool icmp_from_blob(struct delin_ctx *c, struct icmp_data *d, const struct item *it)
{
	const uint8_t *b = xt_blob(it, false, "icmp", 0, 4);

	if (!b)
		return false;
	d->type = b[0];
	d->code_min = b[1];
	d->code_max = b[2];
	d->inv = b[3] & 1;
	c->pos++;
	return true;
}

/* --compat: the reference always writes the blob. */
static enum compat_res icmp_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct icmp_data *d = data;
	const uint8_t b[4] = { d->type, d->code_min, d->code_max, d->inv ? 1 : 0 };

	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, b, sizeof(b));
	return COMPAT_XT;
}

static bool icmp_delinearize(struct delin_ctx *c, void *data)
{
	struct icmp_data *d = data;
	struct item *it = delin_peek(c);

	if (it && it->kind == ITEM_STMT)
		return icmp_from_blob(c, d, it);

	if (!c->rule->has_proto || c->rule->proto != 1 || !it || it->masked)
		return false;
	if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1)) {
		if (it->op == REL_RANGE || it->op == REL_NRANGE) {
			if (it->val[0] != 0 || it->hi[0] != 0xff)
				return false;
			d->type = 0xff;
			d->code_min = 0;
			d->code_max = 0xff;
			d->inv = it->op == REL_NRANGE;
		} else if (it->op == REL_EQ || it->op == REL_NEQ) {
			d->type = it->val[0];
			d->code_min = 0;
			d->code_max = 0xff;
			d->inv = it->op == REL_NEQ;
		} else {
			return false;
		}
		c->pos++;
		return true;
	}
	if (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2)) {
		if (it->op == REL_EQ || it->op == REL_NEQ) {
			d->type = it->val[0];
			d->code_min = d->code_max = it->val[1];
			d->inv = it->op == REL_NEQ;
		} else if ((it->op == REL_RANGE || it->op == REL_NRANGE) &&
			   it->val[0] == it->hi[0]) {
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
	return false;
}

static void icmp_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct icmp_data *d = data;
	size_t i;

	(void)r;
	sb_add(out, " icmp");
	if (!(fmt & FMT_NUMERIC)) {
		for (i = 0; i < ARRAY_SIZE(icmp_names); i++) {
			if (icmp_names[i].type == d->type &&
			    icmp_names[i].code_min == d->code_min &&
			    icmp_names[i].code_max == d->code_max) {
				sb_printf(out, " %s%s", d->inv ? "!" : "", icmp_names[i].name);
				return;
			}
		}
	}
	if (d->inv)
		sb_add(out, " !");
	sb_printf(out, "type %u", d->type);
	if (d->code_min == d->code_max)
		sb_printf(out, " code %u", d->code_min);
	else if (d->code_min != 0 || d->code_max != 0xff)
		sb_printf(out, " codes %u-%u", d->code_min, d->code_max);
}

static void icmp_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct icmp_data *d = data;

	(void)r;
	if (d->inv)
		sb_add(out, " !");
	if (d->type == 0xff && d->code_min == 0 && d->code_max == 0xff) {
		sb_add(out, " --icmp-type any");
		return;
	}
	sb_printf(out, " --icmp-type %u", d->type);
	if (d->code_min != 0 || d->code_max != 0xff)
		sb_printf(out, "/%u", d->code_min);
}

static bool same_codes(const struct icmp_name *a, const struct icmp_name *b)
{
	return a->type == b->type && a->code_min == b->code_min && a->code_max == b->code_max;
}

void icmp_names_help(struct strbuf *out, const char *title, const struct icmp_name *names,
		     size_t n)
{
	size_t i, j;

	sb_printf(out, "%s\n", title);
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
	icmp_names_help(out, "Valid ICMP Types:", icmp_names, ARRAY_SIZE(icmp_names));
}

const struct extension ext_icmp = {
	.name = "icmp",
	.kind = EXT_MATCH,
	.families = EXT_IPV4,
	.size = sizeof(struct icmp_data),
	.opts = icmp_opts,
	.parse = icmp_parse,
	.check = icmp_check,
	.linearize = icmp_linearize,
	.compat = icmp_compat,
	.delinearize = icmp_delinearize,
	.print = icmp_print,
	.save = icmp_save,
	.help = icmp_help,
};
